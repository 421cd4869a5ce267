"use client";

import { useMemo, useState } from "react";
import { useTranscriptStore } from "@/components/stream/use-transcript-store";
import { BARRIER_ID_PREFIX, evaluateCheck } from "@/lib/lessons/check";
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
}

/**
 * Runs the step's check on its window of the live transcript (the entries after
 * `windowStart`) whenever the transcript grows. `windowKey` changes when the window
 * restarts (step opened, Reset, new session), which also clears the latch.
 */
export function useStepCheck(store: TranscriptStore, check: readonly Expectation[], variables: LessonVariables | null, windowStart: number, windowKey: string): StepCheckState {
  const version = useTranscriptStore(store);
  const [passedWindow, setPassedWindow] = useState<string | null>(null);

  const evaluated = useMemo(() => {
    const window = entriesAfter(store.all(), windowStart);
    const checkedSeq = store.lastSeq;
    const attempted = window.some((entry) => entry.dir === "out" && !entry.attrs?.id?.startsWith(BARRIER_ID_PREFIX));
    if (variables === null) return { result: null, attempted, checkedSeq };
    return { result: evaluateCheck(check, window, variables), attempted, checkedSeq };
    // `version` is the store's change counter: the entries live outside React.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, check, variables, windowStart, version]);

  const passedNow = evaluated.result?.passed === true;
  // Adjusting state while rendering (React's pattern for derived state): remembered for this window only.
  if (passedNow && passedWindow !== windowKey) setPassedWindow(windowKey);
  return { ...evaluated, passed: passedNow || passedWindow === windowKey };
}

/** Entries with a seq above `seq`; the store holds them in seq order. */
function entriesAfter(entries: readonly TranscriptEntry[], seq: number): readonly TranscriptEntry[] {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (entries[middle]!.seq <= seq) low = middle + 1;
    else high = middle;
  }
  return entries.slice(low);
}
