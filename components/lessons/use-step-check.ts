"use client";

import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { useTranscriptStore } from "@/components/stream/use-transcript-store";
import { checkEngine } from "@/lib/lessons/check-engine";
import { couldNotLoad } from "@/lib/lazy-module";
import type { SessionShape } from "@/lib/lessons/login-end";
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
  /** The check engine could not be fetched (it loads after first paint): what to do. */
  unavailable: string | null;
}

/**
 * Runs the step's check on its window of the live transcript (the entries after
 * `windowStart`) whenever the transcript grows. `windowKey` changes when the window
 * restarts (step opened, Reset, new session), which also clears the latch.
 */
export function useStepCheck(store: TranscriptStore, check: readonly Expectation[], variables: LessonVariables | null, windowStart: number, windowKey: string, session: SessionShape): StepCheckState {
  const version = useTranscriptStore(store);
  const [passedWindow, setPassedWindow] = useState<string | null>(null);
  const engine = useSyncExternalStore(checkEngine.subscribe, checkEngine.current, () => null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  useEffect(() => {
    checkEngine.load().catch((error: unknown) => {
      setUnavailable(couldNotLoad("The step check", error));
    });
  }, []);

  const evaluated = useMemo(() => {
    // Until the engine has arrived nothing is judged, and checkedSeq says so (tests wait on it).
    if (engine === null) return { result: null, attempted: false, window: [], checkedSeq: -1, entries: [] };
    const checkedSeq = store.lastSeq;
    const entries = store.all();
    return { ...engine.evaluateStepWindow(entries, check, variables, windowStart, session), checkedSeq, entries };
    // `version` is the store's change counter: the entries live outside React.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine, store, check, variables, windowStart, version, session.mode, session.initialPresence]);

  const passedNow = evaluated.result?.passed === true;
  // Adjusting state while rendering (React's pattern for derived state): remembered for this window only.
  if (passedNow && passedWindow !== windowKey) setPassedWindow(windowKey);
  return { ...evaluated, passed: passedNow || passedWindow === windowKey, unavailable };
}
