// Discounts: not built yet (see pending.js).
import { pendingScreen } from "./pending.js";

export default pendingScreen("discounts", "Discounts", "read_only");
