// Order history: not built yet (see pending.js).
import { pendingScreen } from "./pending.js";

export default pendingScreen("orders", "Order history", "read_only");
