import { describe, expect, it } from "vitest";
import { FOLLOW_THRESHOLD_PX, INPUT_HOLD_MS, followAfterScroll, leavesTail, isInputHeld, isSameOffset, tailOffset, tailWrite, type ScrollReading, type TailWriteReading } from "./follow-tail";

describe("tailOffset", () => {
  it("puts the end of the content at the bottom of the viewport", () => {
    expect(tailOffset(5000, 600)).toBe(4400);
  });

  it("is 0 when the content fits", () => {
    expect(tailOffset(400, 600)).toBe(0);
    expect(tailOffset(600, 600)).toBe(0);
  });
});

describe("isSameOffset", () => {
  it("takes offsets less than a pixel apart for the same", () => {
    expect(isSameOffset(4400, 4400)).toBe(true);
    expect(isSameOffset(4399.6, 4400)).toBe(true);
  });

  it("does not otherwise, nor when either is unknown", () => {
    expect(isSameOffset(4399, 4400)).toBe(false);
    expect(isSameOffset(4400, 4300)).toBe(false);
    expect(isSameOffset(null, 4400)).toBe(false);
    expect(isSameOffset(0, null)).toBe(false);
  });
});

describe("followAfterScroll", () => {
  // 10,000 px of rows in a 600 px viewport: the bottom is at 9,400.
  const reading = (change: Partial<ScrollReading>): ScrollReading => ({
    following: true,
    scrollTop: 9400,
    scrollHeight: 10_000,
    clientHeight: 600,
    previousScrollTop: 9400,
    windowAtEnd: true,
    byUser: false,
    ...change,
  });

  it("stops when the person scrolls up, away from the bottom", () => {
    expect(followAfterScroll(reading({ scrollTop: 8000, byUser: true }))).toBe("stop");
  });

  it("keeps following a move up that stays within the threshold of the bottom", () => {
    expect(followAfterScroll(reading({ scrollTop: 9400 - FOLLOW_THRESHOLD_PX, byUser: true }))).toBeNull();
    expect(followAfterScroll(reading({ scrollTop: 9400 - FOLLOW_THRESHOLD_PX - 1, byUser: true }))).toBe("stop");
  });

  it("keeps following the list's own moves: a move up nobody asked for, or a move down", () => {
    // The window dropped old rows: the bottom, and the list with it, moved up.
    expect(followAfterScroll(reading({ scrollTop: 3000, scrollHeight: 3600, previousScrollTop: 9400 }))).toBeNull();
    expect(followAfterScroll(reading({ scrollTop: 5000, byUser: false }))).toBeNull();
    expect(followAfterScroll(reading({ scrollTop: 9400, previousScrollTop: 8000, byUser: true }))).toBeNull();
  });

  it("stops on a move up by the person even where the window does not reach the newest row", () => {
    expect(followAfterScroll(reading({ scrollTop: 9300, windowAtEnd: false, byUser: true }))).toBe("stop");
  });

  it("resumes at the bottom of a window that reaches the newest row", () => {
    expect(followAfterScroll(reading({ following: false, scrollTop: 9400 - FOLLOW_THRESHOLD_PX }))).toBe("resume");
    expect(followAfterScroll(reading({ following: false, scrollTop: 9000 }))).toBeNull();
    expect(followAfterScroll(reading({ following: false, windowAtEnd: false }))).toBeNull();
  });
});

describe("tailWrite", () => {
  const reading = (change: Partial<TailWriteReading>): TailWriteReading => ({ forced: false, moved: true, sinceInputMs: 5000, dragging: false, ...change });

  it("goes to the bottom when the rows moved it and the person is not scrolling", () => {
    expect(tailWrite(reading({}))).toBe("write");
    expect(tailWrite(reading({ sinceInputMs: INPUT_HOLD_MS }))).toBe("write");
  });

  it("does nothing on a commit that did not move the bottom", () => {
    expect(tailWrite(reading({ moved: false }))).toBe("skip");
    expect(tailWrite(reading({ moved: false, sinceInputMs: 10 }))).toBe("skip");
  });

  it("holds the write just after a wheel turn or key, and during a scrollbar drag", () => {
    expect(tailWrite(reading({ sinceInputMs: 0 }))).toBe("hold");
    expect(tailWrite(reading({ sinceInputMs: INPUT_HOLD_MS - 1 }))).toBe("hold");
    expect(tailWrite(reading({ dragging: true }))).toBe("hold");
  });

  it("writes when asked to, whatever the person did just before (the jump back to the newest)", () => {
    expect(tailWrite(reading({ forced: true, sinceInputMs: 0, dragging: true }))).toBe("write");
    expect(tailWrite(reading({ forced: true, moved: false }))).toBe("write");
  });
});

describe("isInputHeld", () => {
  it("holds for INPUT_HOLD_MS after the input, and for as long as a drag lasts", () => {
    expect(isInputHeld(0, false)).toBe(true);
    expect(isInputHeld(INPUT_HOLD_MS - 1, false)).toBe(true);
    expect(isInputHeld(INPUT_HOLD_MS, false)).toBe(false);
    expect(isInputHeld(Number.POSITIVE_INFINITY, true)).toBe(true);
  });
});

describe("leavesTail", () => {
  const wheel = (deltaY: number, keys: { ctrlKey?: boolean; shiftKey?: boolean } = {}) => ({ deltaY, ctrlKey: false, shiftKey: false, ...keys });

  it("a wheel turn up leaves the bottom of a list that can scroll up", () => {
    expect(leavesTail(wheel(-100), 9400)).toBe(true);
    expect(leavesTail(wheel(-1), 1)).toBe(true);
  });

  it("a turn down, a sideways turn, or a list already at its top stays", () => {
    expect(leavesTail(wheel(100), 9400)).toBe(false);
    expect(leavesTail(wheel(0), 9400)).toBe(false);
    expect(leavesTail(wheel(-100), 0)).toBe(false);
  });

  it("a zoom (Ctrl, or a touchpad pinch) or a Shift turn sideways stays", () => {
    expect(leavesTail(wheel(-100, { ctrlKey: true }), 9400)).toBe(false);
    expect(leavesTail(wheel(-100, { shiftKey: true }), 9400)).toBe(false);
  });

  it("PageUp, Home and ArrowUp leave it; keys down, and other keys, do not", () => {
    for (const key of ["PageUp", "Home", "ArrowUp"]) expect(leavesTail({ key }, 9400), key).toBe(true);
    for (const key of ["PageDown", "End", "ArrowDown", " ", "Enter", "c"]) expect(leavesTail({ key }, 9400), key).toBe(false);
    expect(leavesTail({ key: "PageUp" }, 0)).toBe(false);
  });
});
