import { RpcTarget } from "cloudflare:workers";
import type { BoardState } from "../domain/model";
import type { WebhookDesk, WebhookFields } from "./WebhookDesk";

// What the Worker may do with a board's webhooks, handed out by the board over RPC
// (`room.webhooks().create(…)`, one round trip with promise pipelining), so the
// BoardRoom stays a shell. The Worker has already checked that the caller owns the board.

export interface BoardSide {
  state(): BoardState;
  /** Makes the board's alarm run now (a subscription switched back on resumes at once). */
  wake(): void;
}

export class WebhookAdmin extends RpcTarget {
  readonly #desk: WebhookDesk;
  readonly #board: BoardSide;

  constructor(desk: WebhookDesk, board: BoardSide) {
    super();
    this.#desk = desk;
    this.#board = board;
  }

  list() {
    return this.#desk.list();
  }

  /** A new subscription starts at the board's current seq: it hears of what happens from now on. */
  create(fields: WebhookFields, actor: string) {
    const refused = this.#desk.checkUrl(fields.url);
    return refused ? { refused } : this.#desk.create(fields, actor, this.#board.state().seq);
  }

  update(id: string, fields: Partial<WebhookFields>) {
    const refused = fields.url === undefined ? null : this.#desk.checkUrl(fields.url);
    if (refused) return { refused, webhook: null };
    const webhook = this.#desk.update(id, fields);
    if (webhook?.active) this.#board.wake();
    return { refused: null, webhook };
  }

  remove(id: string): boolean {
    return this.#desk.remove(id);
  }

  rotateSecret(id: string): string | null {
    return this.#desk.rotateSecret(id);
  }

  deliveries(id: string, limit: number, before?: string) {
    return this.#desk.get(id) ? this.#desk.deliveries(id, limit, before) : null;
  }

  test(id: string) {
    return this.#desk.test(id, this.#board.state());
  }

  redeliver(id: string, deliveryId: string) {
    return this.#desk.redeliver(id, deliveryId);
  }
}
