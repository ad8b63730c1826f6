// Order history: every order (new, bulk, renewal, monthly statement), told apart by whether its keys are
// in use: a coloured edge and a text label, never colour alone. Filters by type and status, the
// wildcard search, and each order's keys in its details.
import { cursorGrid, searchInput } from "../grid.js";
import { dateTime, el, field, money, openDialog, section, select, showProblem, titleCase } from "../ui.js";

const TYPES = [["", "All types"], ["new", "New"], ["bulk", "Bulk"], ["renewal", "Renewal"], ["monthly_statement", "Monthly statement"]];
const STATUSES = [["", "Any status"], ["pending_payment", "Awaiting payment"], ["fulfilling", "Keys being issued"], ["fulfilled", "Fulfilled"],
  ["payment_failed", "Payment failed"], ["payment_mismatch", "Payment mismatch"], ["refunded", "Refunded"]];

/** Whether an order's keys are in use: {kind, label}; the kind names the colour (styles.css). */
export function usage(order) {
  const issued = order.licenses_used + order.licenses_unused;
  if (order.type === "monthly_statement") return { kind: "pending", label: "Statement" };
  if (issued === 0) return { kind: "pending", label: "No keys yet" };
  if (order.licenses_unused === 0) return { kind: "in-use", label: "All in use" };
  if (order.licenses_used === 0) return { kind: "not-activated", label: "None activated" };
  return { kind: "partly", label: `${order.licenses_used} of ${issued} in use` };
}

function showKeys(order) {
  const keys = order.license_keys || [];
  const body = el("div", {},
    el("p", {}, `${titleCase(order.type)} order, ${titleCase(order.status)}, ${money(order.total)}, ${dateTime(order.created_at)}`),
    keys.length ? el("ul", { class: "keys" }, keys.map((key) => el("li", {}, el("code", {}, key)))) : el("p", {}, "No keys issued yet."));
  return openDialog({ title: `Order ${order.id}`, body, cancel: "Close" });
}

export default {
  path: "orders",
  title: "Order history",
  required: "read_only",
  render(main, context) {
    const type = select(TYPES);
    const status = select(STATUSES);
    const holder = el("div", { class: "grid", "aria-label": "Orders" });
    const search = searchInput(holder, () => grid.setData(), { placeholder: "order, key, customer; * and ?" });
    main.append(el("h1", {}, "Order history"),
      section("Orders", el("div", { class: "toolbar" }, field("Type", type), field("Status", status), field("Search orders", search)),
        el("p", { class: "legend" }, "Keys: ", ["in-use:All in use", "partly:Some in use", "not-activated:None activated", "pending:No keys yet"].map((pair) => {
          const [kind, label] = pair.split(":");
          return el("span", { class: `badge ${kind}` }, label);
        })), holder));
    const grid = cursorGrid(holder, {
      api: context.api,
      path: "/v1/orders",
      query: () => ({ type: type.value, status: status.value, q: search.value.trim() }),
      onError: (error) => showProblem(main, error),
      rowFormatter: (row) => row.getElement().classList.add(`order-${usage(row.getData()).kind}`),
      columns: [
        { title: "Order", field: "id", headerSort: false },
        { title: "Keys", field: "licenses_used", headerSort: false, formatter: (cell) => {
          const { kind, label } = usage(cell.getData());
          return el("span", { class: `badge ${kind}` }, label);
        } },
        { title: "Type", field: "type", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
        { title: "Status", field: "status", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
        { title: "Product", field: "product", headerSort: false, formatter: (cell) => titleCase(cell.getValue() || "") },
        { title: "Licenses", field: "licenses", headerSort: false, hozAlign: "right" },
        { title: "Total", field: "total", headerSort: false, hozAlign: "right", formatter: (cell) => money(cell.getValue()) },
        { title: "Customer", field: "customer_ref", headerSort: false },
        { title: "Placed", field: "created_at", headerSort: false, formatter: (cell) => dateTime(cell.getValue()) },
        { title: "", field: "id", headerSort: false, formatter: (cell) =>
          el("button", { type: "button", class: "link", onclick: () => showKeys(cell.getData()), "aria-label": `Keys of order ${cell.getValue()}` }, "Keys") },
      ],
    });
    type.addEventListener("change", () => grid.setData());
    status.addEventListener("change", () => grid.setData());
    return () => grid.destroy();
  },
};
