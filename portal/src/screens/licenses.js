// Manage licenses: the activated licenses (filters expired and expiring soon) and the unused coupons
// (by default those whose activation deadline is near), each a remote grid with the wildcard search
// across key, note, customer reference, workspace and order. Each grid's first page is one API call.
import { cursorGrid } from "../grid.js";
import { date, el, field, section, select, showProblem, titleCase } from "../ui.js";

const SOON_DAYS = 30;
const DEADLINE_NEAR_DAYS = 60;

function searchBox(label, onSearch) {
  const input = el("input", { type: "search", placeholder: "key, note, customer, workspace, order; * and ?" });
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(onSearch, 300);
  });
  return { input, node: field(label, input, "Wildcards: * any text, ? one character; not case-sensitive.") };
}

const keyColumn = { title: "Key", field: "key", headerSort: false, frozen: true };
const productColumns = [
  { title: "Product", field: "product", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
  { title: "Devices", field: "devices", headerSort: false, hozAlign: "right" },
  { title: "Term (months)", field: "term_months", headerSort: false, hozAlign: "right" },
];
const textColumns = [
  { title: "Customer", field: "customer_ref", headerSort: false },
  { title: "Note", field: "note", headerSort: false },
  { title: "Order", field: "order_id", headerSort: false },
];
const dated = (title, name) => ({ title, field: name, formatter: (cell) => date(cell.getValue()) });

function activatedGrid(container, context) {
  const filter = select([["", "All activated"], ["expired", "Expired"], ["soon", `Expiring within ${SOON_DAYS} days`]], { "aria-label": "Show" });
  const search = searchBox("Search activated licenses", () => grid.setData());
  const query = () => ({
    view: "activated",
    q: search.input.value.trim(),
    status: filter.value === "expired" ? "expired" : undefined,
    expiring_within_days: filter.value === "soon" ? SOON_DAYS : undefined,
  });
  const holder = el("div", { class: "grid", "aria-label": "Activated licenses" });
  container.append(section("Activated licenses", el("div", { class: "toolbar" }, field("Show", filter), search.node), holder));
  filter.addEventListener("change", () => grid.setData());
  const grid = cursorGrid(holder, {
    api: context.api,
    path: "/v1/licenses",
    query,
    sortable: { expires_at: "expires_at", activated_at: "activated_at" },
    initialSort: [{ column: "expires_at", dir: "asc" }],
    onError: (error) => showProblem(container, error),
    columns: [
      keyColumn,
      { title: "Status", field: "status", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
      ...productColumns,
      { title: "Workspace", field: "workspace_id", headerSort: false },
      dated("Activated", "activated_at"),
      dated("Expires", "expires_at"),
      ...textColumns,
    ],
  });
  return grid;
}

function couponsGrid(container, context) {
  const filter = select([["near", `Deadline within ${DEADLINE_NEAR_DAYS} days`], ["all", "All unused coupons"]], { "aria-label": "Show coupons" });
  const search = searchBox("Search coupons", () => grid.setData());
  const query = () => ({
    view: "coupons",
    q: search.input.value.trim(),
    expiring_within_days: filter.value === "near" ? DEADLINE_NEAR_DAYS : undefined,
  });
  const holder = el("div", { class: "grid", "aria-label": "Unused coupons" });
  container.append(section("Unused coupons", el("div", { class: "toolbar" }, field("Show", filter), search.node), holder));
  filter.addEventListener("change", () => grid.setData());
  const grid = cursorGrid(holder, {
    api: context.api,
    path: "/v1/licenses",
    query,
    sortable: { activation_deadline: "activation_deadline", purchased_at: "purchased_at" },
    initialSort: [{ column: "activation_deadline", dir: "asc" }],
    onError: (error) => showProblem(container, error),
    columns: [keyColumn, ...productColumns, dated("Activate by", "activation_deadline"), dated("Bought", "purchased_at"), ...textColumns],
  });
  return grid;
}

export default {
  path: "licenses",
  title: "Manage licenses",
  required: "read_only",
  render(main, context) {
    main.append(el("h1", {}, "Manage licenses"));
    const grids = [activatedGrid(main, context), couponsGrid(main, context)];
    return () => grids.forEach((grid) => grid.destroy());
  },
};
