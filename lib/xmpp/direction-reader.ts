import { StreamFramer, type Frame, type FramerOptions } from "./framing";
import { Utf8StreamDecoder, type InvalidSequence } from "./utf8-stream-decoder";
import { IllegalCharScan, findIllegalXmlChar } from "../xml/xml-chars";
import {
  CLIENT_STREAM_CONTEXT,
  contextFromHeader,
  parseElement,
  parseStreamHeader,
  startElementParse,
  startStreamHeaderParse,
  type IncrementalParse,
  type NamespaceContext,
} from "../xml/parse-element";
import { classify } from "./classify";
import type { EntryKind, InvalidBytes, TranscriptEntry } from "./entry";

export type FrameDescription = Pick<TranscriptEntry, "kind" | "name" | "ns" | "attrs" | "error" | "violation" | "invalidBytes">;

/** A frame with the bytes inside it that were not UTF-8, at indexes into its raw text. */
export type ReadFrame = Frame & {
  invalidBytes?: InvalidBytes[];
  firstInvalidByte?: number;
  /** What describe() says of it, worked out when it was read. */
  description?: FrameDescription;
  /** The stream's namespaces once it was read, which the redactor reads it in. */
  namespaces?: NamespaceContext;
};

/** A frame push() completed: already described, in the namespaces of the stream it was read in. */
export type DescribedFrame = ReadFrame & { description: FrameDescription };

const STREAM_NAMES = { in: "the server's stream", out: "your stream" } as const;

/**
 * The frame still arriving, parsed as its text comes (walk-xml.ts, XmlWalk): when it
 * completes, only its last piece is left to parse, so no turn of the event loop pays for
 * a whole large element at once.
 */
interface ParseAhead {
  /** Where the frame starts, in the direction's text. */
  start: number;
  /** Characters of it parsed so far. */
  fed: number;
  kind: "element" | "stream-open";
  parse: IncrementalParse;
  illegal: IllegalCharScan;
}

/** Enough of a frame's start to tell an element from a stream header by its name. */
const LOOK_AHEAD = 40;
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const DECLARATION = /^<\?xml[ \t\r\n?]/;

/**
 * One direction of a transcript: bytes to text (UTF-8, split characters kept whole, bytes
 * that are not UTF-8 kept track of), text to frames, each frame described for its entry.
 */
export class DirectionReader {
  private readonly decoder = new Utf8StreamDecoder();
  private readonly framer: StreamFramer;
  private context: NamespaceContext = CLIENT_STREAM_CONTEXT;
  /** Invalid byte sequences whose frame is not complete yet, at offsets into the text so far. */
  private invalid: InvalidSequence[] = [];
  /** Characters of text pushed so far, and where the next frame starts in it. */
  private textSeen = 0;
  private frameStart = 0;
  private ahead: ParseAhead | null = null;
  /** The pending frame's text while too little of it came to tell what it is. */
  private undecided = "";
  /** Where a pending frame starts that is not parsed ahead (not an element). */
  private declined = -1;

  /**
   * @param wholeWrites each push is one write, whole by intent (our own side of the stream):
   * what of it does not complete an element is a frame at once, not when more bytes come.
   */
  constructor(
    private readonly dir: "in" | "out",
    options: FramerOptions,
    private readonly wholeWrites = false,
  ) {
    this.framer = new StreamFramer(options);
  }

  /** The namespaces the stream header set up, which the redactor reads its frames in. */
  get namespaces(): NamespaceContext {
    return this.context;
  }

  push(data: Uint8Array | string): DescribedFrame[] {
    if (typeof data === "string") return this.frame(data);
    const decoded = this.decoder.decode(data);
    return this.frame(decoded.text, decoded.invalid);
  }

  end(): ReadFrame[] {
    const rest = this.decoder.end();
    const frames = this.frame(rest.text, rest.invalid);
    this.ahead = null;
    return [...frames, ...this.attach(this.framer.end())];
  }

  private frame(text: string, invalid: readonly InvalidSequence[] = []): DescribedFrame[] {
    for (const sequence of invalid) this.invalid.push({ ...sequence, textOffset: this.textSeen + sequence.textOffset });
    const chunkStart = this.textSeen;
    this.textSeen += text.length;
    const framed = this.framer.push(text);
    if (this.wholeWrites) framed.push(...this.framer.endWrite());
    let start = this.frameStart;
    const frames: DescribedFrame[] = [];
    // Described now, in order: a stream header changes the namespaces of what follows it.
    for (const frame of this.attach(framed)) {
      const ahead = this.ahead !== null && this.ahead.start === start ? this.ahead : undefined;
      if (ahead !== undefined) this.feed(ahead, text.slice(ahead.start + ahead.fed - chunkStart, start + frame.raw.length - chunkStart));
      this.ahead = null;
      frames.push(Object.assign(frame, { description: this.describeFrame(frame, ahead), namespaces: this.context }));
      start += frame.raw.length;
    }
    this.lookAhead(text, chunkStart);
    return frames;
  }

  /** Starts or continues parsing the frame that has begun but not ended. */
  private lookAhead(text: string, chunkStart: number): void {
    const start = this.frameStart;
    if (start === this.textSeen) {
      this.undecided = "";
      return;
    }
    if (this.ahead !== null) {
      this.feed(this.ahead, text.slice(this.ahead.start + this.ahead.fed - chunkStart));
      return;
    }
    if (this.declined === start) return;
    // All of the pending text: it began in this chunk, or what began earlier was too short to tell.
    const pending = start >= chunkStart ? text.slice(start - chunkStart) : this.undecided + text;
    // Not all of the pending text at hand (a frame was cut inside an earlier read): it is parsed whole once complete.
    const kind = pending.length === this.textSeen - start ? frameKindAhead(pending.slice(0, LOOK_AHEAD)) : "none";
    this.undecided = kind === "wait" ? pending : "";
    if (kind === "wait") return;
    if (kind === "none") {
      this.declined = start;
      return;
    }
    this.ahead = { start, fed: 0, kind, parse: kind === "element" ? startElementParse(this.context) : startStreamHeaderParse(), illegal: new IllegalCharScan() };
    this.feed(this.ahead, pending);
  }

  private feed(ahead: ParseAhead, piece: string): void {
    ahead.parse.write(piece);
    ahead.illegal.write(piece);
    ahead.fed += piece.length;
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
    return frame.description ?? this.describeFrame(frame);
  }

  /** With `ahead`, the frame's text was parsed as it arrived; what is left of the parse is its end. */
  private describeFrame(frame: ReadFrame, arrived?: ParseAhead): FrameDescription {
    // Parsed ahead as what it turned out to be, and all of it (not the rest of an earlier write).
    const ahead = arrived !== undefined && arrived.kind === frame.kind && arrived.fed === frame.raw.length && frame.continues === undefined ? arrived : undefined;
    if (frame.invalidBytes !== undefined) {
      return { kind: "malformed", error: notUtf8Message(frame, STREAM_NAMES[this.dir]), violation: "unsupported-encoding", invalidBytes: frame.invalidBytes };
    }
    if (frame.kind !== "whitespace") {
      const illegal = ahead !== undefined ? ahead.illegal.end() : findIllegalXmlChar(frame.raw);
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
        const header = ahead !== undefined ? ahead.parse.finish(frame.raw) : parseStreamHeader(frame.raw);
        if (!header.ok) return { kind: "malformed", error: header.error, violation: "not-well-formed" };
        this.context = contextFromHeader(header.element);
        return describeClassified(header.element);
      }
      case "element": {
        const parsed = ahead !== undefined ? ahead.parse.finish(frame.raw) : parseElement(frame.raw, this.context);
        if (!parsed.ok) return { kind: "malformed", error: parsed.error, violation: "not-well-formed" };
        return describeClassified(parsed.element);
      }
    }
  }
}

/**
 * What the pending text at stream level will be framed as, from its start: an element, a
 * stream header (or the XML declaration before one), something else, or too short to tell.
 * A wrong guess costs nothing but time: the frame is then parsed whole (describeFrame).
 */
function frameKindAhead(head: string): ParseAhead["kind"] | "none" | "wait" {
  if (head.startsWith("<?")) {
    if (head.length < 6) return "<?xml".startsWith(head.slice(0, 5)) ? "wait" : "none";
    return DECLARATION.test(head) ? "stream-open" : "none";
  }
  if (head.length < 2) return head === "<" ? "wait" : "none";
  if (!head.startsWith("<") || !NAME_START.test(head[1]!)) return "none";
  const name = /^<([^\s/>]*)/.exec(head)![1]!;
  if (name.length === head.length - 1) return head.length < LOOK_AHEAD ? "wait" : "element";
  return name === "stream:stream" || name === "stream" ? "stream-open" : "element";
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
