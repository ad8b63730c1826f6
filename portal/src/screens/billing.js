// Monthly billing: not built yet (see pending.js).
import { pendingScreen } from "./pending.js";

export default pendingScreen("billing", "Monthly billing", "read_only");
