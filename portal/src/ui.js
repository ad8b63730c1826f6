// Small DOM helpers shared by the screens: elements built from data (never HTML strings, so a note or a
// customer reference cannot inject markup), money and dates, problems shown in plain words with their
// code, dialogs, notices and progress.

/** An element: el("button", {class: "primary", onclick: f, "aria-label": "Buy"}, "Buy"). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const fractionDigits = new Map();

/** {amount: 12345, currency: "EUR"} (minor units) as "€123.45". */
export function money(value) {
  if (!value) return "";
  const { amount, currency } = value;
  if (!fractionDigits.has(currency)) {
    const options = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions();
    fractionDigits.set(currency, options.maximumFractionDigits);
  }
  const digits = fractionDigits.get(currency);
  return new Intl.NumberFormat("en", { style: "currency", currency }).format(amount / 10 ** digits);
}

/** An ISO 8601 UTC time as its date (UTC, as the API counts days). */
export function date(iso) {
  return iso ? new Date(iso).toISOString().slice(0, 10) : "";
}

export function dateTime(iso) {
  return iso ? `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
}

export function titleCase(value) {
  const text = String(value ?? "").replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A quote's or order's discounts: "Partner 10%, Volume 4%". */
export function discountsText(discounts) {
  return (discounts || []).map((discount) => `${titleCase(discount.kind)} ${discount.percent}%`).join(", ");
}

/** An API problem (or any error) in plain words, with its code. */
export function problemView(error) {
  const code = error.code || "UNEXPECTED";
  const box = el(
    "div",
    { class: "problem", role: "alert" },
    el("strong", {}, error.title || "Something went wrong"),
    error.detail && error.detail !== error.title ? el("p", {}, error.detail) : null,
  );
  if (error.errors && error.errors.length) {
    box.append(
      el("ul", {}, error.errors.map((item) => el("li", {}, [item.field || item.loc || item.pointer, item.message || item.msg].filter(Boolean).join(": ")))),
    );
  }
  if (!error.title && error.message) box.append(el("p", {}, error.message));
  box.append(el("p", { class: "code" }, "Code: ", el("code", {}, code)));
  return box;
}

/** Show the error at the top of `where` (replacing the one shown before), or clear it when null. */
export function showProblem(where, error) {
  let slot = where.querySelector(":scope > .problem-slot");
  if (!slot) {
    slot = el("div", { class: "problem-slot" });
    where.prepend(slot);
  }
  slot.replaceChildren(...(error ? [problemView(error)] : []));
  if (error) slot.scrollIntoView({ block: "nearest" });
}

/** A short message in the notice area (read out by screen readers). */
export function notify(message, kind = "info") {
  const area = document.getElementById("notices");
  const notice = el("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, message);
  area.append(notice);
  setTimeout(() => notice.remove(), 8000);
}

/** Run `action` with `button` disabled and marked busy; errors go to `where` (or are rethrown). */
export async function busy(button, action, where) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const result = await action();
    if (where) showProblem(where, null);
    return result;
  } catch (error) {
    if (!where) throw error;
    showProblem(where, error);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
}

/**
 * A modal dialog. `body` is a node; `actions` [{label, value, primary, run}] where `run(dialog)` may do
 * the work (its problems are shown in the dialog, which stays open) and resolve to the dialog's answer.
 * Escape or Cancel closes it with null. Focus returns to the element that opened it.
 */
export function openDialog({ title, body, actions = [], cancel = "Cancel" }) {
  const opener = document.activeElement;
  const heading = el("h2", { id: `dialog-${crypto.randomUUID()}` }, title);
  const content = el("div", { class: "dialog-body" }, body);
  const dialog = el("dialog", { "aria-labelledby": heading.id }, heading, content);
  return new Promise((resolve) => {
    const close = (value) => {
      dialog.close();
      dialog.remove();
      if (opener && opener.focus) opener.focus();
      resolve(value);
    };
    const buttons = actions.map((action) => {
      const button = el("button", { type: "button", class: action.primary ? "primary" : "secondary" }, action.label);
      button.addEventListener("click", async () => {
        if (!action.run) return close(action.value ?? true);
        const answer = await busy(button, () => action.run(dialog), content);
        if (answer !== undefined) close(answer);
      });
      return button;
    });
    if (cancel) buttons.push(el("button", { type: "button", class: "secondary", onclick: () => close(null) }, cancel));
    dialog.append(el("div", { class: "actions" }, buttons));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(null);
    });
    dialog.addEventListener("submit", (event) => event.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
    const first = dialog.querySelector("input, select, textarea") || buttons[0];
    if (first) first.focus();
  });
}

/** A labelled form control: field("Devices", el("input", {...}), "1 to 100"). */
export function field(label, control, hint) {
  const id = control.id || `field-${crypto.randomUUID()}`;
  control.id = id;
  const parts = [el("label", { for: id }, label), control];
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(el("small", { id: hintId, class: "hint" }, hint));
  }
  return el("div", { class: "field" }, parts);
}

/** A <select> of [value, label] pairs. */
export function select(options, attributes = {}) {
  const node = el("select", attributes);
  for (const [value, label] of options) node.append(el("option", { value: String(value) }, label));
  if (attributes.value !== undefined) node.value = String(attributes.value);
  return node;
}

/** A progress bar with a label; update(fraction or null for indeterminate, text). */
export function progress(label) {
  const bar = el("progress", { max: "1", "aria-label": label });
  const text = el("span", { class: "progress-text" }, label);
  const node = el("div", { class: "progress", role: "status" }, bar, text);
  return {
    node,
    update(fraction, message) {
      if (fraction === null || fraction === undefined) bar.removeAttribute("value");
      else bar.value = Math.max(0, Math.min(1, fraction));
      if (message) text.textContent = message;
    },
  };
}

/** A screen's section with a heading. */
export function section(title, ...children) {
  const heading = el("h2", { id: `section-${crypto.randomUUID()}` }, title);
  return el("section", { "aria-labelledby": heading.id }, heading, ...children);
}

/**
 * A CSV export with progress: `read(onProgress)` answers the file's Blob (api.text), saved as `filename`;
 * `button` is disabled meanwhile and problems go to `where`.
 */
export async function saveCsv({ button, read, filename, label, where }) {
  const bar = progress(label);
  button.after(bar.node);
  button.disabled = true;
  try {
    const blob = await read((received, total) =>
      bar.update(total ? received / total : null, `${Math.round(received / 1024)} KB${total ? ` of ${Math.round(total / 1024)} KB` : ""}`));
    bar.update(1, "Done");
    download(blob, filename);
    showProblem(where, null);
    notify(`Saved ${filename}`, "success");
  } catch (error) {
    showProblem(where, error);
  } finally {
    button.disabled = false;
    bar.node.remove();
  }
}

/** Save a Blob as a file download. */
export function download(blob, filename) {
  const link = el("a", { href: URL.createObjectURL(blob), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
