"use client";

import { useCallback, useRef, useState, type RefObject } from "react";
import { followAfterScroll, isInputHeld, leavesTail, type WheelInput } from "@/lib/transcript/follow-tail";
import { lowerBound, rowWindow } from "@/lib/transcript/query";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";

const SCROLL_KEYS = new Set(["PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", " "]);

/**
 * Whether the list follows new entries, and which window of rows it lays out. Following
 * stops when the person scrolls up or goes to an older row, and resumes at the bottom.
 * `rows` are the query's rows (visible store indexes).
 */
export function useFollowTail(store: TranscriptStore, rows: Int32Array, viewportRef: RefObject<HTMLDivElement | null>) {
  const [follow, setFollow] = useState(true);
  // Read by observers and by the list as it lays out: set at once, before the state commits.
  const following = useRef(true);
  const [pinnedStart, setPinnedStart] = useState(0);
  /** The last seq shown when following stopped: rows after it are "new". */
  const [pausedAfterSeq, setPausedAfterSeq] = useState<number | null>(null);
  const span = rowWindow(rows.length, follow, pinnedStart);
  const lastScrollTop = useRef(0);
  // Only the person stops the following: the list's own corrections (rows measured, the
  // window moving on) also move scrollTop, and must not.
  const userScrolledAt = useRef(-Infinity);
  const pointerOnScrollbar = useRef(false);

  const lastSeq = useCallback(() => store.at(rows[rows.length - 1] ?? -1)?.seq ?? null, [store, rows]);

  /** Stops following, laying out the window that starts at `pinAt`. */
  const stopFollowing = useCallback(
    (pinAt: number) => {
      following.current = false;
      setFollow(false);
      setPinnedStart(pinAt);
      setPausedAfterSeq((paused) => paused ?? lastSeq());
    },
    [lastSeq],
  );

  const resume = useCallback(() => {
    following.current = true;
    setFollow(true);
    setPausedAfterSeq(null);
  }, []);

  const noteUserScroll = () => {
    userScrolledAt.current = performance.now();
  };
  /** The person's last scrolling input, for whether their scroll may still be on its way (follow-tail.ts). */
  const lastInput = useCallback(() => ({ sinceInputMs: performance.now() - userScrolledAt.current, dragging: pointerOnScrollbar.current }), []);
  const inputHeld = useCallback(() => {
    const { sinceInputMs, dragging } = lastInput();
    return isInputHeld(sinceInputMs, dragging);
  }, [lastInput]);

  function onScroll() {
    const viewport = viewportRef.current;
    if (viewport === null) return;
    const { scrollTop, scrollHeight, clientHeight } = viewport;
    const change = followAfterScroll({
      following: follow,
      scrollTop,
      scrollHeight,
      clientHeight,
      previousScrollTop: lastScrollTop.current,
      windowAtEnd: span.end === rows.length,
      byUser: inputHeld(),
    });
    lastScrollTop.current = scrollTop;
    if (change === "stop") stopFollowing(span.start);
    else if (change === "resume") resume();
  }

  /** A wheel turn or key up stops the following at once (leavesTail), not only once its scroll event comes. */
  const leaveTailOn = (input: WheelInput | { key: string }) => {
    if (following.current && leavesTail(input, viewportRef.current?.scrollTop ?? 0)) stopFollowing(span.start);
  };

  const scrollHandlers = {
    onScroll,
    onWheel: (event: React.WheelEvent) => {
      noteUserScroll();
      leaveTailOn({ deltaY: event.deltaY, ctrlKey: event.ctrlKey, shiftKey: event.shiftKey });
    },
    onTouchMove: noteUserScroll,
    // A press on the viewport itself, not on a row, is on its scrollbar.
    onPointerDown: (event: React.PointerEvent) => {
      pointerOnScrollbar.current = event.target === event.currentTarget;
    },
    onPointerUp: () => {
      pointerOnScrollbar.current = false;
    },
    onPointerCancel: () => {
      pointerOnScrollbar.current = false;
    },
    // A scrollbar drag may end where the page cannot see it: a move with no button down ends it.
    onPointerMove: (event: React.PointerEvent) => {
      if (event.buttons === 0) pointerOnScrollbar.current = false;
    },
  };

  /** For the list's keydown handler: keys that scroll count as the person scrolling. */
  const noteKey = (key: string) => {
    if (!SCROLL_KEYS.has(key)) return;
    noteUserScroll();
    leaveTailOn({ key });
  };

  const newCount = follow || pausedAfterSeq === null ? 0 : rows.length - lowerBound(rows, store.indexOfSeq(pausedAfterSeq) + 1);

  return { follow, following, span, stopFollowing, resume, scrollHandlers, noteKey, lastInput, inputHeld, newCount };
}
