import { StreamFramer, type Frame, type FramerOptions } from "./framing";
import { Utf8StreamDecoder, type InvalidSequence } from "./utf8-stream-decoder";
import { findIllegalXmlChar } from "../xml/xml-chars";
import { CLIENT_STREAM_CONTEXT, contextFromHeader, parseElement, parseStreamHeader, type NamespaceContext } from "../xml/parse-element";
import { classify } from "./classify";
import { isSecretSaslElement, maskElementContent, maskIqPasswords } from "./redaction";
import { IqPairing } from "./iq-pairing";
import type { EntryKind, InvalidBytes, TranscriptEntry } from "./entry";

export interface TranscriptOptions {
  /** High-resolution clock in milliseconds; injectable for tests. */
  now?: () => number;
  /** The longest top-level element kept whole (characters); a longer one is cut off as malformed. */
  maxFrameLength?: number;
  /** Appended to the message about an element over that length: which setting raises it. */
  limitHint?: string;
}

/** An iq get or set that had no result or error within the timeout (RFC 6120 section 8.2.3). */
export const UNANSWERED = "unanswered";

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
  private readonly pairing = new IqPairing();
  private readonly readers: Record<"in" | "out", DirectionReader>;
  private readonly now: () => number;
  private readonly startedAt: number;
  private nextSeq = 1;
  private readonly flaggedRequests = new Set<number>();
  private readonly notifyQueue: TranscriptEntry[] = [];
  private notifying = false;
  private readonly framing: FramerOptions;

  constructor(options: TranscriptOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.framing = {
      ...(options.maxFrameLength === undefined ? {} : { maxFrameLength: options.maxFrameLength }),
      ...(options.limitHint === undefined ? {} : { limitHint: options.limitHint }),
    };
    this.readers = { in: new DirectionReader("in", this.framing), out: new DirectionReader("out", this.framing) };
  }

  /** Records bytes (or already decoded text) that crossed the wire in one direction. */
  record(dir: "in" | "out", data: Uint8Array | string): void {
    for (const frame of this.readers[dir].push(data)) this.add(dir, frame);
  }

  /** A sentence about the connection itself: connecting, TLS established, closed... */
  recordEvent(text: string, error?: string): TranscriptEntry {
    const entry = this.append({ dir: "event", raw: text, kind: "status", ...(error ? { error } : {}) });
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
    this.readers[dir] = new DirectionReader(dir, this.framing);
  }

  onEntry(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Entries with seq greater than `seq`, for a view that reattaches after a gap. */
  since(seq: number): TranscriptEntry[] {
    // seq starts at 1 and increases by one, so the index is seq itself.
    return this.entries.slice(Math.max(0, seq));
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

  get size(): number {
    return this.entries.length;
  }

  /** The unmasked text of every redacted entry, by seq. */
  revealSecrets(): Map<number, string> {
    return new Map(this.secrets);
  }

  private add(dir: "in" | "out", frame: ReadFrame): void {
    const parsed = this.readers[dir].describe(frame);
    const entry = this.append({ dir, raw: frame.raw, ...parsed });
    const masked = maskSecrets(entry);
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

/** The entry's text with credentials masked (SASL payloads, iq passwords), or as it was. */
function maskSecrets(entry: TranscriptEntry): string {
  if (entry.kind === "sasl" && entry.name !== undefined && isSecretSaslElement(entry.name)) return maskElementContent(entry.raw);
  if (entry.kind === "iq") return maskIqPasswords(entry.raw);
  return entry.raw;
}

type FrameDescription = Pick<TranscriptEntry, "kind" | "name" | "ns" | "attrs" | "error" | "violation" | "invalidBytes">;

/** A frame with the bytes inside it that were not UTF-8, at indexes into its raw text. */
type ReadFrame = Frame & { invalidBytes?: InvalidBytes[]; firstInvalidByte?: number };

const STREAM_NAMES = { in: "the server's stream", out: "your stream" } as const;

/** One direction: bytes to text (UTF-8, split characters kept whole), text to frames. */
class DirectionReader {
  private readonly decoder = new Utf8StreamDecoder();
  private readonly framer: StreamFramer;
  private context: NamespaceContext = CLIENT_STREAM_CONTEXT;
  /** Invalid byte sequences whose frame is not complete yet, at offsets into the text so far. */
  private invalid: InvalidSequence[] = [];
  /** Characters of text pushed so far, and where the next frame starts in it. */
  private textSeen = 0;
  private frameStart = 0;

  constructor(private readonly dir: "in" | "out", options: FramerOptions) {
    this.framer = new StreamFramer(options);
  }

  push(data: Uint8Array | string): ReadFrame[] {
    if (typeof data === "string") return this.frame(data);
    const decoded = this.decoder.decode(data);
    return this.frame(decoded.text, decoded.invalid);
  }

  end(): ReadFrame[] {
    const rest = this.decoder.end();
    return [...this.frame(rest.text, rest.invalid), ...this.attach(this.framer.end())];
  }

  private frame(text: string, invalid: readonly InvalidSequence[] = []): ReadFrame[] {
    for (const sequence of invalid) this.invalid.push({ ...sequence, textOffset: this.textSeen + sequence.textOffset });
    this.textSeen += text.length;
    return this.attach(this.framer.push(text));
  }

  /** Hands each frame the invalid sequences that fall inside it. */
  private attach(frames: Frame[]): ReadFrame[] {
    return frames.map((frame) => {
      const start = this.frameStart;
      const end = start + frame.raw.length;
      this.frameStart = end;
      if (this.invalid.length === 0 || this.invalid[0]!.textOffset >= end) return frame;
      const inside = this.invalid.filter((sequence) => sequence.textOffset < end);
      this.invalid = this.invalid.filter((sequence) => sequence.textOffset >= end);
      return { ...frame, invalidBytes: inside.map(({ textOffset, hex }) => ({ at: textOffset - start, hex })), firstInvalidByte: inside[0]!.byteOffset };
    });
  }

  describe(frame: ReadFrame): FrameDescription {
    if (frame.invalidBytes !== undefined) {
      return { kind: "malformed", error: notUtf8Message(frame, STREAM_NAMES[this.dir]), violation: "unsupported-encoding", invalidBytes: frame.invalidBytes };
    }
    if (frame.kind !== "whitespace") {
      const illegal = findIllegalXmlChar(frame.raw);
      if (illegal !== null) return { kind: "malformed", error: illegal.message, violation: "not-well-formed" };
    }
    switch (frame.kind) {
      case "whitespace":
        return { kind: "whitespace" };
      case "malformed":
        // No violation on what a closing connection left unfinished: there is no stream left to answer.
        return { kind: "malformed", error: frame.error ?? "not well-formed", ...(frame.violation ? { violation: frame.violation } : {}) };
      case "stream-close":
        return { kind: "stream-close", name: "stream", ns: "http://etherx.jabber.org/streams" };
      case "stream-open": {
        const header = parseStreamHeader(frame.raw);
        if (!header.ok) return { kind: "malformed", error: header.error, violation: "not-well-formed" };
        this.context = contextFromHeader(header.element);
        return describeClassified(header.element);
      }
      case "element": {
        const parsed = parseElement(frame.raw, this.context);
        if (!parsed.ok) return { kind: "malformed", error: parsed.error, violation: "not-well-formed" };
        return describeClassified(parsed.element);
      }
    }
  }
}

/** RFC 6120 section 11.6: XMPP is UTF-8 only. Says where the bad bytes were and what they were. */
function notUtf8Message(frame: ReadFrame, stream: string): string {
  const sequences = frame.invalidBytes ?? [];
  const first = sequences[0]!;
  const where = `byte offset ${(frame.firstInvalidByte ?? 0).toLocaleString("en-US")} of ${stream}`;
  const count = sequences.length === 1 ? "a byte sequence that is not UTF-8" : `${sequences.length} byte sequences that are not UTF-8, the first`;
  return `${count} at ${where} (${first.hex}), shown as U+FFFD; XMPP streams are UTF-8 only (RFC 6120 section 11.6)`;
}

function describeClassified(element: Parameters<typeof classify>[0]): FrameDescription {
  const { kind, name, ns, attrs, error } = classify(element);
  const description: FrameDescription = { kind: kind as EntryKind, name, ns };
  if (attrs !== undefined) description.attrs = attrs;
  if (error !== undefined) description.error = error;
  return description;
}
