// What a person can do with one license from its grid row: edit the note in place (the pencil), and the
// row's Actions menu: change history, renew for N years, renew with a coupon (offered only when the API
// names a matching coupon), renew and migrate to the upgrade edition, and for monthly licenses devices,
// suspend, reinstate and cancel. Changes send the row's version as If-Match, so a change made meanwhile
// by someone else is refused (412) rather than overwritten; orders and coupon renewals carry an
// Idempotency-Key made once per dialog.
import { idempotencyKey } from "../api.js";
import { date, dateTime, el, field, money, notify, openDialog, select, titleCase } from "../ui.js";

const HISTORY_PAGE = 25;

function path(key, suffix = "") {
  return `/v1/licenses/${encodeURIComponent(key)}${suffix}`;
}

function ifMatch(license) {
  return { "If-Match": `"${license.version}"` };
}

/** The Note column: the note and, for those who may edit it, a pencil that edits it in place. */
export function noteFormatter(context, onError) {
  return (cell) => {
    const license = cell.getData();
    const text = el("span", { class: "note-text" }, license.note || "");
    if (!context.can("purchaser")) return text;
    const pencil = el("button", { type: "button", class: "link pencil", "aria-label": `Edit the note of ${license.key}`, title: "Edit note" }, "✎");
    const wrap = el("span", { class: "note-cell" }, text, pencil);
    pencil.addEventListener("click", () => {
      const input = el("input", { type: "text", maxLength: 1000, value: license.note || "", "aria-label": `Note of ${license.key}` });
      const save = el("button", { type: "button", class: "primary" }, "Save");
      const cancel = el("button", { type: "button", class: "secondary" }, "Cancel");
      const restore = () => {
        wrap.replaceChildren(text, pencil);
        pencil.focus();
      };
      const store = async () => {
        save.disabled = true;
        try {
          const note = input.value.trim();
          const changed = await context.api.patch(path(license.key), { note: note || null }, { headers: ifMatch(license) });
          onError(null);
          await cell.getRow().update(changed);
          notify(`Note of ${license.key} saved.`, "success");
        } catch (error) {
          save.disabled = false;
          onError(error);
        }
      };
      input.addEventListener("keydown", (event) => {
        event.stopPropagation(); // the grid's own keys (arrows, Enter) stay out of the editor
        if (event.key === "Enter") store();
        if (event.key === "Escape") restore();
      });
      save.addEventListener("click", store);
      cancel.addEventListener("click", restore);
      wrap.replaceChildren(input, save, cancel);
      input.focus();
      input.select();
    });
    return wrap;
  };
}

function actorText(actor) {
  if (!actor) return "";
  const who = actor.email || actor.id || "";
  return `${titleCase(actor.type)}${who ? ` ${who}` : ""}`;
}

function changesText(changes) {
  return Object.entries(changes || {}).map(([name, change]) =>
    `${titleCase(name)}: ${change && typeof change === "object" && "to" in change ? `${change.from ?? "none"} → ${change.to ?? "none"}` : JSON.stringify(change)}`);
}

async function showHistory(context, license) {
  const list = el("ol", { class: "history" });
  const more = el("button", { type: "button", class: "secondary", hidden: true }, "Show older entries");
  let cursor = null;
  const load = async () => {
    const page = await context.api.get(path(license.key, "/history"), { limit: HISTORY_PAGE, cursor });
    for (const entry of page.items) {
      list.append(el("li", {}, el("strong", {}, titleCase(entry.action)), ` ${dateTime(entry.at)}, by ${actorText(entry.actor)}`,
        el("ul", {}, changesText(entry.changes).map((line) => el("li", {}, line)))));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
  };
  await load();
  more.addEventListener("click", load);
  if (!list.children.length) list.append(el("li", {}, "No changes recorded."));
  return openDialog({ title: `History of ${license.key}`, body: el("div", {}, list, more), cancel: "Close" });
}

function termText(option) {
  return `${option.years} ${option.years === 1 ? "year" : "years"}: ${money(option.price)}, until ${date(option.expires_at)}`;
}

/** Renew for N years, or with `product` renew and migrate to that edition: an order to pay. */
async function renew(context, license, options, product) {
  const terms = product ? options.migrations.find((migration) => migration.product === product).renew : options.renew;
  const years = select(terms.map((option) => [option.years, termText(option)]));
  const once = idempotencyKey();
  const order = await openDialog({
    title: product ? `Renew ${license.key} as ${titleCase(product)}` : `Renew ${license.key}`,
    body: el("div", {}, el("p", {}, product
      ? `The license moves from ${titleCase(options.product)} to ${titleCase(product)} when the renewal is paid.`
      : `Now valid until ${date(options.expires_at)}.`), field("Renew for", years)),
    actions: [{ label: "Order the renewal", primary: true, run: () =>
      context.api.post(path(license.key, "/renew"), { years: Number(years.value), ...(product ? { migrate_to: product } : {}) }, { idempotencyKey: once }) }],
  });
  if (order) context.navigate(`#/buy/order/${encodeURIComponent(order.id)}`);
}

async function renewWithCoupon(context, license, coupon, refresh) {
  const once = idempotencyKey();
  const done = await openDialog({
    title: `Renew ${license.key} with a coupon`,
    body: el("p", {}, `The unused coupon ${coupon.key} (${coupon.term_months} months) renews the license until ${date(coupon.expires_at)}; the coupon is used up.`),
    actions: [{ label: "Renew with the coupon", primary: true, run: () =>
      context.api.post(path(license.key, "/renew-with-coupon"), { coupon_key: coupon.key }, { idempotencyKey: once }) }],
  });
  if (done) {
    notify(`${license.key} renewed until ${date(done.license.expires_at)} with ${coupon.key}.`, "success");
    refresh();
  }
}

async function changeDevices(context, license, refresh) {
  const devices = el("input", { type: "number", min: "1", max: "100000", value: String(license.devices), required: true });
  const done = await openDialog({
    title: `Devices of ${license.key}`,
    body: field("Devices", devices, "Billed per device and day from today."),
    actions: [{ label: "Save", primary: true, run: () => context.api.patch(path(license.key), { devices: Number(devices.value) }, { headers: ifMatch(license) }) }],
  });
  if (done) {
    notify(`${license.key} now has ${done.devices} devices.`, "success");
    refresh();
  }
}

async function confirmAction(context, license, { title, text, label, suffix }, refresh) {
  const done = await openDialog({
    title,
    body: el("p", {}, text),
    actions: [{ label, primary: true, run: () => context.api.post(path(license.key, suffix)) }],
  });
  if (done) {
    notify(`${license.key}: ${titleCase(done.status)}.`, "success");
    refresh();
  }
}

const MONTHLY_CHANGES = [
  { when: (l) => l.status === "active", title: "Suspend", text: "The client software stops working until the license is reinstated; suspended days are not billed.", label: "Suspend", suffix: "/suspend" },
  { when: (l) => l.status === "suspended", title: "Reinstate", text: "The license works again from now, and is billed again.", label: "Reinstate", suffix: "/reinstate" },
  { when: (l) => !l.cancelled_at && l.status !== "cancelled", title: "Cancel", text: "The license ends at the next UTC midnight and is billed up to then.", label: "Cancel the license", suffix: "/cancel" },
];

/** The Actions column: a button that opens the license's menu. refresh() reloads the grids. */
export function actionsFormatter(context, refresh, onError) {
  return (cell) => {
    const license = cell.getData();
    const button = el("button", { type: "button", class: "secondary", "aria-haspopup": "dialog", "aria-label": `Actions for ${license.key}` }, "Actions");
    button.addEventListener("click", () => openMenu(context, license, refresh).then(() => onError(null), onError));
    return button;
  };
}

async function openMenu(context, license, refresh) {
  const may = context.can("purchaser");
  const monthly = license.plan === "monthly";
  const renewable = may && !monthly && ["active", "expired", "lapsed"].includes(license.status);
  const options = renewable ? await context.api.get(path(license.key, "/renewal-options")) : null;
  const entries = [{ label: "Change history", run: () => showHistory(context, license) }];
  if (options && options.direct_purchase) {
    if (options.renew.length) entries.push({ label: "Renew…", run: () => renew(context, license, options) });
    if (options.coupon) entries.push({ label: `Renew with coupon ${options.coupon.key}`, run: () => renewWithCoupon(context, license, options.coupon, refresh) });
    for (const migration of options.migrations) {
      entries.push({ label: `Renew and migrate to ${titleCase(migration.product)}…`, run: () => renew(context, license, options, migration.product) });
    }
  }
  if (may && monthly && license.status !== "unused") {
    if (["active", "suspended"].includes(license.status)) entries.push({ label: "Devices…", run: () => changeDevices(context, license, refresh) });
    for (const change of MONTHLY_CHANGES.filter((candidate) => candidate.when(license))) {
      entries.push({ label: `${change.title}…`, run: () => confirmAction(context, license, change, refresh) });
    }
  }
  const chosen = await openDialog({
    title: `License ${license.key}`,
    body: el("p", {}, `${titleCase(license.product)}, ${license.devices} devices, ${titleCase(license.status)}${license.expires_at ? `, until ${date(license.expires_at)}` : ""}.`),
    actions: entries.map((entry, index) => ({ label: entry.label, value: index })),
    cancel: "Close",
  });
  if (chosen !== null && chosen !== undefined) await entries[chosen].run();
}
