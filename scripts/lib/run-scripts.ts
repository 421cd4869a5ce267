import fs from "node:fs";
import path from "node:path";
import { probeOffers, type Offers } from "../../lib/scripts/offers";
import { scriptPassed, type RunReport, type ScriptRunReport } from "../../lib/scripts/report";
import type { RunOptions } from "../../lib/scripts/run";
import type { Script } from "../../lib/scripts/types";
import { bareJid } from "../../lib/xml/variables";
import type { Allowlist } from "../../server/allowlist";
import { runScript } from "./run-script";
import { openScriptSession, type ScriptAccount, type ScriptTarget } from "./script-session";
import { serverSoftware } from "./server-software";

/**
 * A run of several scripts against one server, as the command line and the bench make it:
 * the server asked once what it offers and what it is, then each script in turn.
 */

/** The bundled compliance suite (repo-relative). */
export const SUITE_DIR = "stanza-scripts/compliance";

export function suiteFiles(root = "."): string[] {
  return fs
    .readdirSync(path.join(root, SUITE_DIR))
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => path.join(SUITE_DIR, name));
}

export interface ManyRun {
  target: ScriptTarget;
  allowlist: Allowlist;
  /** Given accounts per script (same order as the scripts); fresh where absent. */
  accounts?: Record<string, ScriptAccount>[];
  /** Ask the server what it offers even if no script requires anything (the suite's header). */
  probe?: boolean;
  onScript?: (script: Script, result: ScriptRunReport) => void;
  onStep?: (script: Script) => RunOptions["onStep"];
}

export async function runScripts(scripts: readonly Script[], run: ManyRun): Promise<RunReport> {
  const { target } = run;
  const started = Date.now();
  const report: RunReport = { server: `${target.host}:${target.port} (${target.transport}, domain ${target.domain})`, startedAt: new Date().toISOString(), passed: true, scripts: [] };
  const probe = run.probe || scripts.some((script) => script.requires.length > 0) ? await probeServer(target, run.allowlist, run.accounts?.[0] ?? {}) : undefined;
  if (probe?.software) report.software = probe.software;
  const closing: Promise<unknown>[] = [];
  for (const [index, script] of scripts.entries()) {
    const onStep = run.onStep?.(script);
    const result = await runScript(script, { target, allowlist: run.allowlist, accounts: run.accounts?.[index] ?? {}, closing, ...(probe ? { offers: probe.offers } : {}) }, onStep ? { onStep } : {});
    delete result.offers;
    run.onScript?.(script, result);
    report.scripts.push(result);
  }
  await Promise.all(closing);
  report.passed = report.scripts.every(scriptPassed);
  report.durationMs = Date.now() - started;
  return report;
}

/** One session that asks the server what it offers (lib/scripts/offers.ts) and its version (XEP-0092). */
async function probeServer(target: ScriptTarget, allowlist: Allowlist, accounts: Record<string, ScriptAccount>): Promise<{ offers: Offers; software?: string } | undefined> {
  const account = Object.values(accounts).find((candidate) => candidate.kind === "given") ?? { kind: "fresh" as const };
  const opened = await openScriptSession(target, account, allowlist).catch(() => undefined);
  if (!opened) return undefined;
  try {
    const [offers, software] = await Promise.all([probeOffers(opened.session, target.domain, bareJid(opened.jid)), serverSoftware(opened.session, target.domain)]);
    return { offers, ...(software ? { software } : {}) };
  } finally {
    await opened.close();
  }
}
