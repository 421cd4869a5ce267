import { escapeXml } from "../xml/escape";
import type { AccountEntry, StepVerdict } from "./run";

/**
 * The reports of a command-line run: JSON for people and tools, JUnit XML for CI systems
 * (one testsuite per script, one testcase per step; a script whose feature the server does
 * not offer is <skipped/>). Entries are the sessions' transcripts, already redacted
 * (lib/xmpp/transcript.ts), so no password reaches a report.
 */

export interface ScriptRunReport {
  file: string;
  name: string;
  /** Set when the script never ran its steps: a session could not open. */
  error?: string;
  /** Set when the server does not advertise what the script `requires:`; the probe's entries that show it. */
  notOffered?: { reason: string; evidence: AccountEntry[] };
  /** The run's own values ({{alice}}, {{run}}, services): compare.ts reads them back as their names. */
  values?: Record<string, string>;
  steps: StepVerdict[];
  durationMs: number;
}

export type ScriptVerdict = "passed" | "failed" | "not offered";

export interface RunReport {
  server: string;
  /** What the server says it is (XEP-0092), when the run asked. */
  software?: string;
  startedAt: string;
  durationMs?: number;
  passed: boolean;
  scripts: ScriptRunReport[];
}

/** An entry as reports keep it: which stream, its number there, and the exact text. */
export interface ReportEntry {
  account: string;
  seq: number;
  dir: string;
  kind: string;
  raw: string;
}

export function scriptVerdict(script: ScriptRunReport): ScriptVerdict {
  if (script.notOffered) return "not offered";
  return script.error === undefined && script.steps.every((step) => step.passed) ? "passed" : "failed";
}

/** "not offered" is no failure: the server said it does not do that. */
export function scriptPassed(script: ScriptRunReport): boolean {
  return scriptVerdict(script) !== "failed";
}

export function reportEntry({ account, seq, dir, kind, raw }: AccountEntry): ReportEntry {
  return { account, seq, dir, kind, raw };
}

export function toJson(report: RunReport): string {
  const scripts = report.scripts.map((script) => ({
    ...script,
    verdict: scriptVerdict(script),
    passed: scriptPassed(script),
    ...(script.notOffered ? { notOffered: { ...script.notOffered, evidence: script.notOffered.evidence.map(reportEntry) } } : {}),
    steps: script.steps.map((step) => ({ ...step, window: step.window.map(reportEntry) })),
  }));
  return `${JSON.stringify({ ...report, scripts }, null, 2)}\n`;
}

export function toJunit(report: RunReport): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = (script: ScriptRunReport) => (script.error ? script.steps.length || 1 : script.steps.filter((step) => !step.passed).length);
  const tests = (script: ScriptRunReport) => Math.max(script.steps.length, 1);
  const total = report.scripts.reduce((sum, script) => sum + tests(script), 0);
  const failed = report.scripts.reduce((sum, script) => sum + failures(script), 0);
  const skipped = report.scripts.filter((script) => script.notOffered).length;
  lines.push(`<testsuites name="stanza scripts" tests="${total}" failures="${failed}" skipped="${skipped}">`);
  for (const script of report.scripts) {
    const attrs = `name="${escapeXml(script.name)}" file="${escapeXml(script.file)}" tests="${tests(script)}" failures="${failures(script)}" skipped="${script.notOffered ? 1 : 0}" time="${seconds(script.durationMs)}"`;
    lines.push(`  <testsuite ${attrs}>`);
    if (script.error !== undefined) {
      lines.push(`    <testcase name="open the session" classname="${escapeXml(script.file)}"><failure message="${escapeXml(script.error)}"/></testcase>`);
    }
    if (script.notOffered) {
      const entries = script.notOffered.evidence.map((entry) => `#${entry.seq} ${entry.dir} ${entry.raw}`).join("\n");
      lines.push(`    <testcase name="${escapeXml(script.name)}" classname="${escapeXml(script.file)}"><skipped message="not offered: ${escapeXml(script.notOffered.reason)}">${escapeXml(entries)}</skipped></testcase>`);
    }
    for (const step of script.steps) {
      const open = `    <testcase name="${escapeXml(step.name)}" classname="${escapeXml(script.file)}" time="${seconds(step.durationMs)}"`;
      if (step.passed) lines.push(`${open}/>`);
      else {
        const entries = step.window.map((entry) => `${entry.account} #${entry.seq} ${entry.dir} ${entry.raw}`).join("\n");
        lines.push(`${open}>`, `      <failure message="${escapeXml(step.reason ?? "failed")}">${escapeXml(entries)}</failure>`, "    </testcase>");
      }
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
