"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";

/**
 * The share of the main thread the lanes may take while entries pour in. A render's cost is
 * its whole frame: React's render and commit, then the browser's style, layout and paint,
 * which cost more than the render itself during a flood (issue 17: a CPU profile and a trace
 * of 5,000 stanzas/s).
 */
const RENDER_SHARE = 0.5;
/** However busy the page, the tail is never further behind than this. */
const MAX_GAP_MS = 250;

/**
 * Re-renders when the store changes: at once when the lanes are idle, so a reply is in the
 * DOM in the task that brought it and painted in the next frame. While entries keep coming,
 * each render waits until the last one's whole-frame cost is at most RENDER_SHARE of the time
 * since it began, so a flood costs a bounded share of the main thread however many batches it
 * brings. Returns the store's version, to key memoised reads.
 */
export function useTranscriptStore(store: TranscriptStore): number {
  const subscribe = useCallback(
    (onChange: () => void) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      let notBefore = -Infinity;
      let closed = false;
      const afterFrame = new MessageChannel();
      const spaceAfter = (started: number, cost: number) => {
        notBefore = started + Math.min(cost / RENDER_SHARE, MAX_GAP_MS);
      };
      const render = () => {
        timer = null;
        const started = performance.now();
        onChange();
        // React renders an external store's change in a microtask queued by onChange: this one
        // runs after it. The frame that paints the change comes next; a message posted from its
        // animation-frame callback is delivered once that frame's rendering is done.
        queueMicrotask(() => {
          const committed = performance.now() - started;
          spaceAfter(started, committed);
          requestAnimationFrame(() => {
            const frameStarted = performance.now();
            afterFrame.port1.onmessage = () => {
              if (!closed) spaceAfter(started, committed + performance.now() - frameStarted);
            };
            afterFrame.port2.postMessage(null);
          });
        });
      };
      const unsubscribe = store.subscribe(() => {
        if (timer !== null) return;
        const wait = notBefore - performance.now();
        if (wait <= 0) render();
        else timer = setTimeout(render, wait);
      });
      return () => {
        closed = true;
        unsubscribe();
        afterFrame.port1.close();
        if (timer !== null) clearTimeout(timer);
      };
    },
    [store],
  );
  const version = useCallback(() => store.version, [store]);
  return useSyncExternalStore(subscribe, version, version);
}

/**
 * Changes only when the store empties, first fills, or its entries move (Clear, Undo, a new
 * session), never on an append: for a component that needs to know whether there is anything
 * to export, not to re-render with every batch.
 */
export function useTranscriptShape(store: TranscriptStore): number {
  const shape = useCallback(() => (store.totalSize === 0 ? -1 : store.epoch), [store]);
  const subscribe = useCallback((onChange: () => void) => store.subscribe(onChange), [store]);
  return useSyncExternalStore(subscribe, shape, shape);
}
