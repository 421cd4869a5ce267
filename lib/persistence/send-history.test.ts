import { describe, expect, it } from "vitest";
import { HISTORY_LIMIT, withLoaded, withSent } from "./send-history";

describe("a pane's send history in the page", () => {
  it("puts a sent text last, moving an earlier copy, and keeps the last HISTORY_LIMIT", () => {
    expect(withSent(["<a/>", "<b/>"], "<a/>")).toEqual(["<b/>", "<a/>"]);
    const full = Array.from({ length: HISTORY_LIMIT }, (_, index) => `<m id='${index}'/>`);
    const next = withSent(full, "<new/>");
    expect(next).toHaveLength(HISTORY_LIMIT);
    expect(next[0]).toBe("<m id='1'/>");
    expect(next.at(-1)).toBe("<new/>");
  });

  it("keeps what was sent while the stored history loaded, after it, newest last", () => {
    expect(withLoaded(["<old1/>", "<old2/>"], ["<h1/>", "<h2/>"])).toEqual(["<old1/>", "<old2/>", "<h1/>", "<h2/>"]);
    // A text sent again moves to the end rather than appearing twice.
    expect(withLoaded(["<h1/>", "<old/>"], ["<h1/>"])).toEqual(["<old/>", "<h1/>"]);
    expect(withLoaded([], [])).toEqual([]);
    expect(withLoaded(["<old/>"], [])).toEqual(["<old/>"]);
  });

  it("keeps the last HISTORY_LIMIT of the two together", () => {
    const loaded = Array.from({ length: HISTORY_LIMIT }, (_, index) => `<stored id='${index}'/>`);
    const merged = withLoaded(loaded, ["<sent/>"]);
    expect(merged).toHaveLength(HISTORY_LIMIT);
    expect(merged[0]).toBe("<stored id='1'/>");
    expect(merged.at(-1)).toBe("<sent/>");
  });
});
