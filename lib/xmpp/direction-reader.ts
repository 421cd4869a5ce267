import { StreamFramer, type Frame, type FramerOptions } from "./framing";
import { Utf8StreamDecoder, type InvalidSequence } from "./utf8-stream-decoder";
import { findIllegalXmlChar } from "../xml/xml-chars";
import { CLIENT_STREAM_CONTEXT, contextFromHeader, parseElement, parseStreamHeader, type NamespaceContext } from "../xml/parse-element";
import { classify } from "./classify";
import type { EntryKind, InvalidBytes, TranscriptEntry } from "./entry";

type FrameDescription = Pick<TranscriptEntry, "kind" | "name" | "ns" | "attrs" | "error" | "violation" | "invalidBytes">;

/** A frame with the bytes inside it that were not UTF-8, at indexes into its raw text. */
export type ReadFrame = Frame & { invalidBytes?: InvalidBytes[]; firstInvalidByte?: number };

const STREAM_NAMES = { in: "the server's stream", out: "your stream" } as const;

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
    const frames = this.framer.push(text);
    if (this.wholeWrites) frames.push(...this.framer.endWrite());
    return this.attach(frames);
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
