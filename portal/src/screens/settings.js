// Settings: the renewal reminder days (changed by the billing and owner roles), and for owners the
// partner's people (invite, change role, suspend, reactivate, remove) and API keys (issue, revoke). A new
// key's secret is shown once, in a dialog, and kept nowhere in the page after it closes.
import { submissionKey } from "../api.js";
import { ROLE_NAMES } from "../roles.js";
import { busy, date, el, field, openDialog, section, select, showProblem, titleCase } from "../ui.js";
import { cursorGrid } from "../grid.js";

const ROLES = Object.entries(ROLE_NAMES);
const USER_BADGES = { active: "in-use", suspended: "not-activated", removing: "pending" };

/** The API's problem, with LAST_OWNER in the words an owner acts on. */
function plain(error) {
  if (error.code !== "LAST_OWNER") return error;
  return {
    code: error.code,
    title: "The partner needs at least one active owner",
    detail: "Make another person an owner first; then you can change, suspend or remove this one.",
  };
}

async function confirm(title, message, label, run) {
  return openDialog({ title, body: el("p", {}, message), actions: [{ label, primary: true, run: async () => {
    try {
      await run();
      return true;
    } catch (error) {
      throw plain(error);
    }
  } }] });
}

/** "30, 14 7" -> [30, 14, 7]; a word that is not a whole number goes as it is, for the API to name. */
export function parseDays(text) {
  return text.split(/[\s,;]+/).filter(Boolean).map((word) => (/^\d+$/.test(word) ? Number(word) : word));
}

async function remindersSection(main, context) {
  const box = section("Renewal reminders");
  main.append(box);
  let settings;
  try {
    settings = await context.api.get("/v1/settings");
  } catch (error) {
    showProblem(box, error);
    return;
  }
  const current = el("p", {});
  const show = (value) => current.replaceChildren(
    "Reminders go out ", el("strong", {}, value.reminder_days.join(", ")), " days before a license expires",
    ` (default: ${value.default_reminder_days.join(", ")}).`);
  show(settings);
  box.append(current);
  if (!context.can("billing")) {
    box.append(el("p", { class: "muted" }, "The billing and owner roles can change them."));
    return;
  }
  const days = el("input", { type: "text", value: settings.reminder_days.join(", "), inputmode: "numeric", autocomplete: "off" });
  const save = el("button", { type: "submit", class: "primary" }, "Save reminder days");
  const restore = el("button", { type: "button", class: "secondary" }, "Restore the default");
  const form = el("form", { class: "row" }, field("Reminder days", days, "1 to 90 days before expiry, up to 10, e.g. 30, 14, 7, 1"), save, restore);
  box.append(form);
  const apply = async (button, reminderDays) => {
    const saved = await busy(button, () => context.api.patch("/v1/settings", { reminder_days: reminderDays }), box);
    if (!saved) return;
    show(saved);
    days.value = saved.reminder_days.join(", ");
    context.notify("Reminder days saved.", "success");
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply(save, parseDays(days.value));
  });
  restore.addEventListener("click", () => apply(restore, null));
}

function peopleSection(main, context) {
  const email = el("input", { type: "email", required: true, maxlength: "254", autocomplete: "off" });
  const role = select(ROLES, { value: "read_only" });
  const invite = el("button", { type: "submit", class: "primary" }, "Invite");
  const form = el("form", { class: "row" }, field("E-mail", email), field("Role", role), invite);
  const holder = el("div", { class: "grid", "aria-label": "People" });
  const listed = el("div", {}, holder); // the grid's own problems: a page that loads clears them, not the others
  const box = section("People", el("p", {}, "Invite a person: they get an e-mail with a temporary password."), form, listed);
  main.append(box);
  const key = submissionKey(form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { email: email.value.trim(), role: role.value };
    const person = await busy(invite, () => context.api.post("/v1/users", body, { idempotencyKey: key.get() }), box);
    if (!person) return;
    key.done();
    form.reset();
    role.value = "read_only";
    context.notify(`${person.email} is invited as ${ROLE_NAMES[person.role]}.`, "success");
    grid.setData();
  });
  const change = async (person, changes, what) => {
    try {
      await context.api.patch(`/v1/users/${encodeURIComponent(person.id)}`, changes);
      showProblem(box, null);
      context.notify(`${person.email}: ${what}.`, "success");
    } catch (error) {
      showProblem(box, plain(error));
    }
    grid.setData();
  };
  const self = context.me.caller.id;
  const grid = cursorGrid(holder, {
    api: context.api,
    path: "/v1/users",
    onError: (error) => showProblem(listed, error),
    columns: [
      { title: "E-mail", field: "email", headerSort: false },
      { title: "Role", field: "role", headerSort: false, formatter: (cell) => {
        const person = cell.getData();
        if (person.status === "removing") return ROLE_NAMES[person.role];
        const choice = select(ROLES, { value: person.role, "aria-label": `Role of ${person.email}` });
        choice.addEventListener("change", () => change(person, { role: choice.value }, `now ${ROLE_NAMES[choice.value]}`));
        return choice;
      } },
      { title: "Status", field: "status", headerSort: false, formatter: (cell) =>
        el("span", { class: `badge ${USER_BADGES[cell.getValue()] || "pending"}` }, titleCase(cell.getValue())) },
      { title: "Added", field: "created_at", headerSort: false, formatter: (cell) => date(cell.getValue()) },
      { title: "", field: "id", headerSort: false, formatter: (cell) => {
        const person = cell.getData();
        if (person.status === "removing") return el("span", {}, "Being removed");
        const suspended = person.status === "suspended";
        const toggle = el("button", { type: "button", class: "link", "aria-label": `${suspended ? "Reactivate" : "Suspend"} ${person.email}`,
          onclick: () => change(person, { status: suspended ? "active" : "suspended" }, suspended ? "reactivated" : "suspended") },
        suspended ? "Reactivate" : "Suspend");
        const remove = el("button", { type: "button", class: "link danger", "aria-label": `Remove ${person.email}`, onclick: async () => {
          const you = person.id === self ? " This is you: you will be signed out of the partner." : "";
          const done = await confirm(`Remove ${person.email}?`, `${person.email} loses access to the partner at once.${you}`, "Remove",
            () => context.api.delete(`/v1/users/${encodeURIComponent(person.id)}`));
          if (!done) return;
          context.notify(`${person.email} is removed.`, "success");
          grid.setData();
        } }, "Remove");
        return el("span", { class: "cell-actions" }, toggle, remove);
      } },
    ],
  });
  return grid;
}

/** The one time a key's secret is shown: a dialog with a copy button; nothing keeps it once it closes. */
function showSecret(created) {
  const secret = el("code", { class: "secret" }, created.api_key);
  const copied = el("span", { role: "status", class: "muted" });
  const copy = el("button", { type: "button", class: "primary", onclick: async () => {
    try {
      await navigator.clipboard.writeText(secret.textContent);
      copied.textContent = "Copied.";
    } catch {
      window.getSelection().selectAllChildren(secret);
      copied.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
    }
  } }, "Copy the key");
  const body = el("div", {},
    el("p", { class: "warning" }, el("strong", {}, "Copy this key now: it will not be shown again."), " Only its hash is kept; if you lose it, revoke it and issue a new one."),
    el("p", {}, secret),
    el("div", { class: "actions" }, copy, copied));
  return openDialog({ title: `API key ${created.name || created.key_id}`, body, cancel: "I have copied it" });
}

function keysSection(main, context) {
  const name = el("input", { type: "text", maxlength: "100", required: true, autocomplete: "off" });
  const role = select(ROLES, { value: "purchaser" });
  const issue = el("button", { type: "submit", class: "primary" }, "Issue key");
  const form = el("form", { class: "row" }, field("Key name", name), field("Key role", role), issue);
  const holder = el("div", { class: "grid", "aria-label": "API keys" });
  const listed = el("div", {}, holder);
  const box = section("API keys", el("p", {}, "Keys let your own systems call the API with a role of their own."), form, listed);
  main.append(box);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const created = await busy(issue, () => context.api.post("/v1/api-keys", { name: name.value.trim(), role: role.value }), box);
    if (!created) return;
    form.reset();
    role.value = "purchaser";
    grid.setData();
    await showSecret(created);
  });
  const grid = cursorGrid(holder, {
    api: context.api,
    path: "/v1/api-keys",
    placeholder: "No API keys yet",
    onError: (error) => showProblem(listed, error),
    columns: [
      { title: "Name", field: "name", headerSort: false },
      { title: "Key id", field: "key_id", headerSort: false },
      { title: "Role", field: "role", headerSort: false, formatter: (cell) => ROLE_NAMES[cell.getValue()] || titleCase(cell.getValue()) },
      { title: "Issued", field: "created_at", headerSort: false, formatter: (cell) => date(cell.getValue()) },
      { title: "Status", field: "revoked", headerSort: false, formatter: (cell) => cell.getValue()
        ? el("span", { class: "badge rejected" }, `Revoked ${date(cell.getData().revoked_at)}`)
        : el("span", { class: "badge in-use" }, "Active") },
      { title: "", field: "key_id", headerSort: false, formatter: (cell) => {
        const key = cell.getData();
        if (key.revoked) return "";
        const label = key.name || key.key_id;
        return el("button", { type: "button", class: "link danger", "aria-label": `Revoke ${label}`, onclick: async () => {
          const done = await confirm(`Revoke ${label}?`, "Calls made with this key are refused from now on. This cannot be undone.", "Revoke",
            () => context.api.delete(`/v1/api-keys/${encodeURIComponent(key.key_id)}`));
          if (!done) return;
          context.notify(`${label} is revoked.`, "success");
          grid.setData();
        } }, "Revoke");
      } },
    ],
  });
  return grid;
}

export default {
  path: "settings",
  title: "Settings",
  required: "read_only",
  async render(main, context) {
    main.append(el("h1", {}, "Settings"));
    const grids = [];
    const reminders = remindersSection(main, context);
    if (context.can("owner")) grids.push(peopleSection(main, context), keysSection(main, context));
    await reminders;
    return () => grids.forEach((grid) => grid.destroy());
  },
};
