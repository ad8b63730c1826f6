// Checkout: the quote to confirm, the order (placed with one Idempotency-Key per checkout, so a retried
// click cannot order twice), then the payment step and the keys being issued, with progress. In
// `make dev` payments are simulated (/portal/runtime.json says so; the dev server's /dev/pay plays the
// provider); in AWS the order's `payment.checkout_url` is the provider's page. An offer's purchase link
// opens here directly.
import { idempotencyKey } from "../api.js";
import { busy, discountsText, el, field, money, notify, problemView, progress, section, showProblem, titleCase } from "../ui.js";

const POLL_MS = 700; // then slower, up to POLL_MAX_MS, while a provider's payment takes its time
const POLL_MAX_MS = 5000;
const SHOWN_KEYS = 20;

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function summary(quote) {
  const period = quote.plan === "monthly" ? "month to month, billed for use" : `${quote.years} ${quote.years === 1 ? "year" : "years"}`;
  return el("dl", { class: "summary" },
    el("dt", {}, "Product"), el("dd", {}, titleCase(quote.product)),
    el("dt", {}, "Devices per license"), el("dd", {}, String(quote.devices)),
    el("dt", {}, "License period"), el("dd", {}, period),
    el("dt", {}, "Licenses"), el("dd", {}, String(quote.licenses)),
    el("dt", {}, "Price per license"), el("dd", {}, `${money(quote.price_per_license)} (list ${money(quote.list_price_per_license)})`),
    el("dt", {}, "Discounts"), el("dd", {}, discountsText(quote.discounts) || "None"),
    el("dt", {}, quote.plan === "monthly" ? "Per month at full use" : "Total"), el("dd", { class: "total" }, money(quote.total)));
}

/** Follow the order until its keys are issued (or its payment fails), showing progress; answers it. */
async function untilIssued(view, api, order, bar, stop = { now: false }) {
  let current = order;
  let wait = POLL_MS;
  while (view.isConnected && !stop.now) {
    const issued = current.license_keys.length;
    bar.update(current.licenses ? issued / current.licenses : null, `${issued} of ${current.licenses} keys issued`);
    if (current.status === "fulfilled" || current.status === "payment_failed" || current.status === "payment_mismatch" || current.status === "refunded") return current;
    await pause(wait);
    wait = Math.min(wait * 1.5, POLL_MAX_MS);
    current = await api.get(`/v1/orders/${encodeURIComponent(current.id)}`);
  }
  return current;
}

function renewedView(order) {
  const { license_key: key, product, previous_product: previous } = order.renewal;
  return section(previous ? `${key} now runs ${titleCase(product)}` : `${key} is renewed`,
    el("p", {}, `Order ${order.id}, ${money(order.total)}. The license's new expiry date is in Manage licenses and in its history.`),
    el("div", { class: "actions" }, el("a", { class: "button primary", href: "#/licenses" }, "Manage licenses"), el("a", { class: "button", href: "#/orders" }, "Order history")));
}

function issuedView(order) {
  if (order.renewal) return renewedView(order);
  const keys = order.license_keys.slice(0, SHOWN_KEYS);
  return section(`Your ${order.license_keys.length} ${order.license_keys.length === 1 ? "key is" : "keys are"} ready`,
    el("p", {}, `Order ${order.id}, ${money(order.total)}. The keys are in your stock as unused coupons until a customer activates them.`),
    el("ul", { class: "keys" }, keys.map((key) => el("li", {}, el("code", {}, key)))),
    order.license_keys.length > keys.length ? el("p", {}, `and ${order.license_keys.length - keys.length} more.`) : null,
    el("div", { class: "actions" },
      el("a", { class: "button primary", href: "#/licenses" }, "Manage licenses"),
      el("a", { class: "button", href: "#/orders" }, "Order history"),
      el("a", { class: "button", href: "#/buy" }, "Buy more")));
}

async function finish(view, context, order, bar) {
  const done = await untilIssued(view, context.api, order, bar);
  if (!view.isConnected) return;
  if (done.status !== "fulfilled") {
    view.append(problemView({ title: "The payment did not go through", detail: `Order ${done.id} is ${titleCase(done.status).toLowerCase()}; no keys were issued.`, code: done.status.toUpperCase() }));
    return;
  }
  bar.node.remove();
  view.append(issuedView(done));
  notify(done.renewal ? `Order ${done.id}: ${done.renewal.license_key} renewed.` : `Order ${done.id}: ${done.license_keys.length} keys issued.`, "success");
}

/** The payment step of an order that awaits payment; then the keys. */
function paymentStep(view, context, order) {
  const bar = progress("Keys being issued");
  const step = section("Payment", el("p", {}, `Order ${order.id} awaits payment of ${money(order.payment.amount)} (reference ${order.payment.reference}).`));
  view.append(step);
  if (context.runtime.simulated_payments) {
    const pay = el("button", { type: "button", class: "primary" }, `Pay ${money(order.payment.amount)} (simulated)`);
    step.append(el("p", { class: "hint" }, "This portal runs on the dev server: the payment is simulated, as the provider's webhook would report it."), el("div", { class: "actions" }, pay));
    pay.addEventListener("click", () => busy(pay, async () => {
      step.append(bar.node);
      bar.update(null, `Paying and issuing ${order.licenses} keys…`);
      const stop = { now: false };
      const following = untilIssued(view, context.api, order, bar, stop); // progress while the payment runs
      following.catch(() => {}); // awaited below; its problem is shown once, there
      try {
        await context.api.post(`/dev/pay/${encodeURIComponent(order.id)}`);
      } catch (error) {
        stop.now = true; // no payment, nothing to follow: the problem is shown and Pay stays
        throw error;
      }
      const done = await following;
      pay.remove();
      await finish(view, context, done, bar);
    }, step));
    pay.focus();
    return;
  }
  if (order.payment.checkout_url) {
    step.append(el("div", { class: "actions" }, el("a", { class: "button primary", href: order.payment.checkout_url, target: "_blank", rel: "noopener" }, "Pay with the payment provider")),
      el("p", { class: "hint" }, "The provider's page opens in a new tab; the keys appear here once it reports the payment."));
  }
  step.append(bar.node);
  finish(view, context, order, bar).catch((error) => showProblem(view, error));
}

/** After an order is placed: its payment step, or (billed monthly, or paid already) its keys. */
async function afterOrder(view, context, order) {
  if (order.payment.status === "awaiting_payment") {
    paymentStep(view, context, order);
    return;
  }
  const bar = progress("Keys being issued");
  view.append(bar.node);
  await finish(view, context, order, bar);
}

/** Checkout for a request (an order body); `back` is where "Back" leads. A request the API will not
 * quote (an offer used already, say) shows why, with the way back. */
export async function checkout(main, context, request, { back = "#/buy", title = "Checkout" } = {}) {
  const view = el("div", { class: "checkout" });
  main.replaceChildren(el("h1", {}, title), view);
  let quote;
  try {
    quote = await context.api.post("/v1/quotes", request);
  } catch (error) {
    view.append(problemView(error), el("p", {}, el("a", { href: back }, "Back to the products and your offers")));
    return;
  }
  const customer = el("input", { type: "text", maxLength: 200, autocomplete: "off" });
  const place = el("button", { type: "button", class: "primary" }, quote.plan === "monthly" ? "Place order" : "Place order and pay");
  const order = section("Your order", summary(quote),
    field("Customer reference (optional)", customer, "Your own reference, shown with the keys; searchable."),
    el("div", { class: "actions" }, place, el("a", { class: "button", href: back }, "Back")));
  view.append(order);
  const once = idempotencyKey(); // this checkout's one order, however often the click is retried
  place.addEventListener("click", () => busy(place, async () => {
    const body = { ...request, ...(customer.value.trim() ? { customer_ref: customer.value.trim() } : {}) };
    const placed = await context.api.post("/v1/orders", body, { idempotencyKey: once });
    place.remove();
    customer.disabled = true;
    notify(`Order ${placed.id} placed.`, "success");
    await afterOrder(view, context, placed);
  }, order));
  place.focus();
}

/** An order placed elsewhere (a renewal from Manage licenses): its payment step, or its keys. */
export async function orderPayment(main, context, orderId) {
  const view = el("div", { class: "checkout" });
  main.replaceChildren(el("h1", {}, "Pay for your order"), view);
  const order = await context.api.get(`/v1/orders/${encodeURIComponent(orderId)}`);
  view.append(section("Your order", el("p", {}, `${titleCase(order.type)} order ${order.id}: ${money(order.total)}.`)));
  await afterOrder(view, context, order);
}

/** An offer's purchase link (#/buy/offer/<id>) opens its checkout. */
export function offerCheckout(main, context, offerId) {
  return checkout(main, context, { offer_id: offerId }, { title: "Checkout: your offer" });
}
