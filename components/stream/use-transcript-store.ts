"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";

/**
 * The share of the main thread re-rendering may take while entries pour in: after a render
 * that took T ms, the next waits at least T / RENDER_SHARE - T ms, so a 20,000 entries/s
 * capture leaves the rest of each second to scrolling, typing and the socket.
 */
const RENDER_SHARE = 0.5;

/**
 * Re-renders when the store changes, at the next animation frame: a reply is painted in
 * the frame after it arrives. Only when renders get expensive (a flood, a long list) do
 * they space out, in proportion to what the last one cost. Returns the store's version,
 * to key memoised reads.
 */
export function useTranscriptStore(store: TranscriptStore): number {
  const subscribe = useCallback(
    (onChange: () => void) => {
      let frame: number | null = null;
      let timer: ReturnType<typeof setTimeout> | null = null;
      let notBefore = -Infinity;
      const render = () => {
        frame = null;
        const started = performance.now();
        onChange();
        // React renders an external store's change in a microtask queued by onChange: this
        // one runs after it, so the span covers the render and its commit.
        queueMicrotask(() => {
          const spent = performance.now() - started;
          notBefore = started + spent / RENDER_SHARE;
        });
      };
      const unsubscribe = store.subscribe(() => {
        if (frame !== null || timer !== null) return;
        const wait = notBefore - performance.now();
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
