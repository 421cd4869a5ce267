"use client";

import { useCallback, useEffect, useRef } from "react";

/**
 * Shell-style history: Ctrl+Up walks back through what was sent, Ctrl+Down forward, and
 * one step past the newest brings back the draft that was there before the walk began.
 * `history` is oldest first; a new send (a longer history) starts the walk over.
 */
export function useHistoryWalk(history: readonly string[]) {
  const historyRef = useRef(history);
  const walk = useRef({ index: history.length, draft: "" });
  useEffect(() => {
    historyRef.current = history;
  }, [history]);
  // Only a new entry restarts the walk: a caller may hand in a fresh array on every render.
  useEffect(() => {
    walk.current = { index: history.length, draft: "" };
  }, [history.length]);

  return useCallback((step: -1 | 1, current: string): string | null => {
    const entries = historyRef.current;
    const state = walk.current;
    if (state.index === entries.length) state.draft = current;
    const next = Math.min(Math.max(state.index + step, 0), entries.length);
    if (next === state.index) return null;
    state.index = next;
    return next === entries.length ? state.draft : (entries[next] ?? null);
  }, []);
}
