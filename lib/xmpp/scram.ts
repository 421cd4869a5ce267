/**
 * SCRAM (RFC 5802) step by step, for the lesson that does it by hand and the calculator
 * beside its editor: every intermediate value of §3 from what crossed the wire, with Web
 * Crypto (PBKDF2, HMAC, SHA), so the same code runs in the page and in Node. SCRAM-SHA-1 is
 * RFC 5802's; SCRAM-SHA-256 is RFC 7677's, the same algorithm with another hash.
 */

export type ScramHash = "SHA-1" | "SHA-256";

/** The SASL mechanism name of each hash (RFC 5802 §4, RFC 7677 §2). */
export const SCRAM_MECHANISMS: Record<ScramHash, string> = { "SHA-1": "SCRAM-SHA-1", "SHA-256": "SCRAM-SHA-256" };

/** RFC 5802 §7: "n,," says no channel binding and no authorization identity. */
export const GS2_HEADER = "n,,";

/** RFC 5802 §5.1: in a saslname, "=" is written "=3D" and "," is written "=2C". */
export function saslName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

/** RFC 5802 §5.1 and §7: client-first-message-bare, "n=user,r=nonce". */
export function clientFirstBare(username: string, clientNonce: string): string {
  return `n=${saslName(username)},r=${clientNonce}`;
}

/** RFC 5802 §7: the whole client-first-message, GS2 header first. */
export function clientFirstMessage(username: string, clientNonce: string): string {
  return `${GS2_HEADER}${clientFirstBare(username, clientNonce)}`;
}

export interface ServerFirst {
  /** The client's nonce with the server's part appended (RFC 5802 §5.1, r=). */
  nonce: string;
  /** Base64 of the salt, as sent (s=). */
  salt: string;
  /** The iteration count (i=). */
  iterations: number;
}

/** RFC 5802 §7 server-first-message: "r=...,s=...,i=..." (extensions after these are ignored). */
export function parseServerFirst(message: string): ServerFirst {
  const fields = new Map<string, string>();
  for (const part of message.split(",")) {
    const match = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (match && !fields.has(match[1]!)) fields.set(match[1]!, match[2]!);
  }
  if (fields.has("m")) throw new Error("the server-first-message has an m= extension, which RFC 5802 §5.1 says to refuse");
  const nonce = fields.get("r");
  const salt = fields.get("s");
  const iterations = Number(fields.get("i"));
  if (nonce === undefined || nonce === "") throw new Error("the server-first-message has no nonce (r=)");
  if (salt === undefined || salt === "") throw new Error("the server-first-message has no salt (s=)");
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error("the server-first-message has no valid iteration count (i=)");
  return { nonce, salt, iterations };
}

/** RFC 5802 §7: client-final-message-without-proof, "c=base64(GS2 header),r=nonce". */
export function clientFinalWithoutProof(nonce: string): string {
  return `c=${utf8ToBase64(GS2_HEADER)},r=${nonce}`;
}

/** Every value of RFC 5802 §3, the byte strings in base64 as the wire and the RFC's examples show them. */
export interface ScramSteps {
  saltedPassword: string;
  clientKey: string;
  storedKey: string;
  authMessage: string;
  clientSignature: string;
  clientProof: string;
  serverKey: string;
  serverSignature: string;
  /** What the client sends next: client-final-message-without-proof ",p=" ClientProof. */
  clientFinal: string;
  /** What a genuine server answers in <success/>: "v=" ServerSignature. */
  serverFinal: string;
}

export interface ScramInput {
  hash: ScramHash;
  username: string;
  /** RFC 5802 §2.2 normalizes with SASLprep; the playground's accounts are ASCII, for which it changes nothing. */
  password: string;
  clientNonce: string;
  /** The server-first-message as decoded from base64. */
  serverFirst: string;
}

/** RFC 5802 §3, in its order: SaltedPassword, ClientKey, StoredKey, AuthMessage, signatures, proof. */
export async function scramSteps(input: ScramInput): Promise<ScramSteps> {
  const server = parseServerFirst(input.serverFirst);
  // §5.1: the server's nonce must start with the client's own, or this is not our exchange.
  if (!server.nonce.startsWith(input.clientNonce)) throw new Error("the server's nonce does not start with the client's nonce");
  const saltedPassword = await hi(input.hash, input.password, base64ToBytes(server.salt), server.iterations);
  const clientKey = await hmac(input.hash, saltedPassword, "Client Key");
  const storedKey = new Uint8Array(await crypto.subtle.digest(input.hash, clientKey));
  const withoutProof = clientFinalWithoutProof(server.nonce);
  const authMessage = `${clientFirstBare(input.username, input.clientNonce)},${input.serverFirst},${withoutProof}`;
  const clientSignature = await hmac(input.hash, storedKey, authMessage);
  const clientProof = clientKey.map((byte, index) => byte ^ clientSignature[index]!);
  const serverKey = await hmac(input.hash, saltedPassword, "Server Key");
  const serverSignature = await hmac(input.hash, serverKey, authMessage);
  const b64 = bytesToBase64;
  return {
    saltedPassword: b64(saltedPassword),
    clientKey: b64(clientKey),
    storedKey: b64(storedKey),
    authMessage,
    clientSignature: b64(clientSignature),
    clientProof: b64(clientProof),
    serverKey: b64(serverKey),
    serverSignature: b64(serverSignature),
    clientFinal: `${withoutProof},p=${b64(clientProof)}`,
    serverFinal: `v=${b64(serverSignature)}`,
  };
}

/** RFC 5802 §2.2: Hi() is PBKDF2 (RFC 2898) with HMAC as the PRF and one block of output. */
async function hi(hash: ScramHash, password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash, salt, iterations }, key, hash === "SHA-1" ? 160 : 256);
  return new Uint8Array(bits);
}

async function hmac(hash: ScramHash, key: Uint8Array<ArrayBuffer>, text: string): Promise<Uint8Array<ArrayBuffer>> {
  const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, new TextEncoder().encode(text)));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

export function utf8ToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}
