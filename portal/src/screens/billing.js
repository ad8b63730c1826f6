// Monthly billing: not built yet (issue 14 is open); the page says so and points to the API reference.
import { el } from "../ui.js";

export default {
  path: "billing",
  title: "Monthly billing",
  required: "read_only",
  render(main) {
    main.append(
      el("h1", {}, this.title),
      el("p", {}, "This screen is not in the portal yet. Everything it will offer is in the API: ",
        el("a", { href: "/docs" }, "the API reference"), "."),
    );
  },
};
