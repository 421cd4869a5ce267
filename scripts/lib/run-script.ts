import { offered, type Offered, type Offers } from "../../lib/scripts/offers";
import type { ScriptRunReport } from "../../lib/scripts/report";
import { runSteps, type RunOptions } from "../../lib/scripts/run";
import { pacer, startRun } from "../../lib/scripts/start";
import type { Script } from "../../lib/scripts/types";
import type { Allowlist } from "../../server/allowlist";
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
    const start = await startRun(script, opened, run.target.domain, run.offers);
    if ("notOffered" in start) return { ...base, notOffered: notOffered(start.notOffered), steps: [], durationMs: Date.now() - started, offers: start.offers };
    const { values, offers } = start;
    const sessions = Object.fromEntries(Object.entries(opened).map(([name, session]) => [name, session.session]));
    const steps = await runSteps(script, sessions, values, { pace: pacer(), ...options });
    return { ...base, values, steps, durationMs: Date.now() - started, ...(offers ? { offers } : {}) };
  } finally {
    const closed = Promise.all(Object.values(opened).map((session) => session.close()));
    if (run.closing) run.closing.push(closed);
    else await closed;
  }
}

function notOffered(offer: Extract<Offered, { offered: false }>): NonNullable<ScriptRunReport["notOffered"]> {
  return { reason: offer.missing, evidence: offer.evidence.map((entry) => ({ ...entry, account: "probe" })) };
}
