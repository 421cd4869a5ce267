import { evaluateCheck, TreeCache, withoutBarriers } from "../lessons/check";
import { diagnoseStep } from "../lessons/diagnose";
import type { CheckResult, Expectation } from "../lessons/types";
import type { TranscriptEntry } from "../xmpp/entry";
import type { SessionState } from "../bridge/protocol";
import { until } from "../xmpp/until";
import { variableNames } from "../xml/variables";
import { captureValue, expandSend } from "./capture";
import type { Script, ScriptStep } from "./types";

/**
 * Runs a parsed script's steps on open sessions, one per account: per step, expand the
 * variables, send from the step's account, then wait on the transcripts until the step's
 * expectations are met (the lessons' check, lib/lessons/check.ts, over each stream's entries
 * since the send, one evaluation per stream) or its timeout passes.
 */

/** A transcript entry and the account whose stream it crossed. */
export type AccountEntry = TranscriptEntry & { account: string };

export interface StepVerdict {
  name: string;
  line: number;
  /** The account that sent. */
  as: string;
  passed: boolean;
  /** Why it failed: what it waited for, and what came instead. */
  reason?: string;
  /** The entries that met the expectations (on a fail: those met so far), by stream. */
  matched: { account: string; seq: number }[];
  durationMs: number;
  /** Variables this step defined. */
  captured: Record<string, string>;
  /** The step's window of every stream's (redacted) transcript, in time order. */
  window: AccountEntry[];
}

export interface RunOptions {
  onStep?: (verdict: StepVerdict, index: number) => void;
  /** Waits before each send (the bridge's send rate, server/send-rate.ts); none by default. */
  pace?: () => Promise<void>;
}

/**
 * What the runner needs of a session: a bridge session on the server (lib/xmpp/session.ts) for
 * the command line, or the page's view of one through the bridge (its transcript as the tab holds it).
 */
export interface ScriptSession {
  readonly currentState: SessionState;
  readonly transcript: { readonly lastSeq: number; since(seq: number): TranscriptEntry[] };
  send(xml: string): Promise<void>;
}

export type Sessions = Readonly<Record<string, ScriptSession>>;

export async function runSteps(script: Script, sessions: Sessions, initial: Record<string, string>, options: RunOptions = {}): Promise<StepVerdict[]> {
  const stepper = stepThrough(script, sessions, initial, options);
  const verdicts: StepVerdict[] = [];
  for (let verdict = await stepper.next(); verdict !== undefined; verdict = await stepper.next()) verdicts.push(verdict);
  return verdicts;
}

/** One step at a time (the page's Step button); `next()` runs the next step, undefined once all ran. */
export interface Stepper {
  next(): Promise<StepVerdict | undefined>;
  /** The index of the step `next()` runs. */
  readonly position: number;
  /** The values in force now: the initial ones and every capture so far. */
  readonly values: Readonly<Record<string, string>>;
}

export function stepThrough(script: Script, sessions: Sessions, initial: Record<string, string>, options: RunOptions = {}): Stepper {
  const values: Record<string, string> = { ...initial };
  let stopped: string | undefined;
  let index = 0;
  return {
    get position() {
      return index;
    },
    values,
    async next() {
      const step = script.steps[index];
      if (step === undefined) return undefined;
      const verdict = stopped
        ? { name: step.name, line: step.line, as: step.as, passed: false, reason: `not run: ${stopped}`, matched: [], durationMs: 0, captured: {}, window: [] }
        : await runStep(step, sessions, values, options);
      const closed = Object.entries(sessions).find(([, session]) => session.currentState === "closed");
      if (!verdict.passed && !stopped && closed) stopped = `${closed[0]}'s session closed during "${step.name}"`;
      Object.assign(values, verdict.captured);
      options.onStep?.(verdict, index);
      index++;
      return verdict;
    },
  };
}

async function runStep(step: ScriptStep, sessions: Sessions, values: Record<string, string>, options: RunOptions): Promise<StepVerdict> {
  const started = Date.now();
  const accounts = Object.keys(sessions);
  const starts = Object.fromEntries(accounts.map((account) => [account, step.window === "session" ? 0 : sessions[account]!.transcript.lastSeq]));
  const windowOf = (account: string) => sessions[account]!.transcript.since(starts[account]!);
  // Which expectations wait on which stream; each group is one evaluation of the one check engine.
  const groups = accounts
    .map((account) => ({ account, indexes: step.on.flatMap((on, index) => (on === account ? [index] : [])) }))
    .filter((group) => group.indexes.length > 0);
  const evaluate = () =>
    groups.map((group) => ({ ...group, result: evaluateCheck(group.indexes.map((index) => step.expect[index]!), windowOf(group.account), values) }));
  const verdict = (passed: boolean, results: ReturnType<typeof evaluate>, extra: Partial<StepVerdict> = {}): StepVerdict => ({
    name: step.name,
    line: step.line,
    as: step.as,
    passed,
    matched: results.flatMap(({ account, result }) => result.matched.flatMap((seq) => (seq === undefined ? [] : [{ account, seq }]))),
    durationMs: Date.now() - started,
    captured: {},
    window: mergedWindow(accounts.map((account) => ({ account, entries: windowOf(account) }))),
    ...extra,
  });

  // A capture of a step that failed has no value: sending "{{name}}" as written would only mislead.
  const unset = variableNames(`${step.send ?? ""} ${JSON.stringify(step.expect)}`).find((name) => name !== "id" && !Object.hasOwn(values, name));
  if (unset !== undefined) return verdict(false, [], { reason: `not run: {{${unset}}} has no value, because the step that captures it did not pass` });
  const sender = sessions[step.as]!;
  if (step.send !== undefined) {
    if (sender.currentState !== "online") return verdict(false, [], { reason: `${step.as}'s session is ${sender.currentState}${closedNote(sender.transcript.since(0))}, so nothing can be sent` });
    try {
      await options.pace?.();
      await sender.send(expandSend(step.send, values));
    } catch (error) {
      return verdict(false, [], { reason: `the send failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const anyClosed = () => groups.some((group) => sessions[group.account]!.currentState === "closed");
  await until(() => evaluate().every(({ result }) => result.passed) || anyClosed(), step.timeoutMs);
  const results = evaluate();
  const failing = results.find(({ result }) => !result.passed);
  if (failing) {
    const session = sessions[failing.account]!;
    const expect = failing.indexes.map((index) => step.expect[index]!);
    const reason = failureReason(step, expect, failing.indexes, failing.result, session.transcript.since(0), windowOf(failing.account), values);
    return verdict(false, results, { reason: accounts.length > 1 ? `on ${failing.account}'s stream: ${reason}` : reason });
  }

  const captured: Record<string, string> = {};
  const trees = new TreeCache();
  for (const capture of step.capture) {
    const group = results.find(({ indexes }) => indexes.some((index) => step.expect[index]!.name === capture.from))!;
    const seq = group.result.matched[group.indexes.findIndex((index) => step.expect[index]!.name === capture.from)];
    const entry = windowOf(group.account).find((candidate) => candidate.seq === seq);
    const read = entry ? captureValue(capture, entry, trees) : { problem: `no entry met "${capture.from}"` };
    if ("problem" in read) return verdict(false, results, { reason: `capture ${capture.name}: ${read.problem}` });
    captured[capture.name] = read.value;
  }
  return verdict(true, results, { captured });
}

/** Every stream's window in one list, in the order things happened (wall clock, then each stream's own order). */
function mergedWindow(windows: { account: string; entries: TranscriptEntry[] }[]): AccountEntry[] {
  const all = windows.flatMap(({ account, entries }) => entries.map((entry) => ({ ...entry, account })));
  return all.sort((a, b) => a.wall - b.wall || (a.account === b.account ? a.seq - b.seq : 0));
}

/** What the step waited for and what came instead (the lessons' diagnosis, lib/lessons/diagnose.ts). */
function failureReason(step: ScriptStep, expect: Expectation[], indexes: number[], result: CheckResult, session: readonly TranscriptEntry[], window: readonly TranscriptEntry[], values: Record<string, string>): string {
  const missing = result.missing!;
  const closed = closedNote(session);
  const waited = closed ? `the session closed${closed}` : `waited ${step.timeoutMs / 1000} s`;
  const parts = [`${waited}; expect[${indexes[missing.index]}] not met: ${missing.message}`];
  const diagnosis = diagnoseStep({ check: expect, session, window, variables: values, result });
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
