import { describe, expect, it } from "vitest";
import { TokenBucket } from "./send-rate";

describe("TokenBucket", () => {
  it("allows a burst, then the steady rate, and says when to retry", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()].every((result) => result.ok)).toBe(true);
    expect(bucket.take()).toEqual({ ok: false, retryInMs: 100 });
    now += 100;
    expect(bucket.take().ok).toBe(true);
    expect(bucket.take().ok).toBe(false);
    // A long quiet spell refills to the burst, no further.
    now += 60_000;
    const taken = Array.from({ length: 5 }, () => bucket.take().ok);
    expect(taken).toEqual([true, true, true, false, false]);
  });
});
