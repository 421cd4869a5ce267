import type { TranscriptEntry } from "../xmpp/entry";
import { entriesAfter } from "../persistence/persisted-transcripts";
import { BARRIER_ID_PREFIX, evaluateCheck } from "./check";
import type { CheckResult, Expectation } from "./types";
import type { LessonVariables } from "./variables";

/**
 * A lesson step's window on the live transcript, without React: where the session's own
 * traffic ends, and the step's check over what came after. The lesson page
 * (components/lessons/use-step-check.ts) runs it whenever the transcript grows.
 */

export interface SessionShape {
  mode: "guided" | "raw";
  initialPresence: boolean;
}

/**
 * Where the session's own traffic ends and the learner's begins. Guided: after the library's
 * login (the "online" event) and, when it sends one, the initial presence (RFC 6121 §4.2), as
 * the headless runner opens its first window once connected. Raw: the learner types it all.
 */
export function loginEndSeq(entries: readonly TranscriptEntry[], session: SessionShape): number | null {
  if (session.mode === "raw") return 0;
  const online = entries.findIndex((entry) => entry.code === "online");
  if (online === -1) return null;
  if (!session.initialPresence) return entries[online]!.seq;
  const presence = entries.slice(online + 1).find((entry) => entry.dir === "out" && entry.name === "presence");
  return presence ? presence.seq : null;
}

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
