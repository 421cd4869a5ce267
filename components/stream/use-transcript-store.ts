"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";

/**
 * The share of the main thread the lanes may take while entries pour in. A render's cost is
 * its whole frame: React's render and commit, then the browser's style, layout and paint,
 * which cost more than the render itself during a flood (issue 17: a CPU profile and a trace
 * of 5,000 stanzas/s, `npm run bench:profile`).
 */
const RENDER_SHARE = 0.5;
/** Render time the lanes may spend at once after a pause: a reply, or a request with its reply, at once. */
const BURST_MS = 16;
/**
 * How long a sent iq request's row waits for the reply before rendering alone. A reply from a
 * near server comes within a few milliseconds; rendered first, the request makes the page
 * need a frame, and Chromium then runs the reply's task only after that frame (issue 17, the
 * send-paint case: 14 ms on a bare page against a 3 ms round trip). Waiting on a timer, which
 * asks for no frame, the two render together.
 */
const REPLY_WAIT_MS = 8;
/** However busy the page, the tail is never further behind than this. */
const MAX_WAIT_MS = 250;

/**
 * Re-renders when the store changes, at once while the lanes have render time in hand, so a
 * reply is in the DOM in the task that brought it and painted in the next frame; an iq
 * request just sent waits up to REPLY_WAIT_MS for its reply and renders with it. Render time
 * accrues at RENDER_SHARE of the clock, up to BURST_MS, and each render spends what its whole
 * frame cost; once spent, the next render waits for it to accrue again. A flood so costs a
 * bounded share of the main thread however many batches it brings, and the tail is one render
 * behind. Returns the store's version, to key memoised reads.
 */
export function useTranscriptStore(store: TranscriptStore): number {
  const subscribe = useCallback(
    (onChange: () => void) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      let closed = false;
      let credit = BURST_MS;
      let creditAt = performance.now();
      const accrue = () => {
        const now = performance.now();
        credit = Math.min(BURST_MS, credit + (now - creditAt) * RENDER_SHARE);
        creditAt = now;
      };
      const spend = (ms: number) => {
        accrue();
        credit = Math.max(-MAX_WAIT_MS * RENDER_SHARE, credit - ms);
      };
      const afterFrame = new MessageChannel();
      const render = () => {
        timer = null;
        waitingForReply = false;
        const started = performance.now();
        onChange();
        // React renders an external store's change in a microtask queued by onChange: this one
        // runs after it. The frame that paints the change comes next; a message posted from its
        // animation-frame callback is delivered once that frame's rendering is done.
        queueMicrotask(() => {
          spend(performance.now() - started);
          requestAnimationFrame(() => {
            const frameStarted = performance.now();
            afterFrame.port1.onmessage = () => {
              if (!closed) spend(performance.now() - frameStarted);
            };
            afterFrame.port2.postMessage(null);
          });
        });
      };
      // An iq get or set just sent, not yet answered: its reply is likely on its way (RFC 6120 §8.2.3).
      const awaitingReply = () => {
        const last = store.at(store.size - 1);
        return last?.dir === "out" && last.kind === "iq" && (last.attrs?.type === "get" || last.attrs?.type === "set");
      };
      let waitingForReply = false;
      const unsubscribe = store.subscribe(() => {
        if (timer !== null) {
          // A render already waits; only a request's wait for its reply ends early, once it came.
          if (!waitingForReply || awaitingReply()) return;
          clearTimeout(timer);
          timer = null;
        }
        accrue();
        waitingForReply = credit > 0 && awaitingReply();
        if (waitingForReply) timer = setTimeout(render, REPLY_WAIT_MS);
        else if (credit > 0) render();
        else timer = setTimeout(render, -credit / RENDER_SHARE);
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
