import { SaxesParser, type SaxesTagNS } from "saxes";
import { codePointName, illegalCharMessage, isXmlChar } from "./xml-chars";

/**
 * Parses one complete top-level piece of an XMPP stream with a strict, namespace-aware
 * XML parser. Only the outline is kept (root, its children, one level of grandchildren):
 * enough to classify, pair and redact an entry without holding a tree per stanza.
 */

export const NS_STREAM = "http://etherx.jabber.org/streams";
export const NS_CLIENT = "jabber:client";

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
  return outline(raw, { ...context.prefixes, "": context.defaultNs }, true);
}

/**
 * Parses a stream header (with its optional XML declaration). The header never closes
 * on the wire, so a closing tag is supplied to let the parser finish.
 */
export function parseStreamHeader(raw: string): ParseResult {
  const name = /<([^\s/>?]+)/.exec(raw.replace(/^\s*<\?[\s\S]*?\?>/, ""))?.[1] ?? "stream:stream";
  return outline(`${raw}</${name}>`, {}, false);
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

function outline(text: string, namespaces: Record<string, string>, fragment: boolean): ParseResult {
  const parser = new SaxesParser({ xmlns: true, fragment, position: false, additionalNamespaces: namespaces });
  const scope = keepNamespaceLookupsFlat(parser, namespaces);
  let root: ElementOutline | null = null;
  let depth = 0;
  let error: string | null = null;
  /** Where the parser stood at its first error: just past what it objected to. */
  let errorAt = 0;
  let extraRoot = false;

  parser.on("error", (err) => {
    if (error !== null) return;
    error = err.message;
    errorAt = parser.position;
    // Only the first error is reported: stop here rather than read the rest of a broken element.
    throw STOP;
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    depth++;
    if (depth === 1) {
      if (root !== null) extraRoot = true;
      root = { name: tag.local, ns: tag.uri, attrs: plainAttributes(tag), children: [] };
    } else if (depth === 2 && root !== null) {
      root.children.push({ name: tag.local, ns: tag.uri, attrs: plainAttributes(tag), children: [] });
    } else if (depth === 3 && root !== null) {
      root.children.at(-1)?.children.push({ name: tag.local, ns: tag.uri });
    }
  });
  // saxes keeps one handler per event: the scope's close is called from here.
  parser.on("closetag", () => {
    depth--;
    scope.closed();
  });
  parser.on("text", (text) => {
    if (depth === 0 && text.trim() !== "") error ??= "text outside of any element";
  });
  parser.on("doctype", () => {
    error ??= "a DTD is not allowed in XMPP (RFC 6120 section 11.1)";
  });
  parser.on("processinginstruction", () => {
    error ??= "processing instructions are not allowed in XMPP (RFC 6120 section 11.1)";
  });

  try {
    parser.write(text).close();
  } catch (err) {
    error ??= err instanceof Error ? err.message : String(err);
  }
  if (error !== null) return { ok: false, error: tidyParserMessage(error, text, errorAt) };
  if (extraRoot) return { ok: false, error: "more than one element where one was expected" };
  if (root === null) return { ok: false, error: "no element found" };
  return { ok: true, element: root };
}

const STOP = new Error("stop parsing");
const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NAMESPACE = "http://www.w3.org/2000/xmlns/";

/**
 * saxes resolves a prefix by looking through every open element's own declarations, so a
 * stanza nested 100,000 deep (900 KB of "<a>") costs 10^10 lookups and stalls the bridge for
 * every session. Here every element shares one table of what is in scope, kept current as
 * elements open and close (a declaration's previous value is put back when its element
 * closes), so a lookup is one property read. saxes sets a new table per element just before
 * `opentagstart` and writes declarations into it after the `attribute` event; this swaps in
 * the shared one. A test with deep nesting fails if a saxes upgrade changes that. saxes
 * keeps one handler per event, so the caller's `closetag` handler must call `closed()`.
 */
function keepNamespaceLookupsFlat(parser: SaxesParser<{ xmlns: true }>, namespaces: Record<string, string>): { closed(): void } {
  const inScope: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, { xml: XML_NAMESPACE, xmlns: XMLNS_NAMESPACE }, namespaces);
  /** Per open element: the prefixes it declared, with the value each had before. */
  const undo: [string, string | undefined][][] = [];
  const internals = parser as unknown as { topNS: Record<string, string> | null };
  parser.on("opentagstart", (tag) => {
    (tag as { ns: Record<string, string> }).ns = inScope;
    internals.topNS = inScope;
    undo.push([]);
  });
  parser.on("attribute", (attribute) => {
    const prefix = attribute.name === "xmlns" ? "" : attribute.prefix === "xmlns" ? attribute.local : null;
    if (prefix !== null) undo.at(-1)?.push([prefix, inScope[prefix]]);
  });
  return {
    closed() {
      const declared = undo.pop() ?? [];
      for (let i = declared.length - 1; i >= 0; i--) {
        const [prefix, previous] = declared[i]!;
        if (previous === undefined) delete inScope[prefix];
        else inScope[prefix] = previous;
      }
    },
  };
}

function plainAttributes(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const attr of Object.values(tag.attributes)) attrs[attr.name] = attr.value;
  return attrs;
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
