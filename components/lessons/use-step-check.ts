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
export function useStepCheck(store: TranscriptStore, check: readonly Expectation[], variables: LessonVariables | null, windowStart: number, windowKey: string, session: SessionShape): StepCheckState {
  const version = useTranscriptStore(store);
  const [passedWindow, setPassedWindow] = useState<string | null>(null);

  const evaluated = useMemo(() => {
    const checkedSeq = store.lastSeq;
    const loginEnd = loginEndSeq(store.all(), session);
    // Until the session's own login traffic is over, nothing the learner did can be judged.
    if (variables === null || loginEnd === null) return { result: null, attempted: false, checkedSeq };
    const window = entriesAfter(store.all(), Math.max(windowStart, loginEnd));
    const attempted = window.some((entry) => entry.dir === "out" && !entry.attrs?.id?.startsWith(BARRIER_ID_PREFIX));
    return { result: evaluateCheck(check, window, variables), attempted, checkedSeq };
    // `version` is the store's change counter: the entries live outside React.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, check, variables, windowStart, version, session.mode, session.initialPresence]);

  const passedNow = evaluated.result?.passed === true;
  // Adjusting state while rendering (React's pattern for derived state): remembered for this window only.
  if (passedNow && passedWindow !== windowKey) setPassedWindow(windowKey);
  return { ...evaluated, passed: passedNow || passedWindow === windowKey };
}

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

/** Entries with a seq above `seq`; the store holds them in seq order. */
export function entriesAfter(entries: readonly TranscriptEntry[], seq: number): readonly TranscriptEntry[] {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (entries[middle]!.seq <= seq) low = middle + 1;
    else high = middle;
  }
  return entries.slice(low);
}
