// Settings (filled in by its screen's work).
import { el } from "../ui.js";

export default {
  path: "settings",
  title: "Settings",
  required: "read_only",
  render(main) {
    main.append(el("h1", {}, "Settings"));
  },
};
