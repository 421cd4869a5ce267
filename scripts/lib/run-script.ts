import { randomBytes } from "node:crypto";
import { accountValues } from "../../lib/scripts/capture";
import { offered, probeOffers, type Offered, type Offers } from "../../lib/scripts/offers";
import type { ScriptRunReport } from "../../lib/scripts/report";
import { runSteps, type RunOptions } from "../../lib/scripts/run";
import type { Script } from "../../lib/scripts/types";
import { bareJid } from "../../lib/xml/variables";
import { until } from "../../lib/xmpp/until";
import type { Allowlist } from "../../server/allowlist";
import { TokenBucket } from "../../server/send-rate";
import { DEFAULT_LIMITS } from "../../server/session-registry";
import { openScriptSession, type OpenedScriptSession, type ScriptAccount, type ScriptTarget } from "./script-session";

/**
 * One script, start to end: a session per account (opened together), the server's offers
 * checked against the script's `requires:` (probed on the first session when the run has
 * none yet), the steps, then every session closed and fresh accounts removed.
 */

export interface ScriptRun {
  target: ScriptTarget;
  allowlist: Allowlist;
  /** By account name; a missing name is a fresh account. */
  accounts?: Readonly<Record<string, ScriptAccount>>;
  /** What the server offers, when the run already asked (suite: once for all scripts). */
  offers?: Offers;
  /**
   * Where to put the closing of the sessions (and removal of fresh accounts) instead of
   * waiting for it: a run of many scripts starts the next one meanwhile and waits at the end.
   */
  closing?: Promise<unknown>[];
}

export async function runScript(script: Script, run: ScriptRun, options: RunOptions = {}): Promise<ScriptRunReport & { offers?: Offers }> {
  const started = Date.now();
  const base = { file: script.file, name: script.name };
  const opened: Record<string, OpenedScriptSession> = {};
  // Known before any session opens (a suite probes once): a script the server cannot run costs nothing.
  const known = run.offers === undefined ? undefined : offered(script.requires, run.offers);
  if (known && !known.offered) return { ...base, notOffered: notOffered(known), steps: [], durationMs: Date.now() - started };
  try {
    const results = await Promise.allSettled(
      script.accounts.map(async ({ name }) => (opened[name] = await openScriptSession(run.target, run.accounts?.[name] ?? { kind: "fresh" }, run.allowlist))),
    );
    const refused = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (refused) {
      const message = refused.reason instanceof Error ? refused.reason.message : String(refused.reason);
      return { ...base, error: `the session did not open: ${message}`, steps: [], durationMs: Date.now() - started };
    }
    // RFC 6121 §4.2.2: the server echoes the initial presence to the sender; once it has, the
    // account is available and messages to its bare JID are delivered, not kept offline.
    await Promise.all(Object.values(opened).map((session) => until(() => presenceEchoed(session), PRESENCE_ECHO_MS)));
    const first = opened[script.accounts[0]!.name]!;
    let offers = run.offers;
    if (offers === undefined && script.requires.length > 0) offers = await probeOffers(first.session, run.target.domain, bareJid(first.jid));
    const offer = offers === undefined ? ({ offered: true, values: {} } as const) : offered(script.requires, offers);
    if (!offer.offered) {
      return { ...base, notOffered: notOffered(offer), steps: [], durationMs: Date.now() - started, ...(offers ? { offers } : {}) };
    }
    const values = Object.assign({ run: randomBytes(4).toString("hex") }, offer.values, ...Object.entries(opened).map(([name, session]) => accountValues(name, session.jid, run.target.domain))) as Record<string, string>;
    const sessions = Object.fromEntries(Object.entries(opened).map(([name, session]) => [name, session.session]));
    const steps = await runSteps(script, sessions, values, { pace: pacer(), ...options });
    return { ...base, values, steps, durationMs: Date.now() - started, ...(offers ? { offers } : {}) };
  } finally {
    const closed = Promise.all(Object.values(opened).map((session) => session.close()));
    if (run.closing) run.closing.push(closed);
    else await closed;
  }
}

const PRESENCE_ECHO_MS = 2_000;

function presenceEchoed({ session, jid }: OpenedScriptSession): boolean {
  return session.transcript.since(0).some((entry) => entry.dir === "in" && entry.kind === "presence" && entry.attrs?.from === jid);
}

function notOffered(offer: Extract<Offered, { offered: false }>): NonNullable<ScriptRunReport["notOffered"]> {
  return { reason: offer.missing, evidence: offer.evidence.map((entry) => ({ ...entry, account: "probe" })) };
}

/** Keeps a script within the bridge's send rate (server/session-registry.ts), as a page's replay must be. */
function pacer(): () => Promise<void> {
  const bucket = new TokenBucket(DEFAULT_LIMITS.maxSendsPerSecond, DEFAULT_LIMITS.sendBurst);
  return async () => {
    for (let taken = bucket.take(); !taken.ok; taken = bucket.take()) await new Promise((resolve) => setTimeout(resolve, taken.retryInMs));
  };
}
