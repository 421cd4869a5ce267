import { NS_SASL } from "../xml/namespaces";
import type { TranscriptEntry } from "../xmpp/entry";
import { GS2_HEADER, SCRAM_MECHANISMS, scramSteps, utf8ToBase64, type ScramHash, type ScramSteps } from "../xmpp/scram";

/**
 * The SCRAM lesson's calculator, headless: finds the learner's SCRAM exchange on the wire
 * (their <auth> and the server's <challenge>, RFC 6120 §6.4.2 and §6.4.3) and derives the
 * client-final-message from those values (RFC 5802 §3). The page shows every value; Solve and
 * the runners send the <response> it writes. SASL payloads are masked in the transcript, so the
 * caller hands over the unmasked text by seq (Transcript.revealSecrets, the page's Reveal).
 */

export interface ScramExchange {
  hash: ScramHash;
  username: string;
  clientNonce: string;
  /** The client-first-message as sent (decoded from base64). */
  clientFirst: string;
  /** The server-first-message as received (decoded from base64). */
  serverFirst: string;
  steps: ScramSteps;
  /** The element to send next: the client-final-message in base64 (RFC 6120 §6.4.3). */
  response: string;
}

/** Why no calculation is possible yet, in words for the learner; or the exchange. */
export type ScramExchangeResult = { ok: true; exchange: ScramExchange } | { ok: false; reason: string };

const HASH_OF = new Map<string, ScramHash>(Object.entries(SCRAM_MECHANISMS).map(([hash, name]) => [name, hash as ScramHash]));

/** The mechanism attribute of an <auth> (the transcript keeps only addressing attributes). */
function mechanismOf(raw: string): string | undefined {
  return /^<[^>]*?\smechanism\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(raw.trim())?.slice(1).find((value) => value !== undefined);
}

/** The element's character data: what sits between its start tag and its end tag. */
function elementText(raw: string): string {
  const match = /^<[^>]*?(?:\/>|>([\s\S]*)<\/[^>]+>)\s*$/.exec(raw.trim());
  return (match?.[1] ?? "").trim();
}

function decodeBase64Utf8(text: string): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(text), (char) => char.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/**
 * The latest SCRAM <auth> among `entries` and the first <challenge> after it, computed with
 * `password`. `secrets` maps a redacted entry's seq to its unmasked text.
 */
export async function scramExchangeFrom(entries: readonly TranscriptEntry[], secrets: ReadonlyMap<number, string>, password: string): Promise<ScramExchangeResult> {
  const isSasl = (entry: TranscriptEntry, dir: "in" | "out", name: string) => entry.dir === dir && entry.name === name && entry.ns === NS_SASL;
  const authIndex = entries.findLastIndex((entry) => isSasl(entry, "out", "auth") && HASH_OF.has(mechanismOf(entry.raw) ?? ""));
  if (authIndex === -1) return { ok: false, reason: "You have not sent an <auth> naming SCRAM-SHA-1 or SCRAM-SHA-256 on this session yet." };
  const auth = entries[authIndex]!;
  const hash = HASH_OF.get(mechanismOf(auth.raw)!)!;
  const clientFirst = decodeBase64Utf8(elementText(secrets.get(auth.seq) ?? auth.raw));
  // RFC 5802 §7: gs2-header "n,," then client-first-message-bare "n=saslname,r=c-nonce".
  const first = clientFirst === undefined ? null : /^n,,n=([^,]*),r=([^,]+)(?:,.*)?$/s.exec(clientFirst);
  if (clientFirst === undefined || !first) return { ok: false, reason: `Your <auth> is not base64 of "${GS2_HEADER}n=username,r=nonce" (RFC 5802 §7).` };
  const challenge = entries.slice(authIndex + 1).find((entry) => isSasl(entry, "in", "challenge"));
  if (challenge === undefined) return { ok: false, reason: "The server has not sent its <challenge> (the server-first-message) after your <auth> yet." };
  const serverFirst = decodeBase64Utf8(elementText(secrets.get(challenge.seq) ?? challenge.raw));
  if (serverFirst === undefined) return { ok: false, reason: "The server's <challenge> is not base64 of UTF-8 text." };
  const username = first[1]!.replace(/=2C/g, ",").replace(/=3D/g, "=");
  const clientNonce = first[2]!;
  try {
    const steps = await scramSteps({ hash, username, password, clientNonce, serverFirst });
    const response = `<response xmlns="${NS_SASL}">${utf8ToBase64(steps.clientFinal)}</response>`;
    return { ok: true, exchange: { hash, username, clientNonce, clientFirst, serverFirst, steps, response } };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
