// Monthly billing (filled in by its screen's work).
import { el } from "../ui.js";

export default {
  path: "billing",
  title: "Monthly billing",
  required: "read_only",
  render(main) {
    main.append(el("h1", {}, "Monthly billing"));
  },
};
