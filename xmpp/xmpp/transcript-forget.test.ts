import { describe, expect, it } from "vitest";
import { Transcript } from "./transcript";

describe("Transcript.forgetThrough", () => {
  function withEvents(count: number): Transcript {
    const transcript = new Transcript();
    for (let i = 1; i <= count; i++) transcript.recordEvent(`event ${i}`);
    return transcript;
  }

  it("drops what a tab stored, keeps numbering, and serves the rest by seq", () => {
    const transcript = withEvents(10);
    transcript.forgetThrough(6);
    expect(transcript.size).toBe(4);
    expect(transcript.lastSeq).toBe(10);
    expect(transcript.since(6).map((entry) => entry.seq)).toEqual([7, 8, 9, 10]);
    expect(transcript.since(8).map((entry) => entry.seq)).toEqual([9, 10]);
    // A tab that asks for more than is held gets what is held, from the first kept seq.
    expect(transcript.since(0).map((entry) => entry.seq)).toEqual([7, 8, 9, 10]);
    expect(transcript.recordEvent("event 11").seq).toBe(11);
    expect(transcript.since(10).map((entry) => entry.raw)).toEqual(["event 11"]);
  });

  it("never forgets beyond what exists, and an older ack changes nothing", () => {
    const transcript = withEvents(3);
    transcript.forgetThrough(99);
    expect(transcript.size).toBe(0);
    expect(transcript.lastSeq).toBe(3);
    transcript.forgetThrough(1);
    expect(transcript.recordEvent("next").seq).toBe(4);
    expect(transcript.since(3).map((entry) => entry.seq)).toEqual([4]);
  });
});
