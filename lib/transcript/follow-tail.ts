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
