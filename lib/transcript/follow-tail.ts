/**
 * The arithmetic of a list that follows its newest row (the lanes' entry list): where the
 * bottom is, and what a scroll event means for following. No DOM here; the list reads the
 * numbers from its viewport and its virtualizer.
 */

/** Within this many pixels of the bottom, the list follows new entries. */
export const FOLLOW_THRESHOLD_PX = 24;

/** The scroll offset that puts the end of the content at the bottom of the viewport. */
export function tailOffset(contentHeight: number, viewportHeight: number): number {
  return Math.max(0, contentHeight - viewportHeight);
}

/**
 * Whether two scroll offsets are the same position. A scrollTop read back can differ from the
 * one computed from sizes by a fraction of a pixel (the viewport's height is not whole).
 */
export function isSameOffset(a: number | null, b: number | null): boolean {
  return a !== null && b !== null && Math.abs(a - b) < 1;
}

export interface ScrollReading {
  /** Whether the list follows new entries now. */
  following: boolean;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  /** scrollTop at the previous scroll event. */
  previousScrollTop: number;
  /** Whether the window of rows laid out reaches the newest row. */
  windowAtEnd: boolean;
  /** A wheel, touch, scrolling key or scrollbar drag came just before: the person scrolls. */
  byUser: boolean;
}

/**
 * What a scroll event means: the person scrolled up, away from the bottom ("stop"), came back
 * to it ("resume"), or nothing changes. Only the person stops following: the list's own
 * writes (the bottom moving up when the window drops old rows, rows measured) also move it.
 */
export function followAfterScroll(reading: ScrollReading): "stop" | "resume" | null {
  const atTail = reading.windowAtEnd && reading.scrollHeight - reading.scrollTop - reading.clientHeight <= FOLLOW_THRESHOLD_PX;
  if (reading.following) return reading.byUser && reading.scrollTop < reading.previousScrollTop && !atTail ? "stop" : null;
  return atTail ? "resume" : null;
}

/** Keys that scroll a list up when it, or a row in it, has the focus. */
const UP_KEYS = new Set(["PageUp", "Home", "ArrowUp"]);

/**
 * Whether the person's wheel turn or key leaves the bottom at once, before its scroll event:
 * a turn or key up, on a list that can scroll up. A busy main thread (a reconnect's backlog
 * rendered) can deliver that scroll event later than INPUT_HOLD_MS after the input, when it no
 * longer reads as the person's; the input itself says where they are going.
 */
export function leavesTail(input: WheelInput | { key: string }, scrollTop: number): boolean {
  if (scrollTop <= 0) return false;
  // With Ctrl a wheel or a touchpad pinch zooms, and with Shift it scrolls sideways: neither moves up the rows.
  if ("deltaY" in input) return input.deltaY < 0 && !input.ctrlKey && !input.shiftKey;
  return UP_KEYS.has(input.key);
}

export interface WheelInput {
  deltaY: number;
  ctrlKey: boolean;
  shiftKey: boolean;
}

/**
 * How long after the person's wheel, touch or scrolling key their scroll may still be on its
 * way: a scroll event in this time is theirs, and the list leaves the bottom alone meanwhile.
 */
export const INPUT_HOLD_MS = 300;

export interface TailWriteReading {
  /** Asked for: a new run of rows, the jump back to the newest. */
  forced: boolean;
  /** The rows' total height changed since the last write. */
  moved: boolean;
  /** Milliseconds since the person's last wheel, touch or scrolling key. */
  sinceInputMs: number;
  /** The person holds the scrollbar. */
  dragging: boolean;
}

/** Whether the person's scroll may still be on its way (see INPUT_HOLD_MS). */
export function isInputHeld(sinceInputMs: number, dragging: boolean): boolean {
  return dragging || sinceInputMs < INPUT_HOLD_MS;
}

/**
 * What a commit does while following: put the view at the bottom ("write"), nothing ("skip"),
 * or nothing until the hold ends ("hold"). Right after a wheel turn its scroll event is still to
 * come; a write between them would put the view back at the bottom, and the event would then
 * read no move up, so the person could not scroll away from a flood.
 */
export function tailWrite(reading: TailWriteReading): "write" | "skip" | "hold" {
  if (reading.forced) return "write";
  if (!reading.moved) return "skip";
  return isInputHeld(reading.sinceInputMs, reading.dragging) ? "hold" : "write";
}
