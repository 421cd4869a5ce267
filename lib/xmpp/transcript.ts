import type { FramerOptions } from "./framing";
import { DirectionReader, type DescribedFrame, type ReadFrame } from "./direction-reader";
import { redactContinuation, redactXml } from "./redaction";
import type { NamespaceContext } from "../xml/parse-element";
import { IqPairing } from "./iq-pairing";
import { UNANSWERED, type TranscriptEntry } from "./entry";
import type { EventCode } from "./event-codes";

export interface TranscriptOptions {
  /** High-resolution clock in milliseconds; injectable for tests. */
  now?: () => number;
  /** The longest top-level element kept whole (characters); a longer one is cut off as malformed. */
  maxFrameLength?: number;
  /** Appended to the message about an element over that length: which setting raises it. */
  limitHint?: string;
  /**
   * Each `record("out", ...)` is one write of ours, whole by intent (the default): what of
   * it does not complete an element is recorded at once, as malformed, with the write. False
   * for outgoing text that is a stream rather than writes (a stream file, a lint check).
   */
  writesAreWhole?: boolean;
}


type Listener = (entry: TranscriptEntry) => void;

/**
 * Everything that crossed one connection, recorded once at the socket: each direction
 * is framed into top-level elements, classified, paired and redacted, then numbered.
 */
export class Transcript {
  private readonly entries: TranscriptEntry[] = [];
  /** Unmasked text of redacted entries, by seq; handed out only on an explicit reveal. */
  private readonly secrets = new Map<number, string>();
  private readonly listeners = new Set<Listener>();
  private readonly recordedListeners = new Set<(dir: "in" | "out") => void>();
  private readonly pairing = new IqPairing();
  private readonly readers: Record<"in" | "out", DirectionReader>;
  private readonly now: () => number;
  private readonly startedAt: number;
  private nextSeq = 1;
  /** Entries already handed over for good (forgetThrough); the held ones start after them. */
  private forgotten = 0;
  private readonly flaggedRequests = new Set<number>();
  private readonly notifyQueue: TranscriptEntry[] = [];
  private notifying = false;
  private readonly framing: FramerOptions;
  private readonly writesAreWhole: boolean;

  constructor(options: TranscriptOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.framing = {
      ...(options.maxFrameLength === undefined ? {} : { maxFrameLength: options.maxFrameLength }),
      ...(options.limitHint === undefined ? {} : { limitHint: options.limitHint }),
    };
    this.writesAreWhole = options.writesAreWhole ?? true;
    this.readers = { in: this.newReader("in"), out: this.newReader("out") };
  }

  private newReader(dir: "in" | "out"): DirectionReader {
    return new DirectionReader(dir, this.framing, dir === "out" && this.writesAreWhole);
  }

  /**
   * Records bytes (or already decoded text) that crossed the wire in one direction, now:
   * each entry's `at` is when the bytes that completed it were recorded.
   * `auto`: the client library wrote them on its own (TranscriptEntry.auto).
   * Returns the frames the bytes completed, unmasked and described: a caller that acts on
   * them (the proxy forwards them) reads each element once, here.
   */
  record(dir: "in" | "out", data: Uint8Array | string, auto = false): DescribedFrame[] {
    const frames = this.recordQuietly(dir, data, auto);
    this.announce(dir);
    return frames;
  }

  /**
   * As `record`, without telling the onRecorded listeners yet: a caller that forwards the
   * frames (the proxy) does so first, then calls `announce`, so a tab's message about them is
   * not on the way between the two peers.
   */
  recordQuietly(dir: "in" | "out", data: Uint8Array | string, auto = false): DescribedFrame[] {
    const frames = this.readers[dir].push(data);
    for (const frame of frames) this.add(dir, frame, auto);
    return frames;
  }

  /** Tells the onRecorded listeners that what one read or write completed is recorded. */
  announce(dir: "in" | "out"): void {
    for (const listener of this.recordedListeners) listener(dir);
  }

  /**
   * Runs after each record(): the entries one read or one write completed are all there, so a
   * listener can hand them on as one batch now, before anything else handles those bytes.
   */
  onRecorded(listener: (dir: "in" | "out") => void): () => void {
    this.recordedListeners.add(listener);
    return () => this.recordedListeners.delete(listener);
  }

  /**
   * Text the person injected into one direction (proxy mode), marked as such. Framed on its
   * own: the side's own reader may hold half an element of what the peer is writing.
   */
  recordInjected(dir: "in" | "out", text: string): void {
    const reader = new DirectionReader(dir, this.framing, true);
    for (const frame of [...reader.push(text), ...reader.end()]) this.add(dir, frame, false, reader);
  }

  /** Something about the connection itself, by its code (event-codes.ts) and a sentence for people. */
  recordEvent(code: EventCode, text: string, error?: string): TranscriptEntry {
    const entry = this.append({ dir: "event", code, raw: text, kind: "status", ...(error ? { error } : {}) });
    this.notify(entry);
    return entry;
  }

  /** The connection ended: flush what each direction still held, incomplete or not. */
  end(): void {
    for (const dir of ["out", "in"] as const) {
      for (const frame of this.readers[dir].end()) this.add(dir, frame);
    }
  }

  /** The framer must start over, as after a TLS upgrade on a raw socket. */
  resetDirection(dir: "in" | "out"): void {
    for (const frame of this.readers[dir].end()) this.add(dir, frame);
    this.readers[dir] = this.newReader(dir);
  }

  onEntry(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Entries with seq greater than `seq`, for a view that reattaches after a gap. */
  since(seq: number, limit = Infinity): TranscriptEntry[] {
    // seq starts at 1 and increases by one, so the index is seq minus what was forgotten.
    const start = Math.max(0, seq - this.forgotten);
    return this.entries.slice(start, start + limit);
  }

  /**
   * Drops the entries up to `seq` from memory: whoever holds them now (the page, which
   * stored them) needs them no more from here. Numbering goes on; `since` starts after them.
   */
  forgetThrough(seq: number): void {
    const count = Math.min(seq, this.lastSeq) - this.forgotten;
    if (count <= 0) return;
    this.entries.splice(0, count);
    this.forgotten += count;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /**
   * Flags, once each, the iq requests older than `timeoutMs` that nothing answered yet,
   * with an event entry whose `pair` names the request.
   */
  flagUnanswered(timeoutMs: number): TranscriptEntry[] {
    const now = this.elapsed();
    const flagged: TranscriptEntry[] = [];
    for (const request of this.pairing.unanswered()) {
      if (now - request.at < timeoutMs || this.flaggedRequests.has(request.seq)) continue;
      this.flaggedRequests.add(request.seq);
      const event = this.append({
        dir: "event",
        code: "unanswered",
        raw: `no answer to iq #${request.seq} (id ${request.id}) after ${Math.round(timeoutMs / 1000)} s`,
        kind: "status",
        error: UNANSWERED,
        pair: request.seq,
      });
      this.notify(event);
      flagged.push(event);
    }
    return flagged;
  }

  /** Entries held in memory (all of them, unless some were forgotten). */
  get size(): number {
    return this.entries.length;
  }

  /** The unmasked text of every redacted entry, by seq. */
  revealSecrets(): Map<number, string> {
    return new Map(this.secrets);
  }

  private add(dir: "in" | "out", frame: ReadFrame, auto = false, injectedBy?: DirectionReader): void {
    const reader = injectedBy ?? this.readers[dir];
    const parsed = reader.describe(frame);
    const entry = this.append({ dir, raw: frame.raw, ...parsed, ...(auto ? { auto } : {}), ...(injectedBy ? { injected: true } : {}) });
    const masked = maskSecrets(entry, frame.namespaces ?? reader.namespaces, frame.continues);
    if (masked !== entry.raw) {
      this.secrets.set(entry.seq, entry.raw);
      entry.raw = masked;
      entry.redacted = true;
    }
    this.pairing.observe(entry);
    this.notify(entry);
  }

  /**
   * Listeners may record (an event about an entry, say); queueing keeps every listener
   * seeing entries in seq order even then.
   */
  private elapsed(): number {
    return Math.round((this.now() - this.startedAt) * 1000) / 1000;
  }

  private notify(entry: TranscriptEntry): void {
    this.notifyQueue.push(entry);
    if (this.notifying) return;
    this.notifying = true;
    try {
      for (let next = this.notifyQueue.shift(); next !== undefined; next = this.notifyQueue.shift()) {
        for (const listener of this.listeners) listener(next);
      }
    } finally {
      this.notifying = false;
    }
  }

  private append(fields: Omit<TranscriptEntry, "seq" | "at" | "wall">): TranscriptEntry {
    const entry: TranscriptEntry = {
      seq: this.nextSeq++,
      at: this.elapsed(),
      wall: Date.now(),
      ...fields,
    };
    this.entries.push(entry);
    return entry;
  }
}

/**
 * The entry's text with credentials masked, or as it was. Every wire entry goes through
 * the one redactor, whatever its kind: a password can ride in an iq, a presence (a room
 * password) or a frame that did not parse; the redactor decides by namespace.
 */
function maskSecrets(entry: TranscriptEntry, context: NamespaceContext, continues: string | undefined): string {
  if (entry.dir === "event" || entry.kind === "whitespace") return entry.raw;
  return continues === undefined ? redactXml(entry.raw, context) : redactContinuation(continues, entry.raw, context);
}
