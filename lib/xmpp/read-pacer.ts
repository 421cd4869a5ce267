/**
 * Bounded work per turn of the event loop for what one connection reads, so one busy
 * session cannot hold up every other session of the bridge.
 *
 * libuv reads a socket up to 32 times 64 KB in one go while data keeps coming, and each
 * read runs the whole chain (decode, frame, parse, record, the client library's parser)
 * before any other socket is served: a server sending 900 KB stanzas raised another
 * session's ping p95 from 3.5 to 200 ms. Here a large read is cut into pieces, a turn
 * handles pieces for at most TURN_BUDGET_MS, and the rest waits for the next turn
 * (setImmediate, after the other sockets' events) with the socket paused, so what waits
 * stays bounded. Small reads, the normal case, are handed on at once, as before.
 */

export interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

/**
 * A piece's size. Our own work on a piece (decode, frame, parse ahead, record) grows with
 * its length; the client library's parser (ltx 3) pays for each write with the length of
 * the text node it is in, plus the square of the write's length when the write holds no
 * "<": for a 900 KB body it costs least in total with writes of 16 KB (measured 1 K: 6.6 s,
 * 4 K: 1.6 s, 16 K: 0.43 s, 64 K: 0.56 s, 256 K: 2.8 s, on a loaded machine).
 */
export const PIECE_LENGTH = 16 * 1024;
/** How long one connection's reads may run in one turn of the event loop. */
export const TURN_BUDGET_MS = 1;

export class ReadPacer {
  private readonly queue: (Buffer | string)[] = [];
  private paused: Pausable | null = null;
  private scheduled: NodeJS.Immediate | null = null;

  /**
   * @param deliver takes each piece, in order
   * @param source the stream to pause while pieces wait (looked up when needed: a STARTTLS
   * upgrade replaces it); null when it cannot be paused
   */
  constructor(
    private readonly deliver: (piece: Buffer | string) => void,
    private readonly source: () => Pausable | null,
  ) {}

  /** Pieces still waiting for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  take(data: Buffer | string): void {
    if (this.queue.length === 0 && this.scheduled === null && data.length <= PIECE_LENGTH) {
      this.deliver(data);
      return;
    }
    this.queue.push(...pieces(data));
    if (this.scheduled === null) this.drain();
  }

  /**
   * Hands on everything waiting now (the connection is going, or changing hands), to `to` if
   * given (the library no longer takes data once its socket closed). The socket flows again,
   * unless `resume` is false: a socket a TLS upgrade takes over stays paused for it.
   */
  flush(to: (piece: Buffer | string) => void = this.deliver, resume = true): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
    for (let piece = this.queue.shift(); piece !== undefined; piece = this.queue.shift()) to(piece);
    if (resume) this.release();
    else this.paused = null;
  }

  private drain(): void {
    this.scheduled = null;
    const started = performance.now();
    for (let piece = this.queue.shift(); piece !== undefined; piece = this.queue.shift()) {
      this.deliver(piece);
      if (performance.now() - started >= TURN_BUDGET_MS) break;
    }
    if (this.queue.length === 0) {
      this.release();
      return;
    }
    if (this.paused === null) {
      this.paused = this.source();
      this.paused?.pause();
    }
    this.scheduled = setImmediate(() => this.drain());
  }

  private release(): void {
    const paused = this.paused;
    this.paused = null;
    paused?.resume();
  }
}

/** `data` in pieces of at most PIECE_LENGTH, never cutting a UTF-8 sequence or a surrogate pair. */
export function pieces(data: Buffer | string): (Buffer | string)[] {
  const result: (Buffer | string)[] = [];
  let from = 0;
  while (data.length - from > PIECE_LENGTH) {
    let to = from + PIECE_LENGTH;
    if (typeof data === "string") {
      const unit = data.charCodeAt(to - 1);
      if (unit >= 0xd800 && unit <= 0xdbff) to--;
    } else {
      // Back up over continuation bytes (10xxxxxx) to the start of their sequence.
      for (let back = 0; back < 3 && (data[to]! & 0xc0) === 0x80; back++) to--;
    }
    result.push(typeof data === "string" ? data.slice(from, to) : data.subarray(from, to));
    from = to;
  }
  result.push(from === 0 ? data : typeof data === "string" ? data.slice(from) : data.subarray(from));
  return result;
}
