import { evaluateCheck, TreeCache, withoutBarriers } from "../lessons/check";
import { diagnoseStep } from "../lessons/diagnose";
import type { CheckResult } from "../lessons/types";
import type { TranscriptEntry } from "../xmpp/entry";
import type { XmppSession } from "../xmpp/session";
import { until } from "../xmpp/until";
import { variableNames } from "../xml/variables";
import { captureValue, expandSend } from "./capture";
import type { Script, ScriptStep } from "./types";

/**
 * Runs a parsed script's steps on an open session: per step, expand the variables, send,
 * then wait on the transcript until the step's expectations are met (the lessons' check,
 * lib/lessons/check.ts, over the entries since the send) or its timeout passes.
 */

export interface StepVerdict {
  name: string;
  line: number;
  passed: boolean;
  /** Why it failed: what it waited for, and what came instead. */
  reason?: string;
  /** Seq numbers of the entries that met the expectations (on a fail: those met so far). */
  seqs: number[];
  durationMs: number;
  /** Variables this step defined. */
  captured: Record<string, string>;
  /** The step's window of the (redacted) transcript. */
  window: TranscriptEntry[];
}

export interface RunOptions {
  onStep?: (verdict: StepVerdict, index: number) => void;
}

export async function runSteps(script: Script, session: XmppSession, initial: Record<string, string>, options: RunOptions = {}): Promise<StepVerdict[]> {
  const values: Record<string, string> = { ...initial };
  const verdicts: StepVerdict[] = [];
  let stopped: string | undefined;
  for (const [index, step] of script.steps.entries()) {
    const verdict = stopped
      ? { name: step.name, line: step.line, passed: false, reason: `not run: ${stopped}`, seqs: [], durationMs: 0, captured: {}, window: [] }
      : await runStep(step, session, values);
    if (!verdict.passed && !stopped) stopped = session.currentState === "closed" ? `the session closed during "${step.name}"` : undefined;
    Object.assign(values, verdict.captured);
    verdicts.push(verdict);
    options.onStep?.(verdict, index);
  }
  return verdicts;
}

async function runStep(step: ScriptStep, session: XmppSession, values: Record<string, string>): Promise<StepVerdict> {
  const started = Date.now();
  const transcript = session.transcript;
  const start = transcript.lastSeq;
  const window = () => transcript.since(start);
  const verdict = (passed: boolean, result: CheckResult | undefined, extra: Partial<StepVerdict> = {}): StepVerdict => ({
    name: step.name,
    line: step.line,
    passed,
    seqs: (result?.matched ?? []).filter((seq): seq is number => seq !== undefined),
    durationMs: Date.now() - started,
    captured: {},
    window: window(),
    ...extra,
  });

  // A capture of a step that failed has no value: sending "{{name}}" as written would only mislead.
  const unset = variableNames(`${step.send ?? ""} ${JSON.stringify(step.expect)}`).find((name) => name !== "id" && !Object.hasOwn(values, name));
  if (unset !== undefined) return verdict(false, undefined, { reason: `not run: {{${unset}}} has no value, because the step that captures it did not pass` });
  if (step.send !== undefined) {
    if (session.currentState !== "online") return verdict(false, undefined, { reason: `the session is ${session.currentState}${closedNote(transcript.since(0))}, so nothing can be sent` });
    try {
      await session.send(expandSend(step.send, values));
    } catch (error) {
      return verdict(false, undefined, { reason: `the send failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const check = () => evaluateCheck(step.expect, window(), values);
  await until(() => check().passed || session.currentState === "closed", step.timeoutMs);
  const result = check();
  if (!result.passed) return verdict(false, result, { reason: failureReason(step, result, transcript.since(0), window(), values) });

  const captured: Record<string, string> = {};
  const trees = new TreeCache();
  for (const capture of step.capture) {
    const index = step.expect.findIndex((expectation) => expectation.name === capture.from);
    const entry = window().find((candidate) => candidate.seq === result.matched[index]);
    const read = entry ? captureValue(capture, entry, trees) : { problem: `no entry met "${capture.from}"` };
    if ("problem" in read) return verdict(false, result, { reason: `capture ${capture.name}: ${read.problem}` });
    captured[capture.name] = read.value;
  }
  return verdict(true, result, { captured });
}

/** What the step waited for and what came instead (the lessons' diagnosis, lib/lessons/diagnose.ts). */
function failureReason(step: ScriptStep, result: CheckResult, session: readonly TranscriptEntry[], window: readonly TranscriptEntry[], values: Record<string, string>): string {
  const missing = result.missing!;
  const closed = closedNote(session);
  const waited = closed ? `the session closed${closed}` : `waited ${step.timeoutMs / 1000} s`;
  const parts = [`${waited}; expect[${missing.index}] not met: ${missing.message}`];
  const diagnosis = diagnoseStep({ check: step.expect, session, window, variables: values, result });
  if (diagnosis?.closest) parts.push(`closest: entry #${diagnosis.closest.seq}, where ${diagnosis.closest.differences.join("; ")}`);
  if (diagnosis?.refusal) parts.push(`the server refused: #${diagnosis.refusal.seq} ${diagnosis.refusal.condition ?? "error"}${diagnosis.refusal.text ? ` (${diagnosis.refusal.text})` : ""}`);
  const came = withoutBarriers(window).filter((entry) => entry.dir === "in");
  parts.push(came.length === 0 ? "nothing came from the server in that time" : `came instead: ${came.map(summary).join(", ")}`);
  return parts.map((part) => (/[.!?]$/.test(part) ? part : `${part}.`)).join(" ");
}

function summary(entry: TranscriptEntry): string {
  const type = entry.attrs?.type ? ` type=${entry.attrs.type}` : "";
  return `#${entry.seq} <${entry.name ?? entry.kind}${type}${entry.error ? ` ${entry.error}` : ""}>`;
}

function closedNote(entries: readonly TranscriptEntry[]): string {
  const closed = entries.findLast((entry) => entry.code === "closed");
  return closed ? ` (${closed.raw})` : "";
}
