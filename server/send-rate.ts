/**
 * A token bucket: `ratePerSecond` sends a second on average, up to `burst` at once after a
 * quiet spell. Each session has one, so a page (or a script posing as one) cannot flood
 * the XMPP server through the bridge.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.refilledAt = clock();
  }

  /** Takes one token if there is one; otherwise says how long until there will be (ms). */
  take(): { ok: true } | { ok: false; retryInMs: number } {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryInMs: Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000) };
  }
}
