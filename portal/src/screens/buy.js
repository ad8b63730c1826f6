// Buy licenses (filled in by the Buy screen's work).
import { section } from "../ui.js";

export default {
  path: "buy",
  title: "Buy licenses",
  required: "purchaser",
  render(main) {
    main.append(section("Buy licenses"));
  },
};
