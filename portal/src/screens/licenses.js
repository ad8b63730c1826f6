// Manage licenses (filled in by its screen's work).
import { el } from "../ui.js";

export default {
  path: "licenses",
  title: "Manage licenses",
  required: "read_only",
  render(main) {
    main.append(el("h1", {}, "Manage licenses"));
  },
};
