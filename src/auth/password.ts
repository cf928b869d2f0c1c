import { argon2id, setWASMModules } from "argon2-wasm-edge";
import argon2WASM from "argon2-wasm-edge/wasm/argon2.wasm";
import blake2bWASM from "argon2-wasm-edge/wasm/blake2b.wasm";

// Passwords are hashed with argon2id at OWASP's first recommendation (19 MiB, 2
// passes, 1 lane). workerd refuses to compile WebAssembly from bytes at run time, so
// the hash's .wasm modules are bundled and handed over as compiled modules. Each
// stored hash is a PHC string that names its own parameters: raising them later
// needs no migration, a user's hash is redone at their next sign-in.

setWASMModules({ argon2WASM, blake2bWASM });

export interface PasswordParams {
  /** KiB */
  memorySize: number;
  iterations: number;
  parallelism: number;
  hashLength: number;
}

export const PASSWORD_PARAMS: Readonly<PasswordParams> = {
  memorySize: 19_456,
  iterations: 2,
  parallelism: 1,
  hashLength: 32,
};

interface Phc {
  memorySize: number;
  iterations: number;
  parallelism: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

export async function hashPassword(password: string, params: PasswordParams = PASSWORD_PARAMS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return argon2id({ password, salt, ...params, outputType: "encoded" });
}

/**
 * Checks a password against a stored hash in constant time, and says whether the
 * hash was made with weaker parameters than today's and should be redone.
 */
export async function verifyPassword(password: string, stored: string): Promise<{ ok: boolean; needsRehash: boolean }> {
  const phc = parsePhc(stored);
  if (!phc) return { ok: false, needsRehash: false };
  const computed = await argon2id({
    password,
    salt: phc.salt,
    memorySize: phc.memorySize,
    iterations: phc.iterations,
    parallelism: phc.parallelism,
    hashLength: phc.hash.length,
    outputType: "binary",
  });
  const ok = computed.length === phc.hash.length && crypto.subtle.timingSafeEqual(computed, phc.hash);
  const needsRehash =
    phc.memorySize < PASSWORD_PARAMS.memorySize ||
    phc.iterations < PASSWORD_PARAMS.iterations ||
    phc.hash.length < PASSWORD_PARAMS.hashLength;
  return { ok, needsRehash };
}

/**
 * A well-formed hash of no one's password: signing in with an unknown email checks
 * against it, so an unknown email costs the same time as a wrong password.
 */
export const DECOY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$bGFuZXMtZGVjb3ktc2FsdA$Wn2rM0Nq8F0p6bq5m1V2yT0sQ3Jm9qL3b0bq0VJ3Yx0";

function parsePhc(stored: string): Phc | null {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
  if (!match) return null;
  const [, m, t, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  return {
    memorySize: Number(m),
    iterations: Number(t),
    parallelism: Number(p),
    salt: fromBase64(salt),
    hash: fromBase64(hash),
  };
}

function fromBase64(unpadded: string): Uint8Array {
  const padded = unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
}
