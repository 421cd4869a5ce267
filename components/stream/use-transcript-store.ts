"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";

/** While entries pour in, views re-render at most this often: nobody reads 60 updates a second. */
const MIN_RENDER_INTERVAL_MS = 50;

/**
 * Re-renders when the store changes: on the next animation frame, and no sooner than
 * MIN_RENDER_INTERVAL_MS after the last time, so a 20,000 entries/s capture leaves the
 * page free for scrolling and typing. Returns the store's version, to key memoised reads.
 */
export function useTranscriptStore(store: TranscriptStore): number {
  const subscribe = useCallback(
    (onChange: () => void) => {
      let frame: number | null = null;
      let timer: ReturnType<typeof setTimeout> | null = null;
      let lastRender = -Infinity;
      const render = () => {
        frame = null;
        lastRender = performance.now();
        onChange();
      };
      const unsubscribe = store.subscribe(() => {
        if (frame !== null || timer !== null) return;
        const wait = lastRender + MIN_RENDER_INTERVAL_MS - performance.now();
        if (wait <= 0) {
          frame = requestAnimationFrame(render);
          return;
        }
        timer = setTimeout(() => {
          timer = null;
          frame = requestAnimationFrame(render);
        }, wait);
      });
      return () => {
        unsubscribe();
        if (frame !== null) cancelAnimationFrame(frame);
        if (timer !== null) clearTimeout(timer);
      };
    },
    [store],
  );
  const version = useCallback(() => store.version, [store]);
  return useSyncExternalStore(subscribe, version, version);
}
