import { DEFAULT_SEND_RATE } from "../bridge/protocol";
import { TokenBucket } from "../../server/send-rate";
import { bareJid } from "../xml/variables";
import { until } from "../xmpp/until";
import { accountValues } from "./capture";
import { offered, probeOffers, type Offered, type Offers } from "./offers";
import type { ScriptSession } from "./run";
import type { Script } from "./types";

/**
 * What comes between opening a script's sessions and its first step, the same for the
 * command line (scripts/lib/run-script.ts) and the page (components/scripts/): wait until each
 * account is available, check what the server offers, and set the run's values.
 */

export interface OpenedAccount {
  session: ScriptSession;
  /** The full JID the server bound (RFC 6120 §7.6.1). */
  jid: string;
}

const PRESENCE_ECHO_MS = 2_000;

export type RunStart = { values: Record<string, string>; offers?: Offers } | { notOffered: Extract<Offered, { offered: false }>; offers: Offers };

/**
 * `offers`: what the server offers when the run already asked (a suite asks once); otherwise
 * the first account asks, and only when the script requires something.
 */
export async function startRun(script: Script, opened: Readonly<Record<string, OpenedAccount>>, domain: string, known?: Offers): Promise<RunStart> {
  // RFC 6121 §4.2.2: the server echoes the initial presence to the sender; once it has, the
  // account is available and messages to its bare JID are delivered, not kept offline.
  await Promise.all(Object.values(opened).map((account) => until(() => presenceEchoed(account), PRESENCE_ECHO_MS)));
  const first = opened[script.accounts[0]!.name]!;
  let offers = known;
  if (offers === undefined && script.requires.length > 0) offers = await probeOffers(first.session, domain, bareJid(first.jid));
  const offer = offers === undefined ? ({ offered: true, values: {} } as const) : offered(script.requires, offers);
  if (!offer.offered) return { notOffered: offer, offers: offers! };
  const values = Object.assign({ run: runToken() }, offer.values, ...Object.entries(opened).map(([name, account]) => accountValues(name, account.jid, domain))) as Record<string, string>;
  return { values, ...(offers ? { offers } : {}) };
}

function presenceEchoed({ session, jid }: OpenedAccount): boolean {
  return session.transcript.since(0).some((entry) => entry.dir === "in" && entry.kind === "presence" && entry.attrs?.from === jid);
}

/** {{run}}: 8 hex digits of its own per run (Web Crypto, in Node and in browsers alike). */
export function runToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Keeps a script within the bridge's send rate, as the bridge enforces it per session (server/send-rate.ts). */
export function pacer(rate: { perSecond: number; burst: number } = DEFAULT_SEND_RATE): () => Promise<void> {
  const bucket = new TokenBucket(rate.perSecond, rate.burst);
  return async () => {
    for (let taken = bucket.take(); !taken.ok; taken = bucket.take()) await new Promise((resolve) => setTimeout(resolve, taken.retryInMs));
  };
}
