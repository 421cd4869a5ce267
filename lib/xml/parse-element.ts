import { SaxesParser, type SaxesTagNS } from "saxes";
import { NS_CLIENT, NS_STREAM } from "./namespaces";

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
  let root: ElementOutline | null = null;
  let depth = 0;
  let error: string | null = null;
  let extraRoot = false;

  parser.on("error", (err) => {
    error ??= err.message;
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
  parser.on("closetag", () => {
    depth--;
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
  if (error !== null) return { ok: false, error: tidyParserMessage(error) };
  if (extraRoot) return { ok: false, error: "more than one element where one was expected" };
  if (root === null) return { ok: false, error: "no element found" };
  return { ok: true, element: root };
}

function plainAttributes(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const attr of Object.values(tag.attributes)) attrs[attr.name] = attr.value;
  return attrs;
}

/** saxes prefixes messages with a position we do not track ("undefined:1:2: ..."). */
function tidyParserMessage(message: string): string {
  const tidy = message.replace(/^[^:]*:\d+:\d+: /, "").replace(/^undefined: /, "");
  // In a fragment saxes only says the DOCTYPE is misplaced; the reason that matters is XMPP's.
  return /doctype/i.test(tidy) ? "a DTD is not allowed in XMPP (RFC 6120 section 11.1)" : tidy;
}
