import type { SaxesTagNS } from "saxes";
import { XmlWalk, plainAttributes, withHeaderClosed } from "./walk-xml";
import { NS_CLIENT, NS_STREAM } from "./namespaces";
import { codePointName, illegalCharMessage, isXmlChar } from "./xml-chars";

/**
 * Parses one complete top-level piece of an XMPP stream with a strict, namespace-aware
 * XML parser. Only the outline is kept (root, its children, one level of grandchildren):
 * enough to classify, pair and redact an entry without holding a tree per stanza.
 */


export interface ElementOutline {
  name: string;
  ns: string;
  attrs: Record<string, string>;
  children: ChildOutline[];
}

export interface ChildOutline {
  name: string;
  ns: string;
  attrs: Record<string, string>;
  children: { name: string; ns: string }[];
}

export type ParseResult = { ok: true; element: ElementOutline } | { ok: false; error: string };

export interface NamespaceContext {
  /** The stream's default namespace (jabber:client for a client stream). */
  defaultNs: string;
  /** Prefixes declared on the stream header, such as `stream`. */
  prefixes: Record<string, string>;
}

export const CLIENT_STREAM_CONTEXT: NamespaceContext = {
  defaultNs: NS_CLIENT,
  prefixes: { stream: NS_STREAM },
};

/** Parses a stanza or nonza as a child of a stream whose namespaces are `context`. */
export function parseElement(raw: string, context: NamespaceContext = CLIENT_STREAM_CONTEXT): ParseResult {
  return whole(startElementParse(context), raw);
}

/**
 * Parses a stream header (with its optional XML declaration). The header never closes
 * on the wire, so a closing tag is supplied to let the parser finish.
 */
export function parseStreamHeader(raw: string): ParseResult {
  return whole(startStreamHeaderParse(), raw);
}

/**
 * A parse fed piece by piece as the text arrives (walk-xml.ts, XmlWalk): `finish` gets the
 * whole text written, for its messages, and returns what parsing it at once would.
 */
export interface IncrementalParse {
  write(piece: string): void;
  finish(raw: string): ParseResult;
}

/** parseElement, incrementally. */
export function startElementParse(context: NamespaceContext = CLIENT_STREAM_CONTEXT): IncrementalParse {
  return new OutlineParse({ ...context.prefixes, "": context.defaultNs }, true);
}

/** parseStreamHeader, incrementally: `finish` supplies the closing tag. */
export function startStreamHeaderParse(): IncrementalParse {
  const parse = new OutlineParse({}, false);
  return {
    write: (piece) => parse.write(piece),
    finish(raw) {
      const closed = withHeaderClosed(raw);
      parse.write(closed.slice(raw.length));
      return parse.finish(closed);
    },
  };
}

function whole(parse: IncrementalParse, raw: string): ParseResult {
  parse.write(raw);
  return parse.finish(raw);
}

/** The namespaces a parsed stream header sets up for the stanzas after it. */
export function contextFromHeader(header: ElementOutline): NamespaceContext {
  const prefixes: Record<string, string> = { stream: NS_STREAM };
  let defaultNs = NS_CLIENT;
  for (const [key, value] of Object.entries(header.attrs)) {
    if (key === "xmlns") defaultNs = value;
    else if (key.startsWith("xmlns:")) prefixes[key.slice(6)] = value;
  }
  return { defaultNs, prefixes };
}

class OutlineParse implements IncrementalParse {
  private root: ElementOutline | null = null;
  private strayText = false;
  private readonly walk: XmlWalk;

  constructor(namespaces: Record<string, string>, fragment: boolean) {
    // Only three levels are kept, so the walk hands out no more than that.
    this.walk = new XmlWalk(
      { namespaces, fragment, maxDepth: 3 },
      {
        open: (tag: SaxesTagNS, depth) => {
          const root = this.root;
          if (depth === 1) this.root ??= { name: tag.local, ns: tag.uri, attrs: plainAttributes(tag), children: [] };
          else if (depth === 2) root?.children.push({ name: tag.local, ns: tag.uri, attrs: plainAttributes(tag), children: [] });
          else root?.children.at(-1)?.children.push({ name: tag.local, ns: tag.uri });
        },
        text: (data, depth) => {
          if (depth === 0 && data.trim() !== "") this.strayText = true;
        },
      },
    );
  }

  write(piece: string): void {
    this.walk.write(piece);
  }

  finish(text: string): ParseResult {
    const walked = this.walk.end();
    const error = walked.error ?? (this.strayText ? "text outside of any element" : null);
    if (error !== null) return { ok: false, error: tidyParserMessage(error, text, walked.errorAt) };
    if (walked.roots > 1) return { ok: false, error: "more than one element where one was expected" };
    if (this.root === null) return { ok: false, error: "no element found" };
    return { ok: true, element: this.root };
  }
}

const PREDEFINED_ENTITIES = "&lt; &gt; &amp; &quot; &apos;";

/**
 * saxes's words, made to say what it saw and where: which character or entity, at which
 * character of the element (1-based, as the transcript shows it), and the rule. `position`
 * is where saxes stood: just past the character or the reference's ";".
 */
function tidyParserMessage(message: string, text: string, position: number): string {
  const tidy = message.replace(/^[^:]*:\d+:\d+: /, "").replace(/^undefined: /, "");
  // In a fragment saxes only says the DOCTYPE is misplaced; the reason that matters is XMPP's.
  if (/doctype/i.test(tidy)) return "a DTD is not allowed in XMPP (RFC 6120 section 11.1)";
  if (tidy === "disallowed character.") return disallowedCharacter(text, position) ?? tidy;
  if (tidy === "undefined entity." || tidy === "malformed character entity.") {
    const amp = text.lastIndexOf("&", position - 1);
    if (amp === -1) return tidy;
    const reference = text.slice(amp, position);
    if (tidy === "undefined entity.") {
      return `${reference} at character ${amp + 1} is not an entity XMPP knows: only the five predefined ones (${PREDEFINED_ENTITIES}) and numeric references such as &#233; may be used, since no DTD may declare others (RFC 6120 section 11.1)`;
    }
    const digits = /^&#(x[0-9a-f]+|[0-9]+);$/i.exec(reference)?.[1];
    const codePoint = digits === undefined ? NaN : digits.startsWith("x") || digits.startsWith("X") ? parseInt(digits.slice(1), 16) : parseInt(digits, 10);
    const what = Number.isNaN(codePoint) ? "is not a character reference" : codePoint > 0x10ffff ? "refers to a number beyond U+10FFFF" : `refers to ${codePointName(codePoint)}`;
    return `${reference} at character ${amp + 1} ${what}, which is not a character XML allows (XML 1.0 sections 4.1 and 2.2, Char)`;
  }
  return tidy;
}

/** The character saxes stopped at: one XML forbids, or a "<" inside an attribute value. */
function disallowedCharacter(text: string, position: number): string | null {
  const last = text.charCodeAt(position - 1);
  const isPair = last >= 0xdc00 && last <= 0xdfff && position >= 2 && text.charCodeAt(position - 2) >= 0xd800 && text.charCodeAt(position - 2) <= 0xdbff;
  const offset = isPair ? position - 2 : position - 1;
  const codePoint = text.codePointAt(offset);
  if (codePoint === undefined) return null;
  if (!isXmlChar(codePoint)) return illegalCharMessage(codePoint, offset);
  if (codePoint === 0x3c) return `"<" at character ${offset + 1} cannot stand inside an attribute value: write &lt; instead (XML 1.0 section 3.1, AttValue)`;
  return null;
}
