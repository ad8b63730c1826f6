// Tabulator grids over the API's cursor-paged lists. The API pages with opaque cursors, not page numbers,
// so the grid remembers the cursor that starts each page it has seen; Tabulator's remote pagination,
// sorting and header filters ask for a page, and this turns the ask into the list's query. A change of
// filter, sort or search starts again at page one. Each page is one API call.
import { TabulatorFull as Tabulator } from "./vendor/tabulator_esm.min.js";

export const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 300;

/**
 * A remote grid. options: path (the list route), query() (the screen's own filters), sortable (column
 * field -> API sort name), filters (column field -> API query name), onError(error), onPage(body),
 * and any Tabulator option (columns, groupBy, ...).
 */
export function cursorGrid(element, { path, api, query = () => ({}), sortable = {}, filters = {}, onError, onPage, ...options }) {
  let cursors = [null];
  let lastKey = "";
  // A page load clears only the problem a page load showed, never one that an action on a row showed.
  let showsLoadProblem = false;
  const loading = busyState(element);
  loading.start(); // the first page is asked for a tick after the constructor
  let firstLoad = true;
  // The page buttons live beside the grid, not inside it: a grid may own only rows (ARIA).
  const pager = document.createElement("div");
  pager.className = "pager";
  element.after(pager);
  accessible(element);
  const grid = new Tabulator(element, {
    paginationElement: pager,
    // Tabulator's loading overlay is an alert inside the grid, which a grid may not own (ARIA); a page
    // of 25 rows arrives in one call, fast enough to show without one.
    dataLoader: false,
    layout: "fitDataStretch",
    placeholder: "Nothing here yet",
    movableColumns: true,
    pagination: true,
    paginationMode: "remote",
    paginationSize: PAGE_SIZE,
    paginationButtonCount: 3,
    sortMode: "remote",
    filterMode: "remote",
    ajaxURL: path,
    ajaxRequestFunc: async (_url, _config, params) => {
      const request = { ...query(), limit: params.size || PAGE_SIZE };
      const sorter = (params.sort || [])[0];
      if (sorter && sortable[sorter.field]) {
        request.sort = sortable[sorter.field];
        request.order = sorter.dir;
      }
      for (const filter of params.filter || []) {
        const name = filters[filter.field];
        if (name && filter.value !== "" && filter.value !== null) request[name] = filter.value;
      }
      const key = JSON.stringify({ ...request, limit: undefined });
      if (key !== lastKey) {
        cursors = [null];
        lastKey = key;
      }
      const page = Math.min(params.page || 1, cursors.length);
      if (cursors[page - 1]) request.cursor = cursors[page - 1];
      if (firstLoad) firstLoad = false;
      else loading.start();
      try {
        const body = await api.get(path, request);
        cursors[page] = body.next_cursor || null;
        cursors.length = body.next_cursor ? page + 1 : page;
        if (onError && showsLoadProblem) onError(null);
        showsLoadProblem = false;
        if (onPage) onPage(body);
        return { last_page: body.next_cursor ? page + 1 : page, data: body.items };
      } catch (error) {
        if (onError) onError(error);
        showsLoadProblem = Boolean(onError);
        return { last_page: page, data: [] };
      } finally {
        loading.end();
      }
    },
    ...options,
  });
  return unfocused(grid, element);
}

/**
 * A search box over a remote grid (its holder element): typing calls reload() once the typing pauses. The
 * grid is marked busy from the first key, so that nothing (a person's screen reader, a test) takes the rows of
 * the previous search for the answer.
 */
export function searchInput(holder, reload, attributes) {
  const input = document.createElement("input");
  input.type = "search";
  for (const [name, value] of Object.entries(attributes)) input.setAttribute(name, value);
  const waiting = busyState(holder);
  let timer = null;
  input.addEventListener("input", () => {
    if (timer) clearTimeout(timer);
    else waiting.start();
    timer = setTimeout(() => {
      timer = null;
      reload();
      waiting.end();
    }, SEARCH_DELAY_MS);
  });
  return input;
}

// aria-busy on the grid while its rows are being replaced. Starts and ends are counted, so that two loads
// that overlap leave it busy until both are done; the end waits one task, for Tabulator to draw the rows
// and the page buttons of the answer first.
const busyCounts = new WeakMap();
function busyState(element) {
  const change = (by) => {
    const count = (busyCounts.get(element) || 0) + by;
    busyCounts.set(element, count);
    if (count > 0) element.setAttribute("aria-busy", "true");
    else element.removeAttribute("aria-busy");
  };
  return { start: () => change(1), end: () => setTimeout(() => change(-1), 0) };
}

/** A grid of rows the screen already has (the catalog's products, say): no paging, no API calls. */
export function localGrid(element, options) {
  accessible(element);
  const grid = new Tabulator(element, { layout: "fitDataStretch", dataLoader: false, renderVertical: "basic", ...options });
  return unfocused(grid, element);
}

function accessible(element) {
  // On a narrow screen the page scrolls the grid sideways in a focusable region of its own, so that the
  // keyboard reaches every column; the grid itself is as wide as its columns and never scrolls.
  const scroller = document.createElement("div");
  scroller.className = "grid-scroll";
  scroller.tabIndex = 0;
  scroller.setAttribute("role", "region");
  scroller.setAttribute("aria-label", `${element.getAttribute("aria-label") || "Grid"}, scrollable`);
  element.before(scroller);
  scroller.append(element);
}

// ARIA a grid may own: Tabulator makes the scroll area focusable (the rows scroll anyway), and gives a
// group's header row the role of a row group inside the body's row group; it is a row, whose one cell
// is its title.
function unfocused(grid, element) {
  // The holder exists (in Tabulator's row manager) before the table is attached to the page, a tick
  // after the constructor: drop its tabindex now, so that no moment shows it.
  const unfocusHolder = () => (grid.rowManager?.element || element.querySelector(".tabulator-tableholder"))?.removeAttribute("tabindex");
  const groupRows = () => {
    for (const header of element.querySelectorAll(".tabulator-group[role=rowgroup]")) {
      header.setAttribute("role", "row");
      const cell = document.createElement("span");
      cell.setAttribute("role", "gridcell");
      cell.append(...[...header.childNodes].filter((node) => !node.classList?.contains("tabulator-group-toggle")));
      header.append(cell);
    }
  };
  // A sortable header sorts on a click only: Enter or Space on it does the same, for the keyboard.
  const sortableHeaders = () => {
    for (const header of element.querySelectorAll(".tabulator-col.tabulator-sortable:not([tabindex])")) {
      header.tabIndex = 0;
      header.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        header.click();
      });
    }
  };
  unfocusHolder();
  grid.on("tableBuilt", () => {
    unfocusHolder();
    sortableHeaders();
  });
  grid.on("renderComplete", groupRows);
  return grid;
}

export { Tabulator };
