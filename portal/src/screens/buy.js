// Buy licenses: the product grid with a live quote per product (the partner's discount included), bulk
// licenses showing the volume level reached, the open offers with their own Buy buttons, and checkout
// (screens/checkout.js). A partner that buys through a distributor is told so instead of being offered
// a purchase the API would refuse.
import { cursorGrid, localGrid } from "../grid.js";
import { date, discountsText, el, field, money, section, select, showProblem, titleCase } from "../ui.js";
import { checkout, offerCheckout, orderPayment } from "./checkout.js";

const QUOTE_DELAY_MS = 250;
const MAX_LICENSES = 5000;

/** A live quote: call it with a request whenever the choice changes; only the latest answer is shown. */
function liveQuote(api, show) {
  let latest = 0;
  let timer = null;
  return (request) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++latest;
      try {
        const quote = await api.post("/v1/quotes", request);
        if (mine === latest) show(quote, null);
      } catch (error) {
        if (mine === latest) show(null, error);
      }
    }, QUOTE_DELAY_MS);
  };
}

function periodOptions(product, plan) {
  if (plan === "monthly") return [["", "Month to month"]];
  return product.terms_years.map((years) => [years, years === 1 ? "1 year" : `${years} years`]);
}

function numberInput(label, { min, max, value }) {
  return el("input", { type: "number", inputMode: "numeric", min: String(min), max: String(max), value: String(value), required: true, "aria-label": label });
}

/** A whole number within the input's bounds, or null. */
function whole(input) {
  const value = Number(input.value);
  return Number.isInteger(value) && value >= Number(input.min) && value <= Number(input.max) ? value : null;
}

function orderRequest({ product, devices, years, licenses, plan }) {
  return plan === "monthly" ? { plan, product, devices, licenses } : { product, devices, years, licenses };
}

function quoteProblem(error) {
  return el("span", { class: "quote-problem" }, `${error.title}${error.detail ? `: ${error.detail}` : ""} (${error.code})`);
}

function productGrid(container, context, catalog, plan) {
  const holder = el("div", { class: "grid", "aria-label": "Products" });
  container.append(section("Licenses", el("p", { class: "hint" }, "Choose the devices and the license period; the price includes your partner discount."), holder));
  const rows = catalog.products.map((product) => {
    const devices = numberInput(`Devices for ${product.name}`, { min: product.devices.min, max: product.devices.max, value: Math.min(Math.max(5, product.devices.min), product.devices.max) });
    const period = select(periodOptions(product, plan()), { "aria-label": `License period for ${product.name}` });
    const price = el("output", { "aria-live": "polite", "aria-label": `Price of ${product.name}` }, "…");
    const buy = el("button", { type: "button", class: "primary", "aria-label": `Buy ${product.name}` }, "Buy");
    const current = () => {
      const count = whole(devices);
      return count === null ? null : orderRequest({ product: product.id, devices: count, years: Number(period.value) || undefined, licenses: 1, plan: plan() });
    };
    const quote = liveQuote(context.api, (answer, error) => {
      price.replaceChildren(answer ? `${money(answer.price_per_license)} (list ${money(answer.list_price_per_license)}; ${discountsText(answer.discounts) || "no discount"})` : quoteProblem(error));
      buy.disabled = !answer;
    });
    const requote = () => {
      const request = current();
      buy.disabled = true;
      if (request) quote(request);
      else price.replaceChildren(`Devices: ${product.devices.min} to ${product.devices.max}`);
    };
    devices.addEventListener("input", requote);
    period.addEventListener("change", requote);
    buy.addEventListener("click", () => {
      const request = current();
      if (request) checkout(container.closest("main"), context, request, { back: "#/buy" });
    });
    const refresh = () => {
      period.replaceChildren(...periodOptions(product, plan()).map(([value, label]) => el("option", { value: String(value) }, label)));
      period.disabled = plan() === "monthly";
      requote();
    };
    return { id: product.id, name: product.name, list: product.list_price_per_device_year, yours: product.price_per_device_year, monthly: product.monthly_price_per_device, devices, period, price, buy, refresh };
  });
  const control = (name) => (cell) => cell.getData()[name];
  localGrid(holder, {
    data: rows,
    index: "id",
    columns: [
      { title: "Product", field: "name", headerSort: false },
      { title: "Devices", field: "devices", headerSort: false, formatter: control("devices") },
      { title: "License period", field: "period", headerSort: false, formatter: control("period") },
      { title: "Per device and year", field: "yours", headerSort: false, formatter: (cell) => `${money(cell.getValue())} (list ${money(cell.getData().list)})` },
      { title: "Your price per license", field: "price", headerSort: false, formatter: control("price") },
      { title: "", field: "buy", headerSort: false, formatter: control("buy") },
    ],
  });
  for (const row of rows) row.refresh();
  return rows;
}

/** The volume level a number of licenses reaches, and the next one. */
export function volumeLevel(tiers, licenses) {
  const sorted = [...tiers].sort((a, b) => a.min_licenses - b.min_licenses);
  const reached = sorted.filter((tier) => licenses >= tier.min_licenses).pop() || null;
  const next = sorted.find((tier) => licenses < tier.min_licenses) || null;
  return { reached, next };
}

function bulkSection(container, context, catalog, plan) {
  const products = select(catalog.products.map((product) => [product.id, product.name]));
  const customers = numberInput("Customers", { min: 1, max: MAX_LICENSES, value: 25 });
  const devices = numberInput("Devices per customer", { min: 1, max: 500, value: 5 });
  const period = select([]);
  const tiers = el("ul", { class: "tiers", "aria-label": "Volume levels" });
  const level = el("p", { class: "level", "aria-live": "polite" });
  const quoteBox = el("div", { class: "quote", "aria-live": "polite" }, "…");
  const buy = el("button", { type: "button", class: "primary" }, "Buy bulk licenses");
  const product = () => catalog.products.find((candidate) => candidate.id === products.value);
  const current = () => {
    const count = whole(customers);
    const perCustomer = whole(devices);
    if (count === null || perCustomer === null) return null;
    return orderRequest({ product: products.value, devices: perCustomer, years: Number(period.value) || undefined, licenses: count, plan: plan() });
  };
  const quote = liveQuote(context.api, (answer, error) => {
    quoteBox.replaceChildren(...(answer
      ? [el("div", { class: "total" }, `${money(answer.total)} in all`),
        el("div", {}, `${answer.licenses} licenses at ${money(answer.price_per_license)} each (list ${money(answer.list_price_per_license)}; ${discountsText(answer.discounts) || "no discount"})`)]
      : [quoteProblem(error)]));
    buy.disabled = !answer;
  });
  const showLevel = () => {
    const count = whole(customers) || 0;
    const { reached, next } = volumeLevel(catalog.volume_tiers, count);
    tiers.replaceChildren(...catalog.volume_tiers.map((tier) =>
      el("li", { class: reached && tier.min_licenses <= reached.min_licenses ? "reached" : "" }, `${tier.min_licenses}+: ${tier.percent}%`)));
    level.textContent = [
      reached ? `Volume level reached: ${reached.min_licenses}+ customers, ${reached.percent}% off.` : "No volume level yet.",
      next ? `${next.min_licenses - count} more for ${next.min_licenses}+ (${next.percent}%).` : "",
    ].join(" ").trim();
  };
  const requote = () => {
    showLevel();
    const request = current();
    buy.disabled = true;
    if (request) quote(request);
    else quoteBox.replaceChildren(`Customers: 1 to ${MAX_LICENSES}; devices: within the product's range.`);
  };
  const refresh = () => {
    const chosen = product();
    devices.min = String(chosen.devices.min);
    devices.max = String(chosen.devices.max);
    period.replaceChildren(...periodOptions(chosen, plan()).map(([value, label]) => el("option", { value: String(value) }, label)));
    period.disabled = plan() === "monthly";
    requote();
  };
  products.addEventListener("change", refresh);
  period.addEventListener("change", requote);
  customers.addEventListener("input", requote);
  devices.addEventListener("input", requote);
  buy.addEventListener("click", () => {
    const request = current();
    if (request) checkout(container.closest("main"), context, request, { back: "#/buy" });
  });
  container.append(section("Bulk licenses",
    el("p", { class: "hint" }, "One license per customer, each for the same devices and period; the more customers, the higher the volume discount."),
    el("div", { class: "row" }, field("Product", products), field("Customers", customers), field("Devices per customer", devices), field("License period", period)),
    tiers, level, quoteBox, el("div", { class: "actions" }, buy)));
  refresh();
  return { refresh };
}

function offersSection(container, context) {
  const holder = el("div", { class: "grid", "aria-label": "Open offers" });
  container.append(section("Offers for you", el("p", { class: "hint" }, "Prices your partner manager made for you; each has its own purchase link."), holder));
  return cursorGrid(holder, {
    api: context.api,
    path: "/v1/offers",
    placeholder: "No open offers",
    onError: (error) => showProblem(container, error),
    columns: [
      { title: "Offer", field: "id", headerSort: false },
      { title: "Product", field: "product", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
      { title: "Devices", field: "devices", headerSort: false, hozAlign: "right" },
      { title: "Years", field: "years", headerSort: false, hozAlign: "right" },
      { title: "Licenses", field: "licenses", headerSort: false, hozAlign: "right" },
      { title: "Reason", field: "reason", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
      { title: "Price per license", field: "price_per_license", headerSort: false, formatter: (cell) => money(cell.getValue()) || `${cell.getData().discount_percent}% off` },
      { title: "Open until", field: "expires_at", headerSort: false, formatter: (cell) => date(cell.getValue()) },
      { title: "", field: "id", headerSort: false, formatter: (cell) =>
        el("button", { type: "button", class: "primary", "aria-label": `Buy offer ${cell.getValue()}`, onclick: () => context.navigate(`#/buy/offer/${encodeURIComponent(cell.getValue())}`) }, "Buy") },
    ],
  });
}

function throughDistributor(main, context) {
  const { distributor_id: id, distributor } = context.me.partner;
  const reach = distributor ? [distributor.email && el("a", { href: `mailto:${distributor.email}` }, distributor.email),
    distributor.support_url && el("a", { href: distributor.support_url, rel: "noopener" }, distributor.support_url)].filter(Boolean) : [];
  main.append(el("div", { class: "card", role: "note" },
    el("h2", {}, "Your account buys through a distributor"),
    el("p", {}, `${context.me.partner.name} is supplied by ${distributor ? distributor.name : `the distributor ${id}`}, which places your orders, renewals and offers for you. The portal cannot place them directly.`),
    reach.length ? el("p", {}, "Order from them: ", reach.flatMap((link, index) => (index ? [", ", link] : [link])), ".") : null,
    el("p", {}, "The orders your distributor places appear in ", el("a", { href: "#/orders" }, "Order history"), ", and their keys in ", el("a", { href: "#/licenses" }, "Manage licenses"), ".")));
}

export default {
  path: "buy",
  title: "Buy licenses",
  required: "purchaser",
  async render(main, context, { rest }) {
    if (context.me.partner.distributor_id) {
      main.append(el("h1", {}, "Buy licenses"));
      throughDistributor(main, context);
      return undefined;
    }
    if (rest[0] === "offer" && rest[1]) return offerCheckout(main, context, rest[1]);
    if (rest[0] === "order" && rest[1]) return orderPayment(main, context, rest[1]);
    const catalog = await context.api.get("/v1/catalog");
    main.append(el("h1", {}, "Buy licenses"));
    let chosenPlan = "annual";
    const plan = () => chosenPlan;
    const parts = [];
    if (context.me.partner.billing === "monthly") {
      const planSelect = select([["annual", "Annual: paid now, for the period chosen"], ["monthly", "Monthly: billed each month for the devices in use"]]);
      planSelect.addEventListener("change", () => {
        chosenPlan = planSelect.value;
        for (const part of parts) part.refresh();
      });
      main.append(el("div", { class: "toolbar" }, field("Plan", planSelect)));
    }
    parts.push(...productGrid(main, context, catalog, plan));
    parts.push(bulkSection(main, context, catalog, plan));
    const offers = offersSection(main, context);
    return () => offers.destroy();
  },
};
