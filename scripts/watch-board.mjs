// Prints a board's events as they happen, over its live connection:
//   LANES_TOKEN=lanes_… npm run watch-board -- http://localhost:8787 WEB
// Run it in two terminals, change the board in a third (or in the app): both print
// the same events in the same order.

const [base = "http://localhost:8787", boardKey = "WEB"] = process.argv.slice(2);
const token = process.env.LANES_TOKEN;
if (!token) {
  console.error("Set LANES_TOKEN to an API token (POST /api/v1/tokens), then run this again.");
  process.exit(2);
}
const headers = { authorization: `Bearer ${token}` };
const { boards } = await (await fetch(`${base}/api/v1/boards`, { headers })).json();
const board = boards?.find((b) => b.key === boardKey);
if (!board) {
  console.error(`You are on no board with the key ${boardKey}.`);
  process.exit(2);
}
const socket = new WebSocket(`${base.replace(/^http/, "ws")}/api/v1/boards/${board.id}/ws`, { headers });
socket.onopen = () => socket.send(JSON.stringify({ type: "hello", protocol: 2, since: 0 }));
socket.onmessage = ({ data }) => {
  const message = JSON.parse(String(data));
  if (message.type === "snapshot") console.log(`${board.key} at seq ${message.seq}; waiting for changes…`);
  if (message.type === "event") {
    const { seq, type, actor, payload } = message.event;
    console.log(`#${seq} ${type} by ${actor}: ${JSON.stringify(payload).slice(0, 120)}`);
  }
  if (message.type === "error") console.error(`${message.code}: ${message.message}`);
};
socket.onclose = ({ code, reason }) => {
  console.log(`connection closed (${code}${reason ? `: ${reason}` : ""})`);
  process.exit(0);
};
