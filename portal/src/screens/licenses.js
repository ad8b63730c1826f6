// Manage licenses: the activated licenses (filters expired and expiring soon) and the unused coupons
// (by default those whose activation deadline is near, and groupable by dragging a column header), each
// a remote grid with the wildcard search across key, note, customer reference, workspace and order, the
// note's pencil and the row's Actions menu (license_actions.js); "Assign key" below them. Each grid's
// first page is one API call.
import { cursorGrid, searchInput } from "../grid.js";
import { groupArea } from "../grouping.js";
import { busy, date, el, field, notify, saveCsv, section, select, showProblem, titleCase } from "../ui.js";
import { actionsFormatter, noteFormatter } from "./license_actions.js";

const SOON_DAYS = 30;
const DEADLINE_NEAR_DAYS = 60;
// Every license a customer activated: the API's `activated` view, plus the monthly licenses suspended or
// cancelled since, which stay in the grid (and in their menu) rather than disappear from it.
const ACTIVATED = "active,expired,suspended,cancelled";

function searchBox(label, holder, reload) {
  const input = searchInput(holder, reload, { placeholder: "key, note, customer, workspace, order; * and ?" });
  return { input, node: field(label, input, "Wildcards: * any text, ? one character; not case-sensitive.") };
}

const keyColumn = { title: "Key", field: "key", headerSort: false, frozen: true };
const productColumns = [
  { title: "Product", field: "product", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
  { title: "Devices", field: "devices", headerSort: false, hozAlign: "right" },
  { title: "Term (months)", field: "term_months", headerSort: false, hozAlign: "right" },
];
function textColumns(context, onError) {
  return [
    { title: "Customer", field: "customer_ref", headerSort: false },
    { title: "Note", field: "note", headerSort: false, formatter: noteFormatter(context, onError) },
    { title: "Order", field: "order_id", headerSort: false },
  ];
}
/** "Export CSV": every license the grid's filters match (not only the page shown), with progress. */
function exportButton(context, query, filename, where) {
  const button = el("button", { type: "button", class: "secondary" }, "Export CSV");
  button.addEventListener("click", () => saveCsv({
    button,
    read: (onProgress) => context.api.text("/v1/licenses/export", { ...query(), group_by: undefined }, onProgress),
    filename,
    label: `Exporting ${filename}`,
    where,
  }));
  return button;
}

const dated = (title, name) => ({ title, field: name, formatter: (cell) => date(cell.getValue()) });

function activatedGrid(container, context, refresh) {
  const filter = select([["", "All activated"], ["expired", "Expired"], ["soon", `Expiring within ${SOON_DAYS} days`]], { "aria-label": "Show" });
  const holder = el("div", { class: "grid", "aria-label": "Activated licenses" });
  const search = searchBox("Search activated licenses", holder, () => grid.setData());
  const query = () => ({
    q: search.input.value.trim(),
    status: { expired: "expired", soon: "active" }[filter.value] || ACTIVATED,
    expiring_within_days: filter.value === "soon" ? SOON_DAYS : undefined,
  });
  container.append(section("Activated licenses", el("div", { class: "toolbar" }, field("Show", filter), search.node,
    exportButton(context, query, "activated-licenses.csv", container)), holder));
  filter.addEventListener("change", () => grid.setData());
  const grid = cursorGrid(holder, {
    api: context.api,
    path: "/v1/licenses",
    query,
    // No initial sort: newest first is the API's own order, one Query even for 50,000 licenses; sorting
    // by a date column reads the partner's whole list (README, performance).
    sortable: { expires_at: "expires_at", activated_at: "activated_at" },
    onError: (error) => showProblem(container, error),
    columns: [
      keyColumn,
      { title: "Actions", field: "actions", headerSort: false, formatter: actionsFormatter(context, refresh, (error) => showProblem(container, error)) },
      { title: "Status", field: "status", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
      ...productColumns,
      { title: "Workspace", field: "workspace_id", headerSort: false },
      dated("Activated", "activated_at"),
      dated("Expires", "expires_at"),
      ...textColumns(context, (error) => showProblem(container, error)),
    ],
  });
  return grid;
}

const GROUPABLE = [["product", "Product"], ["devices", "Devices"], ["term_months", "Term (months)"]];

function couponsGrid(container, context, refresh) {
  const filter = select([["near", `Deadline within ${DEADLINE_NEAR_DAYS} days`], ["all", "All unused coupons"]], { "aria-label": "Show coupons" });
  const holder = el("div", { class: "grid", "aria-label": "Unused coupons" });
  const search = searchBox("Search coupons", holder, () => grid.setData());
  const counts = new Map();
  const grouping = groupArea({
    label: "Unused coupons",
    fields: GROUPABLE,
    onChange: (name) => {
      grid.setGroupBy(name || false);
      grid.setData();
    },
  });
  const query = () => ({
    view: "coupons",
    q: search.input.value.trim(),
    expiring_within_days: filter.value === "near" ? DEADLINE_NEAR_DAYS : undefined,
    group_by: grouping.field || undefined,
  });
  const onError = (error) => showProblem(container, error);
  container.append(section("Unused coupons", el("div", { class: "toolbar" }, field("Show", filter), search.node,
    exportButton(context, query, "unused-coupons.csv", container)), grouping.node, holder));
  filter.addEventListener("change", () => grid.setData());
  const grid = cursorGrid(holder, {
    api: context.api,
    path: "/v1/licenses",
    query,
    // Nearest deadline first: one API call, in which the API reads the partner's list to sort it (README,
    // performance). By purchase, the list's own order, lapsed coupons would fill the first pages.
    sortable: { activation_deadline: "activation_deadline", purchased_at: "purchased_at" },
    initialSort: [{ column: "activation_deadline", dir: "asc" }],
    onError,
    onPage: (body) => {
      counts.clear();
      for (const group of body.groups || []) counts.set(String(group.value), group.count);
    },
    groupHeader: (value, shown) => {
      const name = grouping.field;
      const label = name === "product" ? titleCase(value) : String(value);
      const all = counts.get(String(value)) ?? shown;
      return `${grouping.title(name)}: ${label}, ${all} ${all === 1 ? "coupon" : "coupons"} in all (${shown} on this page)`;
    },
    columns: [
      keyColumn,
      { title: "Actions", field: "actions", headerSort: false, formatter: actionsFormatter(context, refresh, onError) },
      ...productColumns,
      dated("Activate by", "activation_deadline"),
      dated("Bought", "purchased_at"),
      ...textColumns(context, onError),
    ],
  });
  grouping.attach(grid);
  return grid;
}

/** "Assign key": bind one of the partner's coupons to a customer's workspace, or take a key into stock. */
function assignSection(container, context, refresh) {
  const key = el("input", { type: "text", autocomplete: "off", spellcheck: false, required: true });
  const workspace = el("input", { type: "text", autocomplete: "off", spellcheck: false, required: true });
  const assign = el("button", { type: "button", class: "primary" }, "Assign key");
  const claimKey = el("input", { type: "text", autocomplete: "off", spellcheck: false, required: true });
  const claim = el("button", { type: "button", class: "secondary" }, "Take into stock");
  const assignForm = el("div", {}, el("div", { class: "row" }, field("Coupon key", key), field("Customer workspace", workspace, "The workspace id the client software shows."), assign));
  const claimForm = el("div", {}, el("div", { class: "row" }, field("Key bought elsewhere", claimKey, "A key of yours that is not in your stock yet."), claim));
  assign.addEventListener("click", () => busy(assign, async () => {
    const license = await context.api.post(`/v1/licenses/${encodeURIComponent(key.value.trim())}/assign`, { workspace_id: workspace.value.trim() });
    notify(`${license.key} is assigned to ${license.workspace_id}: ${titleCase(license.status)}, until ${date(license.expires_at)}.`, "success");
    key.value = "";
    workspace.value = "";
    refresh();
  }, assignForm));
  claim.addEventListener("click", () => busy(claim, async () => {
    const license = await context.api.post("/v1/licenses/claim", { key: claimKey.value.trim() });
    notify(`${license.key} is in your stock.`, "success");
    claimKey.value = "";
    refresh();
  }, claimForm));
  container.append(section("Assign key", assignForm, claimForm));
}

export default {
  path: "licenses",
  title: "Manage licenses",
  required: "read_only",
  render(main, context) {
    main.append(el("h1", {}, "Manage licenses"));
    const grids = [];
    const refresh = () => grids.forEach((grid) => grid.setData());
    grids.push(activatedGrid(main, context, refresh), couponsGrid(main, context, refresh));
    if (context.can("purchaser")) assignSection(main, context, refresh);
    return () => grids.forEach((grid) => grid.destroy());
  },
};
