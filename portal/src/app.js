// The portal's shell: configuration, sign-in, the navigation that follows the person's role, and the
// hash router (#/licenses, #/orders, ...). Each screen is a module in screens/ with
// {path, title, required, render(main, context, params)}; render may return a function that cleans up.
import { api } from "./api.js";
import { session } from "./auth.js";
import { ROLE_NAMES, can } from "./roles.js";
import { el, notify, problemView } from "./ui.js";
import billing from "./screens/billing.js";
import buy from "./screens/buy.js";
import discounts from "./screens/discounts.js";
import licenses from "./screens/licenses.js";
import orders from "./screens/orders.js";
import settings from "./screens/settings.js";
import { renderSignIn } from "./screens/signin.js";

const SCREENS = [buy, licenses, orders, billing, discounts, settings];
const DEFAULT_PATH = "licenses";
const OFFER_LINK = /^\/portal\/offers\/([^/]+)\/?$/;

const main = document.getElementById("main");
const header = document.querySelector("header.top");
const nav = document.getElementById("nav");
let context = null;
let cleanup = null;

async function runtime() {
  try {
    const response = await fetch("/portal/runtime.json", { credentials: "omit" });
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

/** The route in the hash: "#/licenses/ABC?x=1" -> {path: "licenses", rest: ["ABC"], params}. */
function currentRoute() {
  const [route, search] = window.location.hash.replace(/^#\/?/, "").split("?");
  const [path, ...rest] = route.split("/").filter(Boolean).map(decodeURIComponent);
  return { path: path || DEFAULT_PATH, rest, params: new URLSearchParams(search || "") };
}

function navigate(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

function renderNav() {
  const links = SCREENS.filter((screen) => context.can(screen.required)).map((screen) =>
    el("a", { href: `#/${screen.path}`, dataset: { path: screen.path } }, screen.title),
  );
  nav.replaceChildren(el("ul", {}, links.map((link) => el("li", {}, link))));
  const who = document.getElementById("who");
  who.textContent = `${context.me.caller.email || context.me.caller.name || ""} · ${context.me.partner.name} · ${ROLE_NAMES[context.role] || context.role}`;
  header.hidden = false;
}

function markCurrent(path) {
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset.path === path) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route() {
  if (!context) return;
  if (cleanup) cleanup();
  cleanup = null;
  const { path, rest, params } = currentRoute();
  const screen = SCREENS.find((candidate) => candidate.path === path || (candidate.aliases || []).includes(path));
  main.replaceChildren();
  if (!screen) {
    main.append(problemView({ title: "No such page", detail: "Choose a page from the menu.", code: "NOT_FOUND" }));
    return;
  }
  if (!context.can(screen.required)) {
    main.append(problemView({ title: "Not for your role", detail: `${screen.title} needs the ${ROLE_NAMES[screen.required]} role.`, code: "FORBIDDEN" }));
    return;
  }
  document.title = `${screen.title} · Partner portal`;
  markCurrent(screen.path);
  header.querySelector(".menu-toggle").setAttribute("aria-expanded", "false");
  nav.classList.remove("open");
  main.setAttribute("aria-busy", "true"); // while the screen reads what it shows first
  try {
    cleanup = (await screen.render(main, context, { path, rest, params })) || null;
  } catch (error) {
    main.replaceChildren(problemView(error));
  } finally {
    main.removeAttribute("aria-busy");
  }
  main.focus({ preventScroll: true });
}

async function signedIn(runtimeConfig) {
  const me = await api.get("/v1/me");
  context = {
    api,
    me,
    role: me.role,
    runtime: runtimeConfig,
    can: (required) => can(me.role, required),
    navigate,
    notify,
  };
  renderNav();
  await route();
}

function signedOut(message) {
  context = null;
  if (cleanup) cleanup();
  cleanup = null;
  header.hidden = true;
  nav.replaceChildren();
  renderSignIn(main, { session, message, onSignedIn: () => signedIn(runtimeConfig) });
}

let runtimeConfig = {};

async function start() {
  const offer = window.location.pathname.match(OFFER_LINK);
  if (offer) history.replaceState(null, "", `/portal/#/buy/offer/${encodeURIComponent(offer[1])}`);
  header.querySelector(".menu-toggle").addEventListener("click", (event) => {
    const open = nav.classList.toggle("open");
    event.currentTarget.setAttribute("aria-expanded", String(open));
  });
  document.getElementById("sign-out").addEventListener("click", () => {
    session.signOut();
    signedOut("You are signed out.");
  });
  window.addEventListener("hashchange", route);
  try {
    const [config, runtimeAnswer] = await Promise.all([api.get("/v1/auth/config"), runtime()]);
    runtimeConfig = runtimeAnswer;
    session.configure(config);
  } catch (error) {
    main.replaceChildren(problemView(error));
    return;
  }
  session.onExpired = () => signedOut("Your session has ended: sign in again.");
  signedOut();
}

start();
