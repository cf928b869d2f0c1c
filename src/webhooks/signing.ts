import { Webhook } from "standardwebhooks";

// Standard Webhooks signatures, made by the reference implementation
// (`standardwebhooks`, pure JavaScript, runs in workerd as it does in Node). The
// secret is `whsec_` and base64 of 32 random bytes; while a rotated-out secret is
// still honoured, every delivery carries a signature for each secret, separated by
// a space, as the specification allows, so a receiver can switch at its own pace.

const SECRET_BYTES = 32;
/** A rotated-out secret keeps signing deliveries this long. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export function newSecret(random: (bytes: Uint8Array) => Uint8Array): string {
  const bytes = random(new Uint8Array(SECRET_BYTES));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three Standard Webhooks headers for `body`, signed with every secret given. */
export function signDelivery(secrets: readonly string[], id: string, at: Date, body: string): SignedHeaders {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(" "),
  };
}
