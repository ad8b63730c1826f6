// Settings: not built yet (see pending.js).
import { pendingScreen } from "./pending.js";

export default pendingScreen("settings", "Settings", "read_only");
