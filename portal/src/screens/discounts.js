// Discounts (filled in by its screen's work).
import { el } from "../ui.js";

export default {
  path: "discounts",
  title: "Discounts",
  required: "read_only",
  render(main) {
    main.append(el("h1", {}, "Discounts"));
  },
};
