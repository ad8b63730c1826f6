// Grouping a grid by one of its columns: drag the column's header into the group area, or choose the
// column in the "Group by" list (the keyboard's way). The grid asks the API for `group_by`, whose counts
// cover every match, not only the page shown; the group headers show those counts.
import { el, select } from "./ui.js";

const DRAG_TYPE = "application/x-portal-column";

/**
 * A group area for a grid. fields: [[field, title]] the columns it may group by; onChange(field|null)
 * runs when the grouping changes. attach(gridElement) makes those columns' headers draggable.
 */
export function groupArea({ label, fields, onChange }) {
  const titles = new Map(fields);
  let current = null;
  const chooser = select([["", "Nothing"], ...fields], { "aria-label": `${label}: group by` });
  const chip = el("span", { class: "group-chips" });
  const area = el("div", { class: "group-area", dataset: { dropzone: "group" } },
    el("span", { class: "group-hint" }, "Drag a column header here to group by it"), chip);

  const set = (field) => {
    current = field && titles.has(field) ? field : null;
    chooser.value = current || "";
    chip.replaceChildren(...(current ? [el("span", { class: "group-chip" }, `Grouped by ${titles.get(current)}`,
      el("button", { type: "button", "aria-label": `Stop grouping by ${titles.get(current)}`, onclick: () => set(null) }, "×"))] : []));
    onChange(current);
  };
  chooser.addEventListener("change", () => set(chooser.value || null));
  area.addEventListener("dragover", (event) => {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    area.classList.add("over");
  });
  area.addEventListener("dragleave", () => area.classList.remove("over"));
  area.addEventListener("drop", (event) => {
    area.classList.remove("over");
    const field = event.dataTransfer.getData(DRAG_TYPE);
    if (!field) return;
    event.preventDefault();
    set(field);
  });

  return {
    node: el("div", { class: "grouping" }, area, el("label", { class: "group-by" }, "Group by ", chooser)),
    get field() {
      return current;
    },
    title: (field) => titles.get(field),
    /** Make the grid's groupable headers draggable into the area (once the grid is built). */
    attach(grid) {
      const groupable = (node) => {
        const header = node instanceof Element ? node.closest(".tabulator-col[tabulator-field]") : null;
        const field = header?.getAttribute("tabulator-field");
        return field && titles.has(field) ? field : null;
      };
      // Tabulator's own column move starts when the button has been held for a quarter of a second: it
      // takes the header out of the row and moves a copy of it with the pointer, by mouse events, so no
      // native drag follows. Released over the area, that move groups by the column too.
      const movingField = () => groupable(grid.element.querySelector(".tabulator-col.tabulator-moving"));
      area.addEventListener("mouseup", () => {
        const field = movingField();
        if (field) set(field);
      });
      // A native drag (the pointer moved before Tabulator's move began) may start on the header or, once
      // that move has begun, on its moving copy: listen on the grid, for both.
      grid.element.addEventListener("dragstart", (event) => {
        const field = groupable(event.target);
        if (!field) return;
        setTimeout(() => endColumnMove(event.target, grid.element), 0); // after the drag has its source
        event.dataTransfer.setData(DRAG_TYPE, field);
        event.dataTransfer.setData("text/plain", titles.get(field));
        event.dataTransfer.effectAllowed = "copy";
      });
      grid.on("tableBuilt", () => {
        for (const [field] of fields) {
          grid.element.querySelector(`.tabulator-col[tabulator-field="${field}"]`)?.setAttribute("draggable", "true");
        }
      });
    },
  };
}

// A native drag sends no mouseup, for which Tabulator's column move waits: send one to the header (its
// timer that would start the move) and, when the move has begun, to the page (which ends it in place).
function endColumnMove(source, gridElement) {
  const mouseup = () => new MouseEvent("mouseup", { bubbles: true });
  source.dispatchEvent(mouseup());
  if (gridElement.querySelector(".tabulator-col.tabulator-moving")) document.body.dispatchEvent(mouseup());
}
