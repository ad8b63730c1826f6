// A screen that is not built yet (issue 14 is open): its menu entry and route exist, and the page says
// so and points to the API reference, where everything it will offer already is.
import { el } from "../ui.js";

export function pendingScreen(path, title, required) {
  return {
    path,
    title,
    required,
    render(main) {
      main.append(
        el("h1", {}, title),
        el("p", {}, "This screen is not in the portal yet. Everything it will offer is in the API: ",
          el("a", { href: "/docs" }, "the API reference"), "."),
      );
    },
  };
}
