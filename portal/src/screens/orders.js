// Order history (filled in by its screen's work).
import { el } from "../ui.js";

export default {
  path: "orders",
  title: "Order history",
  required: "read_only",
  render(main) {
    main.append(el("h1", {}, "Order history"));
  },
};
