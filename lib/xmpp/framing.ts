/**
 * Splits one direction of an XMPP stream into top-level pieces, keeping the exact text.
 *
 * An XMPP stream is one never-closed XML document (RFC 6120 section 4): the stream
 * header opens it, then stanzas and nonzas follow as its children. Chunks from a socket
 * do not line up with those children, so this scanner keeps just enough lexical state
 * (depth, quotes, comments, CDATA) to find their boundaries as bytes arrive. It does not
 * judge well-formedness inside an element: `parseFrame` (saxes) does that per frame.
 *
 * The invariant every caller relies on: the `raw` of all frames returned, followed by
 * `pending()`, is exactly the text pushed so far. Nothing is dropped, even when broken.
 *
 * When things are cut matters as much as where: whitespace at stream level (a keepalive,
 * RFC 6120 section 4.6.1) is a frame as soon as the chunk carrying it is read, and a
 * writer whose writes are whole by intent (our side of the stream) calls `endWrite` so an
 * unfinished element is recorded with the write that sent it, not with a later one.
 */

export type FrameKind = "stream-open" | "stream-close" | "element" | "whitespace" | "malformed";

/**
 * The stream error a receiving entity answers a malformed frame with (RFC 6120 section
 * 4.9.3): restricted XML (section 11.1), XML that is not well-formed (4.9.3.13), a piece
 * over the receiver's size limit (4.9.3.14), bytes that are not UTF-8 (11.6, 4.9.3.22).
 */
export type StreamViolation = "restricted-xml" | "not-well-formed" | "policy-violation" | "unsupported-encoding";

export interface Frame {
  raw: string;
  kind: FrameKind;
  /** Why the frame is malformed, in words a person can act on. */
  error?: string;
  /** For a malformed frame that breaks the stream's rules: the stream error it calls for. */
  violation?: StreamViolation;
  /**
   * A piece of an element whose start went out with earlier writes: that earlier text, so
   * whoever reads the piece (the redactor) sees it inside its element.
   */
  continues?: string;
}

export interface FramerOptions {
  /** A single top-level element larger than this is cut off as malformed. */
  maxFrameLength?: number;
  /** Appended to the message about an element over the limit: which setting raises it. */
  limitHint?: string;
}

const RESTRICTED = {
  comment: "XML comments are not allowed in XMPP (RFC 6120 section 11.1)",
  instruction: "processing instructions are not allowed in XMPP (RFC 6120 section 11.1)",
  dtd: "\"<!\" may only start a comment or CDATA here: DTDs and entity declarations are not allowed in XMPP (RFC 6120 section 11.1)",
} as const;

type ScanState =
  | "text"
  | "tag-open" // just after "<"
  | "start-tag"
  | "end-tag"
  | "markup-decl" // after "<!", deciding comment, CDATA or DOCTYPE
  | "comment"
  | "cdata"
  | "pi";

const TERMINATORS = { comment: "-->", cdata: "]]>", pi: "?>" } as const;
/** A write ended inside an element: recorded at once, since the write is the sender's whole intent. */
export const incompleteWriteMessage = (name: string) =>
  `this write ends before ${name} is complete: a server waits for the rest, and whatever a later write adds to it is recorded as the rest of ${name}`;
const continuationMessage = (name: string) => `the rest of ${name}, whose start an earlier write sent: together they make one element`;
const STRAY_TEXT = "text outside of any element is not allowed between stanzas";
const LONE_DECLARATION = "an XML declaration on its own: it belongs right before a stream header, in the same write";

const DEFAULT_MAX_FRAME_LENGTH = 10 * 1024 * 1024;
const WHITESPACE = /^[ \t\r\n]*$/;
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;

export class StreamFramer {
  private buffer = "";
  /**
   * The text of the last push, and where it starts in `buffer` (below 0 once frames were cut
   * off the front). `buffer` grows by concatenation, and V8 copies a concatenated string
   * whole on the first read after each append: reading a 900 KB element through it cost
   * 80 ms of copies. The scan reads the new text here instead, so an element costs its length.
   */
  private chunk = "";
  private chunkStart = 0;
  private scanned = 0;
  private state: ScanState = "text";
  private quote: '"' | "'" | null = null;
  private tagStart = 0;
  /** Open elements, counting the stream element itself while a stream is open. */
  private depth = 0;
  private streamOpen = false;
  /** An XML declaration is waiting to become part of the next stream header. */
  private declarationPending = false;
  /** A comment or processing instruction inside the current frame (RFC 6120 section 11.1). */
  private restricted: string | null = null;
  /**
   * Characters at the buffer's start already handed out as a frame (a write that ended inside
   * an element): kept only so the scan still knows the element they began.
   */
  private emitted = 0;
  /** The qualified name of the open stream element, and how many elements inside share it. */
  private streamName = "";
  private innerStreamNamed = 0;
  /** Once framing is impossible, the rest of the direction is recorded as malformed. */
  private broken: { error: string; violation: StreamViolation } | null = null;
  private readonly maxFrameLength: number;
  private readonly limitHint: string;

  constructor(options: FramerOptions = {}) {
    this.maxFrameLength = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    this.limitHint = options.limitHint ?? "";
  }

  /** Feed decoded text; returns every frame completed by it, in order. */
  push(text: string): Frame[] {
    if (this.broken !== null) {
      return text === "" ? [] : [{ raw: text, kind: "malformed", error: this.broken.error, violation: this.broken.violation }];
    }
    this.chunkStart = this.buffer.length;
    this.buffer += text;
    this.chunk = text;
    const frames: Frame[] = [];
    this.scan(frames);
    if (this.broken === null && this.buffer.length > this.maxFrameLength) {
      const limit = this.maxFrameLength.toLocaleString("en-US");
      this.breakOff(frames, `an element is longer than ${limit} characters, the most accepted here${this.limitHint}; the rest of this stream is kept as raw text`, 0, "policy-violation");
    }
    if (this.broken === null) this.cutStreamLevelWhitespace(frames);
    return frames;
  }

  /**
   * The writer's unit ended (one write by our side of the stream, whole by intent): what is
   * left of it becomes a frame now, so it is recorded when it was written. The scan keeps
   * its place, so the rest of an element split over writes is still found where it ends.
   */
  endWrite(): Frame[] {
    const frames: Frame[] = [];
    if (this.broken !== null || this.buffer.length === this.emitted) return frames;
    if (this.depth === this.baseDepth && this.state === "text") {
      // Whitespace went with push(); what is left is a declaration waiting for its header, or stray text.
      const error = this.declarationPending ? LONE_DECLARATION : STRAY_TEXT;
      this.declarationPending = false;
      this.cut(frames, this.buffer.length, { kind: "malformed", error, violation: "not-well-formed" });
      return frames;
    }
    if (this.depth === this.baseDepth) this.splitLeadingText(frames, this.tagStart);
    const continues = this.emitted > 0 ? { continues: this.buffer.slice(0, this.emitted) } : {};
    frames.push({ raw: this.buffer.slice(this.emitted), kind: "malformed", error: incompleteWriteMessage(this.openElementName()), ...continues });
    this.emitted = this.buffer.length;
    return frames;
  }

  /** Text received but not yet part of a frame. */
  pending(): string {
    return this.buffer.slice(this.emitted);
  }

  /** The connection ended: whatever is left becomes a malformed frame, so nothing is lost. */
  end(): Frame[] {
    const rest = this.buffer.slice(this.emitted);
    this.buffer = "";
    this.chunk = "";
    this.chunkStart = 0;
    this.emitted = 0;
    this.scanned = 0;
    if (rest === "") return [];
    const kind: FrameKind = WHITESPACE.test(rest) ? "whitespace" : "malformed";
    const frame: Frame = { raw: rest, kind };
    if (kind === "malformed") frame.error = "the connection ended in the middle of an element";
    return [frame];
  }

  private scan(frames: Frame[]): void {
    let i = this.scanned;
    // Frames are cut off the front of the buffer as they complete, so re-read it each turn.
    while (i < this.buffer.length && this.broken === null) {
      const ch = this.charAt(i)!;
      switch (this.state) {
        case "text": {
          // Only "<" ends text: jump to it natively rather than a character at a time (a
          // 900 KB body took 75 ms that way, holding up every other session of the bridge).
          const open = ch === "<" ? i : this.indexOf("<", i);
          if (open === -1) {
            i = this.buffer.length;
            break;
          }
          this.tagStart = open;
          this.state = "tag-open";
          i = open + 1;
          break;
        }
        case "tag-open":
          if (ch === "/") {
            this.state = "end-tag";
            i++;
          } else if (ch === "!") {
            this.state = "markup-decl";
            i++;
          } else if (ch === "?") {
            this.state = "pi";
            i++;
          } else if (NAME_START.test(ch)) {
            this.state = "start-tag";
            this.quote = null;
          } else {
            this.breakOff(frames, `"<" must start a tag, but it is followed by ${JSON.stringify(ch)}`, this.tagStart);
          }
          break;
        case "start-tag":
          if (this.quote !== null) {
            // Inside an attribute value only its closing quote matters.
            const close = ch === this.quote ? i : this.indexOf(this.quote, i);
            if (close === -1) {
              i = this.buffer.length;
              break;
            }
            this.quote = null;
            i = close;
          } else if (ch === '"' || ch === "'") {
            this.quote = ch;
          } else if (ch === ">") {
            this.onStartTag(frames, i + 1, this.charAt(i - 1) === "/");
            i = this.scanned;
            continue;
          } else if (ch === "<") {
            this.breakOff(frames, `a start tag is not closed before the next "<"`, this.tagStart);
          }
          i++;
          break;
        case "end-tag":
          if (ch === ">") {
            this.onEndTag(frames, i + 1);
            i = this.scanned;
            continue;
          }
          i++;
          break;
        case "markup-decl": {
          // Need up to 7 characters after "<!" to tell "--", "[CDATA[" and "DOCTYPE" apart.
          const ahead = this.text(i, i + 7);
          if (ahead.startsWith("--")) {
            // At stream level the comment is a frame of its own (onTopLevelComment).
            if (this.depth !== this.baseDepth) this.restricted ??= RESTRICTED.comment;
            this.state = "comment";
            i += 2;
          } else if (ahead === "[CDATA[") {
            this.state = "cdata";
            i += 7;
          } else if (ahead.length < 7 && ("--".startsWith(ahead) || "[CDATA[".startsWith(ahead) || "DOCTYPE".startsWith(ahead))) {
            this.scanned = i;
            return; // wait for more text
          } else {
            this.breakOff(frames, RESTRICTED.dtd, this.tagStart, "restricted-xml");
          }
          break;
        }
        case "comment":
        case "cdata":
        case "pi": {
          const terminator = TERMINATORS[this.state];
          const at = this.indexOf(terminator, i);
          if (at === -1) {
            // The terminator may be split across chunks: rescan its possible start next time.
            this.scanned = Math.max(i, this.buffer.length - terminator.length + 1);
            return;
          }
          const ended = this.state;
          this.state = "text";
          i = at + terminator.length;
          if (ended === "pi") {
            this.onProcessingInstruction(frames, i);
            i = this.scanned;
          } else if (ended === "comment" && this.depth === this.baseDepth) {
            this.onTopLevelComment(frames, i);
            i = this.scanned;
          }
          break;
        }
      }
    }
    this.scanned = i;
  }

  /** `buffer[i]`, read from the last push's text when it is there (see `chunk`). */
  private charAt(i: number): string | undefined {
    // undefined only past the end, which the scan never reads
    const k = i - this.chunkStart;
    return k >= 0 ? this.chunk[k] : this.buffer[i];
  }

  /** `buffer.indexOf(search, from)`, likewise. */
  private indexOf(search: string, from: number): number {
    const k = from - this.chunkStart;
    if (k < 0) return this.buffer.indexOf(search, from);
    const at = this.chunk.indexOf(search, k);
    return at === -1 ? -1 : at + this.chunkStart;
  }

  /** `buffer.slice(from, to)` (to capped at the end), likewise. */
  private text(from: number, to: number): string {
    const k = from - this.chunkStart;
    return k >= 0 ? this.chunk.slice(k, to - this.chunkStart) : this.buffer.slice(from, to);
  }

  private get baseDepth(): number {
    return this.streamOpen ? 1 : 0;
  }

  private onStartTag(frames: Frame[], end: number, selfClosing: boolean): void {
    this.state = "text";
    this.scanned = end;
    const atBase = this.depth === this.baseDepth;
    if (atBase) this.splitLeadingText(frames, this.tagStart);
    end = this.scanned; // the split shifted the buffer
    const name = tagName(this.text(this.tagStart + 1, this.tagStart + 257));
    if (!selfClosing && atBase && isStreamElement(name)) {
      // A header at stream level is a restart (RFC 6120 section 4.3.3): a new stream begins.
      this.streamOpen = true;
      this.streamName = name;
      this.innerStreamNamed = 0;
      this.depth = 1;
      this.declarationPending = false;
      this.emit(frames, end, "stream-open");
      return;
    }
    if (selfClosing) {
      if (atBase) this.emit(frames, end, "element");
      return;
    }
    if (this.streamOpen && this.namesStream(this.tagStart + 1)) this.innerStreamNamed++;
    this.depth++;
  }

  private onEndTag(frames: Frame[], end: number): void {
    this.state = "text";
    this.scanned = end;
    if (this.depth === 0) {
      this.splitLeadingText(frames, this.tagStart);
      this.breakOff(frames, "an end tag closes an element that was never opened", 0);
      return;
    }
    if (this.streamOpen && this.depth === 1) {
      // RFC 6120 section 4.4: the closing tag ends the stream.
      this.splitLeadingText(frames, this.tagStart);
      end = this.scanned; // the split shifted the buffer
      const name = tagName(this.text(this.tagStart + 2, this.tagStart + 258));
      if (!isStreamElement(name)) {
        this.breakOff(frames, `the end tag </${name}> does not match any open element`);
        return;
      }
      this.streamOpen = false;
      this.depth = 0;
      this.emit(frames, end, "stream-close");
      return;
    }
    if (this.streamOpen && this.namesStream(this.tagStart + 2)) {
      if (this.innerStreamNamed === 0) {
        this.closeStreamInsideElement(frames, end);
        return;
      }
      this.innerStreamNamed--;
    }
    this.depth--;
    if (this.depth === this.baseDepth) this.emit(frames, end, "element");
  }

  /**
   * The stream's closing tag came while an element was still open: that element is cut off
   * as malformed, and the stream ends, as it does for the peer reading it (RFC 6120 section 4.4).
   */
  private closeStreamInsideElement(frames: Frame[], end: number): void {
    const name = this.openElementName();
    const closeLength = end - this.tagStart;
    this.restricted = null;
    this.cut(frames, this.tagStart, { kind: "malformed", error: `${name} is not closed before the stream's closing tag`, violation: "not-well-formed" });
    this.streamOpen = false;
    this.depth = 0;
    this.innerStreamNamed = 0;
    this.cut(frames, closeLength, { kind: "stream-close" });
  }

  /** Whether the tag name starting at `from` is the open stream element's. */
  private namesStream(from: number): boolean {
    const candidate = this.text(from, from + this.streamName.length + 1);
    if (!candidate.startsWith(this.streamName)) return false;
    const after = candidate[this.streamName.length];
    return after === ">" || after === "/" || after === " " || after === "\t" || after === "\r" || after === "\n";
  }

  /** The top-level element being framed, for messages: "<message>". */
  private openElementName(): string {
    const match = /<([A-Za-z_:\u00C0-\uFFFF][^\s/>]*)/.exec(this.buffer.slice(0, 512).replace(/^<\?[\s\S]*?\?>/, ""));
    return match ? `<${match[1]}>` : "an element";
  }

  private onProcessingInstruction(frames: Frame[], end: number): void {
    this.scanned = end;
    const isDeclaration = /^<\?xml[ \t\r\n?]/.test(this.buffer.slice(this.tagStart, this.tagStart + 6));
    if (isDeclaration && this.depth === this.baseDepth) {
      // The XML declaration belongs with the stream header that follows it.
      this.splitLeadingText(frames, this.tagStart);
      this.declarationPending = true;
      return;
    }
    this.restricted ??= RESTRICTED.instruction;
    if (this.depth === this.baseDepth) {
      this.splitLeadingText(frames, this.tagStart);
      this.emit(frames, this.scanned, "element");
    }
  }

  private onTopLevelComment(frames: Frame[], end: number): void {
    this.scanned = end;
    this.splitLeadingText(frames, this.tagStart);
    this.cut(frames, this.scanned, { kind: "malformed", error: RESTRICTED.comment, violation: "restricted-xml" });
  }

  /**
   * Stream-level whitespace at the end of a chunk is a keepalive that crossed now: it is a
   * frame now, not when the next tag begins (RFC 6120 section 4.6.1).
   */
  private cutStreamLevelWhitespace(frames: Frame[]): void {
    if (this.depth !== this.baseDepth || this.declarationPending) return;
    const end = this.state === "text" ? this.buffer.length : this.tagStart;
    if (end <= this.emitted) return;
    if (WHITESPACE.test(this.buffer.slice(this.emitted, end))) this.cut(frames, end, { kind: "whitespace" });
  }

  /**
   * Text before a top-level tag: whitespace is its own frame (a keepalive, RFC 6120
   * section 4.6.1); anything else is character data where none may stand.
   */
  private splitLeadingText(frames: Frame[], tagStart: number): void {
    if (tagStart <= this.emitted || this.declarationPending) return;
    const text = this.buffer.slice(this.emitted, tagStart);
    if (WHITESPACE.test(text)) {
      this.cut(frames, tagStart, { kind: "whitespace" });
    } else {
      this.cut(frames, tagStart, { kind: "malformed", error: STRAY_TEXT, violation: "not-well-formed" });
    }
  }

  private emit(frames: Frame[], end: number, kind: FrameKind): void {
    if (this.restricted !== null) {
      this.cut(frames, end, { kind: "malformed", error: this.restricted, violation: "restricted-xml" });
      this.restricted = null;
    } else {
      this.cut(frames, end, { kind });
    }
  }

  /**
   * Removes buffer[0, end) and hands out what of it was not handed out yet as one frame;
   * the scan positions shift with it. An element whose start went out with an earlier write
   * is the rest of that element, whatever it would have been whole.
   */
  private cut(frames: Frame[], end: number, frame: Omit<Frame, "raw">): void {
    const raw = this.buffer.slice(this.emitted, end);
    if (raw !== "") {
      const rest = this.emitted > 0 && frame.kind !== "malformed";
      const piece = { raw, kind: "malformed", error: continuationMessage(this.openElementName()), continues: this.buffer.slice(0, this.emitted) } as const;
      frames.push(rest ? piece : { raw, ...frame });
    }
    this.buffer = this.buffer.slice(end);
    this.chunkStart -= end;
    this.scanned -= end;
    this.tagStart -= end;
    this.emitted = Math.max(0, this.emitted - end);
  }

  /** Framing cannot go on: what is buffered becomes malformed, and so will everything after. */
  private breakOff(frames: Frame[], reason: string, from = 0, violation: StreamViolation = "not-well-formed"): void {
    if (from > 0 && this.depth === this.baseDepth) this.splitLeadingText(frames, from);
    this.broken = { error: reason, violation };
    if (this.buffer !== "") this.cut(frames, this.buffer.length, { kind: "malformed", error: reason, violation });
    this.scanned = 0;
  }
}

function tagName(text: string): string {
  const match = /^[^\s/>]+/.exec(text);
  return match ? match[0] : "";
}

function isStreamElement(qname: string): boolean {
  return qname === "stream:stream" || qname === "stream";
}
