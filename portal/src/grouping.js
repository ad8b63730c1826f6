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
      grid.on("tableBuilt", () => {
        for (const [field] of fields) {
          const header = grid.element.querySelector(`.tabulator-col[tabulator-field="${field}"]`);
          if (!header) continue;
          header.setAttribute("draggable", "true");
          header.addEventListener("dragstart", (event) => {
            // Tabulator's own column move waits for a mouseup that a native drag never sends; end it here
            // so that the header is not left half-moved.
            header.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
            event.dataTransfer.setData(DRAG_TYPE, field);
            event.dataTransfer.setData("text/plain", titles.get(field));
            event.dataTransfer.effectAllowed = "copy";
          });
        }
      });
    },
  };
}
