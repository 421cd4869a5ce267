import { SaxesParser, type SaxesTagNS } from "saxes";

/**
 * The one walk over XML text (from the wire, a capture or the editor) for every part of the
 * playground: a strict, namespace-aware saxes parse that hands out events and never recurses.
 * Text from a server is untrusted, so the depth it may reach in a caller is bounded: elements
 * nested deeper than `maxDepth` are still parsed (well-formedness is judged on everything) but
 * their events are not handed out, and the result says so. Callers that build a tree then
 * recurse at most `maxDepth` levels; views say "nested deeper than N levels" and show raw text.
 */

/** Deeper than any real stanza (RFC 6120 stanzas nest a handful of levels; data forms, MUC and pubsub a dozen). */
export const MAX_XML_DEPTH = 100;

/**
 * Where the parse itself stops. saxes resolves each element's namespace by walking up the
 * open elements, so its time grows with the square of the depth (20,000 levels: 9 s here);
 * past this depth nothing more is read, and the result says the rest went unchecked.
 */
export const MAX_PARSE_DEPTH = 1_000;

/** The note a view shows in place of what it cannot go into. */
export function tooDeepNote(maxDepth: number = MAX_XML_DEPTH): string {
  return `Nested deeper than ${maxDepth.toLocaleString("en-US")} levels; shown as raw text.`;
}

export interface WalkEvents {
  /** A start tag begins (`at` is the offset just after its `<`; positions only). */
  openStart?(at: number): void;
  /** A start tag, at `depth` (1 for a top-level element); `at` is just after its `>`. */
  open?(tag: SaxesTagNS, depth: number, at: number): void;
  /** The element at `depth` ends; `at` is just after its end tag. */
  close?(depth: number, at: number): void;
  /** Character data (entities resolved) or a CDATA section directly inside the element at `depth` (0: outside any). */
  text?(text: string, depth: number, cdata: boolean): void;
  /** Each problem saxes reports, as saxes words it, where it noticed it. */
  problem?(message: string, at: number): void;
}

export interface WalkOptions {
  /** Namespaces in scope before the text starts, "" for the default one. */
  namespaces?: Record<string, string>;
  /** Allow several top-level elements and no XML declaration (a piece of a stream). Default true. */
  fragment?: boolean;
  /** Track offsets (the editor needs them; views do not). */
  position?: boolean;
  maxDepth?: number;
}

export interface WalkResult {
  /** The first problem: saxes's message, or an RFC 6120 section 11.1 refusal; null when well-formed. */
  error: string | null;
  /** Some element was deeper than `maxDepth`: its events (and its subtree's) were left out. */
  tooDeep: boolean;
  /** An element was deeper than MAX_PARSE_DEPTH: the parse stopped there, the rest was neither read nor judged. */
  stopped: boolean;
  /** Top-level elements seen. */
  roots: number;
  /** Where the parser stood at the first problem: just past what it objected to. */
  errorAt: number;
}

/** Thrown out of saxes's handler to end the parse at once. */
const STOP = Symbol("nested too deep");
const DTD_REFUSED = "a DTD is not allowed in XMPP (RFC 6120 section 11.1)";
const PI_REFUSED = "processing instructions are not allowed in XMPP (RFC 6120 section 11.1)";

export function walkXml(text: string, options: WalkOptions, events: WalkEvents = {}): WalkResult {
  const walk = new XmlWalk(options, events);
  walk.write(text);
  return walk.end();
}

/**
 * The same walk, fed as the text arrives: an element read from a socket is parsed piece by
 * piece as its bytes come in, so no turn of the event loop parses more than one piece of it
 * (a 900 KB stanza parsed whole held every other session of the bridge up for 35 ms).
 * The result equals walkXml's over the concatenated pieces.
 */
export class XmlWalk {
  private readonly parser: ReturnType<typeof newParser>;
  private readonly poolKey: string;
  private depth = 0;
  private error: string | null = null;
  private tooDeep = false;
  private roots = 0;
  private stopped = false;
  private errorAt = 0;
  /** Characters written so far. */
  private length = 0;
  /** Set once the parse ended early (too deep, or saxes threw): later text is not read. */
  private result: WalkResult | null = null;

  constructor(options: WalkOptions, events: WalkEvents = {}) {
    const maxDepth = options.maxDepth ?? MAX_XML_DEPTH;
    const position = options.position ?? false;
    this.poolKey = poolKeyOf(options, position);
    const parser = idleParsers.get(this.poolKey)?.pop() ?? newParser(options, position);
    this.parser = parser;
    const at = () => (position ? parser.position : 0);

    parser.on("error", (err) => {
      if (this.error === null) {
        this.error = err.message;
        this.errorAt = parser.position;
      }
      events.problem?.(err.message, at());
    });
    parser.on("doctype", () => {
      // saxes never expands a DTD's entities; XMPP forbids the DTD itself.
      this.error ??= DTD_REFUSED;
    });
    parser.on("processinginstruction", () => {
      this.error ??= PI_REFUSED;
    });
    // Every handler is set, or unset, on each walk: a reused parser may hold the last walk's.
    if (events.openStart) {
      const openStart = events.openStart;
      parser.on("opentagstart", () => {
        if (this.depth < maxDepth) openStart(at());
      });
    } else parser.off("opentagstart");
    parser.on("opentag", (tag: SaxesTagNS) => {
      this.depth++;
      if (this.depth > MAX_PARSE_DEPTH) {
        this.stopped = true;
        throw STOP;
      }
      if (this.depth === 1) this.roots++;
      if (this.depth > maxDepth) this.tooDeep = true;
      else events.open?.(tag, this.depth, at());
    });
    parser.on("closetag", () => {
      if (this.depth <= maxDepth) events.close?.(this.depth, at());
      this.depth--;
    });
    if (events.text) {
      const onText = events.text;
      parser.on("text", (data) => {
        if (this.depth <= maxDepth) onText(data, this.depth, false);
      });
      parser.on("cdata", (data) => {
        if (this.depth <= maxDepth) onText(data, this.depth, true);
      });
    } else {
      parser.off("text");
      parser.off("cdata");
    }
    this.problem = (message: string) => events.problem?.(message, this.length);
  }

  private readonly problem: (message: string) => void;

  /** Reads more of the text. */
  write(text: string): void {
    if (this.result !== null) return;
    this.length += text.length;
    this.run(() => this.parser.write(text));
  }

  /** The text is complete: what the walk found. */
  end(): WalkResult {
    if (this.result === null) {
      this.run(() => this.parser.close());
      // Closed without a throw, saxes has reset itself for the next text: the parser can serve
      // another walk. One that threw (too deep, a handler's error) is left to the collector.
      if (this.result === null) releaseParser(this.poolKey, this.parser);
    }
    this.result ??= { error: this.error, tooDeep: this.tooDeep, stopped: this.stopped, roots: this.roots, errorAt: this.errorAt };
    return this.result;
  }

  private run(step: () => unknown): void {
    try {
      step();
    } catch (err) {
      if (err === STOP) {
        this.result = { error: this.error, tooDeep: true, stopped: this.stopped, roots: this.roots, errorAt: this.errorAt };
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      if (this.error === null) {
        this.error = message;
        this.errorAt = this.length;
      }
      this.problem(message);
      this.result = { error: this.error, tooDeep: this.tooDeep, stopped: this.stopped, roots: this.roots, errorAt: this.errorAt };
    }
  }
}

/**
 * Parsers left by finished walks, by the options they were made with. A new SaxesParser and its
 * handlers cost more than parsing a short stanza with it (issue 17: the bridge records every
 * stanza, an export or anonymization walks every entry), so a finished walk's parser serves the
 * next walk with the same options. A walk fed over several turns keeps its own until it ends.
 */
const idleParsers = new Map<string, ReturnType<typeof newParser>[]>();
/** Enough for walks nested in one another's handlers; kinds of options beyond this are not kept. */
const IDLE_PER_KIND = 4;
const KINDS_KEPT = 32;

function poolKeyOf(options: WalkOptions, position: boolean): string {
  let key = `${options.fragment ?? true} ${position}`;
  for (const prefix in options.namespaces) key += ` ${prefix}=${options.namespaces[prefix]}`;
  return key;
}

function releaseParser(key: string, parser: ReturnType<typeof newParser>): void {
  let idle = idleParsers.get(key);
  if (idle === undefined) {
    if (idleParsers.size >= KINDS_KEPT) return;
    idle = [];
    idleParsers.set(key, idle);
  }
  if (idle.length < IDLE_PER_KIND) idle.push(parser);
}

function newParser(options: WalkOptions, position: boolean) {
  return new SaxesParser({ xmlns: true, fragment: options.fragment ?? true, position, additionalNamespaces: options.namespaces ?? {} });
}

/**
 * A stream header with the end tag it never gets on the wire, so a parser can finish:
 * `<stream:stream ...>` becomes `<stream:stream ...></stream:stream>` (after any XML declaration).
 */
export function withHeaderClosed(raw: string): string {
  const qname = /<([^\s/>?!]+)/.exec(raw.replace(/^\s*<\?[\s\S]*?\?>/, ""))?.[1] ?? "stream:stream";
  return `${raw}</${qname}>`;
}

/** Attributes by qualified name, as written. */
export function plainAttributes(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const attr of Object.values(tag.attributes)) attrs[attr.name] = attr.value;
  return attrs;
}
