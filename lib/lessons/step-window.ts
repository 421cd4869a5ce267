import type { TranscriptEntry } from "../xmpp/entry";
import { entriesAfter } from "../persistence/persisted-transcripts";
import { BARRIER_ID_PREFIX, evaluateCheck } from "./check";
import type { CheckResult, Expectation } from "./types";
import type { LessonVariables } from "./variables";
import { loginEndSeq, type SessionShape } from "./login-end";

/**
 * A lesson step's check over its window on the live transcript, without React. The lesson
 * page (components/lessons/use-step-check.ts) loads it after first paint (check-engine.ts)
 * and runs it whenever the transcript grows.
 */

export interface StepWindowResult {
  /** Null until the session's login traffic is over: nothing the learner did can be judged yet. */
  result: CheckResult | null;
  /** The learner has sent something in this window (the runners' barrier pings do not count). */
  attempted: boolean;
  /** The entries the check judged (the diagnosis reads the same ones). */
  window: readonly TranscriptEntry[];
}

/** The step's check over the entries after `windowStart` and after the session's own login. */
export function evaluateStepWindow(
  entries: readonly TranscriptEntry[],
  check: readonly Expectation[],
  variables: LessonVariables | null,
  windowStart: number,
  session: SessionShape,
): StepWindowResult {
  const loginEnd = loginEndSeq(entries, session);
  if (variables === null || loginEnd === null) return { result: null, attempted: false, window: [] };
  const window = entriesAfter(entries, Math.max(windowStart, loginEnd));
  const attempted = window.some((entry) => entry.dir === "out" && !entry.attrs?.id?.startsWith(BARRIER_ID_PREFIX));
  return { result: evaluateCheck(check, window, variables, entries), attempted, window };
}
