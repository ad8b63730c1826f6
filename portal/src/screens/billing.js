// Monthly billing (MSPs): the month's device-days and charges so far (any past month with the picker),
// the monthly statements, and the month's usage as CSV with progress. A partner billed up front is told
// so in plain words instead.
import { cursorGrid } from "../grid.js";
import { dateTime, el, field, money, openDialog, saveCsv, section, showProblem, titleCase } from "../ui.js";

/** The current UTC month as YYYY-MM (the API counts months in UTC). */
export function currentMonth(now = new Date()) {
  return now.toISOString().slice(0, 7);
}

function table(caption, headings, rows, footer) {
  return el("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": `${caption}, scrollable` },
    el("table", { class: "data" },
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, headings.map((heading) => el("th", { scope: "col" }, heading)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell) => el("td", {}, cell))))),
      footer ? el("tfoot", {}, el("tr", {}, footer.map((cell, index) => el(index ? "td" : "th", index ? {} : { scope: "row" }, cell)))) : null));
}

function usageView(usage) {
  const counted = usage.complete
    ? `${usage.month} is closed: all ${usage.days_in_month} days counted.`
    : `${usage.month} so far: ${usage.days_counted} of ${usage.days_in_month} days counted.`;
  const deviceDays = usage.subtotals.reduce((sum, line) => sum + line.device_days, 0);
  const charges = usage.subtotals.reduce((sum, line) => sum + line.amount.amount, 0);
  const totalLabel = usage.complete ? "Total" : "Estimated total";
  const parts = [
    el("p", {}, counted),
    el("p", { class: "quote" }, `${totalLabel}: `, el("span", { class: "total" }, money(usage.estimated_total)),
      usage.minimum_applied ? el("span", { class: "muted" }, " (the monthly minimum applies)") : null),
  ];
  if (!usage.lines.length) {
    parts.push(el("p", {}, `No monthly licenses were counted in ${usage.month}.`));
    return parts;
  }
  parts.push(
    table("Charges per product line", ["Product", "Device-days", "Charges"],
      usage.subtotals.map((line) => [titleCase(line.product), String(line.device_days), money(line.amount)]),
      ["All products", String(deviceDays), money({ amount: charges, currency: usage.currency })]),
    table("Licenses", ["Key", "Product", "Devices (most)", "Device-days", "Charges", "Customer", "Workspace"],
      usage.lines.map((line) => [el("code", {}, line.key), titleCase(line.product), String(line.devices_max), String(line.device_days),
        money(line.amount), line.customer_ref || "", line.workspace_id || ""])),
  );
  return parts;
}

function showStatement(order) {
  const statement = order.statement || { lines: [], subtotals: [], total: order.total, month: "" };
  const body = el("div", {},
    el("p", {}, `${titleCase(order.status)}, ${money(statement.total || order.total)}, ${dateTime(order.created_at)}`),
    statement.subtotals.length
      ? table("Charges per product line", ["Product", "Device-days", "Charges"],
        statement.subtotals.map((line) => [titleCase(line.product), String(line.device_days), money(line.amount)]))
      : el("p", {}, "No charges."),
    statement.minimum_applied ? el("p", { class: "muted" }, "The monthly minimum applies.") : null);
  return openDialog({ title: `Statement ${statement.month || order.id}`, body, cancel: "Close" });
}

function statementsGrid(container, context) {
  const holder = el("div", { class: "grid", "aria-label": "Statements" });
  container.append(section("Statements by month", holder));
  return cursorGrid(holder, {
    api: context.api,
    path: "/v1/orders",
    query: () => ({ type: "monthly_statement" }),
    placeholder: "No statements yet: one is made after each month ends.",
    onError: (error) => showProblem(container, error),
    columns: [
      { title: "Month", field: "statement.month", headerSort: false },
      { title: "Order", field: "id", headerSort: false },
      { title: "Status", field: "status", headerSort: false, formatter: (cell) => titleCase(cell.getValue()) },
      { title: "Licenses", field: "licenses", headerSort: false, hozAlign: "right" },
      { title: "Total", field: "total", headerSort: false, hozAlign: "right", formatter: (cell) => money(cell.getValue()) },
      { title: "Made", field: "created_at", headerSort: false, formatter: (cell) => dateTime(cell.getValue()) },
      { title: "", field: "id", headerSort: false, formatter: (cell) => {
        const month = cell.getData().statement?.month || cell.getValue();
        return el("button", { type: "button", class: "link", onclick: () => showStatement(cell.getData()), "aria-label": `Details of statement ${month}` }, "Details");
      } },
    ],
  });
}

export default {
  path: "billing",
  title: "Monthly billing",
  required: "read_only",
  async render(main, context) {
    const thisMonth = currentMonth();
    const picker = el("input", { type: "month", value: thisMonth, max: thisMonth, required: true });
    const csv = el("button", { type: "button", class: "secondary" }, "Download CSV");
    const summary = el("div", { "aria-live": "polite" }, el("p", { class: "loading" }, "Loading usage…"));
    const usageSection = section("Usage", el("div", { class: "toolbar" }, field("Month", picker, "UTC; the current month so far"), csv), summary);
    const notMonthly = el("div", { class: "card", hidden: true });
    main.append(el("h1", {}, "Monthly billing"), notMonthly, usageSection);
    let grid = null;
    const month = () => picker.value || thisMonth;
    let shown = 0;
    async function load() {
      const asked = ++shown;
      try {
        const usage = await context.api.get("/v1/billing/usage", { month: month() });
        if (asked !== shown) return usage;
        showProblem(usageSection, null);
        summary.replaceChildren(...usageView(usage));
        return usage;
      } catch (error) {
        if (asked === shown) {
          showProblem(usageSection, error);
          summary.replaceChildren();
        }
        return null;
      }
    }
    picker.addEventListener("change", load);
    csv.addEventListener("click", () => saveCsv({
      button: csv,
      read: (onProgress) => context.api.text("/v1/billing/usage.csv", { month: month() }, onProgress),
      filename: `usage-${month()}.csv`,
      label: `Downloading the usage of ${month()}`,
      where: usageSection,
    }));
    if (context.me.partner.billing !== "monthly") {
      usageSection.hidden = true;
      notMonthly.hidden = false;
      notMonthly.append(
        el("h2", {}, "Your partner is not billed monthly"),
        el("p", {}, "Your licenses are paid for up front when you order them, so there is no monthly usage and no monthly statement. "
          + "Monthly (MSP) billing is enabled by your partner manager."));
      return null;
    }
    await load();
    grid = statementsGrid(main, context);
    return () => grid.destroy();
  },
};
