// Discounts: the partner's requests for an education or non-profit discount (and the like), their state
// and, once approved, the offer they made; purchasers and owners ask for one with its evidence. A
// submission keeps its Idempotency-Key while it is retried, so a lost answer cannot ask twice.
import { submissionKey } from "../api.js";
import { cursorGrid } from "../grid.js";
import { busy, date, el, field, section, select, showProblem, titleCase } from "../ui.js";

export const KINDS = [["education", "Education"], ["nonprofit", "Non-profit"], ["charity", "Charity"], ["student", "Student"], ["teacher", "Teacher"]];
const KIND_NAMES = Object.fromEntries(KINDS);
const STATUS_BADGES = { pending: "pending", approved: "in-use", rejected: "rejected" };

function requestForm(context, onSent) {
  const kind = select(KINDS, { name: "kind", required: true });
  const customer = el("input", { type: "text", name: "customer_name", maxlength: "200", required: true, autocomplete: "organization" });
  const evidence = el("input", { type: "url", name: "evidence_url", maxlength: "2000", placeholder: "https://" });
  const details = el("textarea", { name: "details", rows: "4", maxlength: "2000", required: true });
  const send = el("button", { type: "submit", class: "primary" }, "Send request");
  const form = el("form", { class: "narrow-form" },
    field("Kind", kind),
    field("Customer", customer, "The school, charity or person the discount is for."),
    field("Evidence link (optional)", evidence, "An https:// page that shows the customer's status, e.g. a registry entry."),
    field("Details", details, "What the customer needs (product, devices, years) and anything that supports the request."),
    el("div", { class: "actions" }, send));
  const key = submissionKey(form);
  const box = section("Request a discount", el("p", {}, "We review each request and answer with an offer you can buy from."), form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { kind: kind.value, customer_name: customer.value, details: details.value, evidence_url: evidence.value.trim() || null };
    const created = await busy(send, () => context.api.post("/v1/discount-requests", body, { idempotencyKey: key.get() }), box);
    if (!created) return;
    key.done();
    form.reset();
    context.notify(`Discount request for ${created.customer_name} sent: ${titleCase(created.status)}.`, "success");
    onSent(created);
  });
  return box;
}

function offerCell(cell) {
  const request = cell.getData();
  const offerId = request.offer_id || request.offer?.id;
  // A formatter's string becomes HTML (Tabulator): the reason, the partner's own words, goes in as text.
  if (!offerId) return el("span", {}, request.status === "rejected" ? request.rejection_reason || "" : "");
  const status = request.offer?.status;
  return el("a", { href: `#/buy/offer/${encodeURIComponent(offerId)}`, "aria-label": `Offer ${offerId} for ${request.customer_name}` },
    `Offer ${offerId}`, status ? ` (${titleCase(status)})` : "");
}

export default {
  path: "discounts",
  title: "Discounts",
  required: "read_only",
  render(main, context) {
    main.append(el("h1", {}, "Discounts"));
    const holder = el("div", { class: "grid", "aria-label": "Discount requests" });
    const list = section("Your discount requests", holder);
    let grid = null;
    if (context.can("purchaser")) main.append(requestForm(context, () => grid.setData()));
    main.append(list);
    grid = cursorGrid(holder, {
      api: context.api,
      path: "/v1/discount-requests",
      placeholder: "No discount requests yet",
      onError: (error) => showProblem(list, error),
      columns: [
        { title: "Customer", field: "customer_name", headerSort: false },
        { title: "Kind", field: "kind", headerSort: false, formatter: (cell) => KIND_NAMES[cell.getValue()] || titleCase(cell.getValue()) },
        { title: "State", field: "status", headerSort: false, formatter: (cell) =>
          el("span", { class: `badge ${STATUS_BADGES[cell.getValue()] || "pending"}` }, titleCase(cell.getValue())) },
        { title: "Requested", field: "created_at", headerSort: false, formatter: (cell) => date(cell.getValue()) },
        { title: "Decided", field: "decided_at", headerSort: false, formatter: (cell) => date(cell.getValue()) },
        { title: "Offer or reason", field: "offer_id", headerSort: false, formatter: offerCell },
        { title: "Details", field: "details", headerSort: false, maxWidth: 360 },
      ],
    });
    return () => grid.destroy();
  },
};
