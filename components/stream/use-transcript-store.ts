"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";

/**
 * Rendering may take this much of a frame on changes that come in between frames; past it,
 * the rest of the frame's changes wait for the next one, together.
 */
const FRAME_BUDGET_MS = 8;

/**
 * Re-renders when the store changes: at once while this frame's renders stay within
 * FRAME_BUDGET_MS, so a reply is in the DOM in the task that brought it and shows in the
 * next frame; otherwise at the next animation frame, so a flood costs about one render per
 * frame however many batches it brings (a render does work for the rows in view, not for
 * the entries that arrived). No timer spaces renders out: the tail is always one frame away.
 * Returns the store's version, to key memoised reads.
 */
export function useTranscriptStore(store: TranscriptStore): number {
  const subscribe = useCallback(
    (onChange: () => void) => {
      let spentThisFrame = 0;
      let lastCost = 0;
      /** The next frame's callback: it opens a new budget, and renders what waited for it. */
      let frame: number | null = null;
      let waiting = false;
      const render = () => {
        const started = performance.now();
        onChange();
        // React renders an external store's change in a microtask queued by onChange: this
        // one runs after it, so the span covers the render and its commit.
        queueMicrotask(() => {
          lastCost = performance.now() - started;
          spentThisFrame += lastCost;
        });
      };
      const nextFrame = () => {
        frame = null;
        spentThisFrame = 0;
        if (!waiting) return;
        waiting = false;
        render();
        frame = requestAnimationFrame(nextFrame);
      };
      const unsubscribe = store.subscribe(() => {
        if (waiting) return;
        if (spentThisFrame + lastCost <= FRAME_BUDGET_MS) render();
        else waiting = true;
        frame ??= requestAnimationFrame(nextFrame);
      });
      return () => {
        unsubscribe();
        if (frame !== null) cancelAnimationFrame(frame);
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
