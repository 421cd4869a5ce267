import { checkEngine, type CheckEngine } from "@/lib/lessons/check-engine";
import { expandLessonText, type LessonVariables } from "@/lib/lessons/variables";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import type { StepData } from "@/lib/lessons/lesson-data";
import { entriesAfter } from "@/lib/persistence/persisted-transcripts";
import { loginEndSeq, type SessionShape } from "@/lib/lessons/login-end";

type Verdict = ReturnType<CheckEngine["evaluateCheck"]>;

/** How long one replayed step may take to pass: the server and the peer answer in milliseconds. */
const STEP_TIMEOUT_MS = 10_000;

export type CatchUpOutcome = { ok: true } | { ok: false; message: string };

/**
 * Sends the solutions of `steps` in order on the current session, each once its
 * predecessor's check has passed, as both test runners do: a new session of a lesson whose
 * steps build on each other (a raw stream, a roster) is brought to where the learner was.
 */
export async function replaySolutions(options: {
  steps: readonly StepData[];
  store: TranscriptStore;
  variables: LessonVariables;
  session: SessionShape;
  send(xml: string): Promise<void>;
  onProgress(step: StepData, index: number): void;
}): Promise<CatchUpOutcome> {
  const { steps, store, variables, session } = options;
  const { evaluateCheck, streamManagementAnswer } = await checkEngine.load();
  for (const [index, step] of steps.entries()) {
    options.onProgress(step, index);
    // Its answer is computed from this session's challenge (RFC 5802 §5.1), not a file to resend.
    if (step.action !== undefined) return { ok: false, message: `Step ${index + 1} ("${step.title}") starts by dropping the connection: do it by hand from here.` };
    if (step.calculator === "scram") return { ok: false, message: `Step ${index + 1} ("${step.title}") is answered with its calculator: solve it by hand from here.` };
    const start = Math.max(store.lastSeq, loginEndSeq(store.all(), session) ?? store.lastSeq);
    // XEP-0198 §4: a count of this session's stanzas, read from the wire now.
    const answer = step.calculator === "stream-management" ? streamManagementAnswer(step.solution, store.all(), variables) : { ok: true as const, text: expandLessonText(step.solution, variables) };
    if (!answer.ok) return { ok: false, message: `Step ${index + 1} ("${step.title}"): ${answer.reason}` };
    await options.send(answer.text);
    const passes = () => evaluateCheck(step.check, entriesAfter(store.all(), start), variables, store.all());
    const result = await untilPassed(store, passes);
    if (!result.passed) return { ok: false, message: `Step ${index + 1} ("${step.title}") did not pass on replay: ${result.missing?.message ?? "no reason given"} Solve it by hand from here.` };
  }
  return { ok: true };
}

function untilPassed(store: TranscriptStore, evaluate: () => Verdict): Promise<Verdict> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Verdict) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearTimeout(timer);
      resolve(result);
    };
    const unsubscribe = store.subscribe(() => {
      const result = evaluate();
      if (result.passed) finish(result);
    });
    const timer = setTimeout(() => finish(evaluate()), STEP_TIMEOUT_MS);
    const now = evaluate();
    if (now.passed) finish(now);
  });
}
