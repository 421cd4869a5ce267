import { escapeXml } from "../xml/escape";
import type { StepVerdict } from "./run";

/**
 * The reports of a command-line run: JSON for people and tools, JUnit XML for CI systems
 * (one testsuite per script, one testcase per step). Entries are the session's transcript,
 * already redacted (lib/xmpp/transcript.ts), so no password reaches a report.
 */

export interface ScriptRunReport {
  file: string;
  name: string;
  /** Set when the script never ran its steps: the session could not open. */
  error?: string;
  steps: StepVerdict[];
  durationMs: number;
}

export interface RunReport {
  server: string;
  startedAt: string;
  passed: boolean;
  scripts: ScriptRunReport[];
}

export function scriptPassed(script: ScriptRunReport): boolean {
  return script.error === undefined && script.steps.every((step) => step.passed);
}

export function toJson(report: RunReport): string {
  const scripts = report.scripts.map((script) => ({
    ...script,
    passed: scriptPassed(script),
    steps: script.steps.map((step) => ({ ...step, window: step.window.map(({ seq, dir, kind, raw }) => ({ seq, dir, kind, raw })) })),
  }));
  return `${JSON.stringify({ ...report, scripts }, null, 2)}\n`;
}

export function toJunit(report: RunReport): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = (script: ScriptRunReport) => (script.error ? script.steps.length || 1 : script.steps.filter((step) => !step.passed).length);
  const total = report.scripts.reduce((sum, script) => sum + Math.max(script.steps.length, 1), 0);
  const failed = report.scripts.reduce((sum, script) => sum + failures(script), 0);
  lines.push(`<testsuites name="stanza scripts" tests="${total}" failures="${failed}">`);
  for (const script of report.scripts) {
    const attrs = `name="${escapeXml(script.name)}" file="${escapeXml(script.file)}" tests="${Math.max(script.steps.length, 1)}" failures="${failures(script)}" time="${seconds(script.durationMs)}"`;
    lines.push(`  <testsuite ${attrs}>`);
    if (script.error !== undefined) {
      lines.push(`    <testcase name="open the session" classname="${escapeXml(script.file)}"><failure message="${escapeXml(script.error)}"/></testcase>`);
    }
    for (const step of script.steps) {
      const open = `    <testcase name="${escapeXml(step.name)}" classname="${escapeXml(script.file)}" time="${seconds(step.durationMs)}"`;
      if (step.passed) lines.push(`${open}/>`);
      else {
        const entries = step.window.map((entry) => `#${entry.seq} ${entry.dir} ${entry.raw}`).join("\n");
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
