"use client";

import { useMemo, useState } from "react";
import { useTranscriptStore } from "@/components/stream/use-transcript-store";
import { evaluateStepWindow, type SessionShape } from "@/lib/lessons/step-window";
import type { CheckResult, Expectation } from "@/lib/lessons/types";
import type { LessonVariables } from "@/lib/lessons/variables";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import type { TranscriptEntry } from "@/lib/xmpp/entry";

export interface StepCheckState {
  result: CheckResult | null;
  /** Once passed, a step stays passed while it is open (later traffic cannot un-pass it). */
  passed: boolean;
  /** The learner has sent something in this window: time to say what is missing. */
  attempted: boolean;
  /** The last seq the result has seen; tests wait on it instead of on time. */
  checkedSeq: number;
  /** The step's window the check judged, and the whole session's transcript, for the diagnosis. */
  window: readonly TranscriptEntry[];
  entries: readonly TranscriptEntry[];
}

/**
 * Runs the step's check on its window of the live transcript (the entries after
 * `windowStart`) whenever the transcript grows. `windowKey` changes when the window
 * restarts (step opened, Reset, new session), which also clears the latch.
 */
export function useStepCheck(store: TranscriptStore, check: readonly Expectation[], variables: LessonVariables | null, windowStart: number, windowKey: string, session: SessionShape): StepCheckState {
  const version = useTranscriptStore(store);
  const [passedWindow, setPassedWindow] = useState<string | null>(null);

  const evaluated = useMemo(() => {
    const checkedSeq = store.lastSeq;
    const entries = store.all();
    return { ...evaluateStepWindow(entries, check, variables, windowStart, session), checkedSeq, entries };
    // `version` is the store's change counter: the entries live outside React.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, check, variables, windowStart, version, session.mode, session.initialPresence]);

  const passedNow = evaluated.result?.passed === true;
  // Adjusting state while rendering (React's pattern for derived state): remembered for this window only.
  if (passedNow && passedWindow !== windowKey) setPassedWindow(windowKey);
  return { ...evaluated, passed: passedNow || passedWindow === windowKey };
}
