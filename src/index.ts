import "./env";
import { createApp } from "./api/app";

export { BoardRoom } from "./board/BoardRoom";

export default createApp();
