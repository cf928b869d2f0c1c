import "./env";
import { createApp } from "./api/app";

export { BoardRoom } from "./board/BoardRoom";
export { Inbox } from "./inbox/Inbox";

export default createApp();
