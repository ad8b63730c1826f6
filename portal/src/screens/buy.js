// Buy licenses: not built yet (see pending.js).
import { pendingScreen } from "./pending.js";

export default pendingScreen("buy", "Buy licenses", "purchaser");
