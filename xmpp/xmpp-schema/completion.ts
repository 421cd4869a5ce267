import { contextAt, type TagInfo } from "./cursor";
import { allowedIn, childrenOf, elementsNamed, findAttribute, findElement, isStreamLevel, NAMESPACES } from "./index";
import { attributeMarkdown, elementMarkdown, escapeMarkdown, namespaceMarkdown, valueMarkdown } from "./markdown";
import { NS_BIND, NS_CLIENT, NS_SESSION, NS_STREAM, rfc6120 } from "./namespaces";
import { STANZA_TYPES } from "./stanzas";
import type { AttributeSpec, ElementRef, ElementSpec, ValueSpec } from "./types";

/**
 * Schema-driven completion for half-typed XML. Headless: it returns plain suggestions
 * with offsets; the Monaco module turns them into completion items.
 */

export interface Suggestion {
  label: string;
  kind: "element" | "attribute" | "value" | "namespace" | "end-tag" | "variable";
  /** Snippet syntax (`$1`, `${1|a,b|}`) when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  /** A few words shown next to the label. */
  detail: string;
  /** Markdown. */
  documentation: string;
  /** The range of the text to replace. */
  replaceFrom: number;
  replaceTo: number;
  /** Open the suggestions again after inserting (an attribute name leads to its values). */
  retrigger?: boolean;
  sortText: string;
}

const STANZA_FIRST = ["message", "presence", "iq"];
/** Resource binding happens once per login, and <error> only in error stanzas: offer payloads first. */
const DEMOTED = new Set([NS_BIND, NS_SESSION]);

export function suggest(text: string, offset: number): Suggestion[] {
  const context = contextAt(text, offset);
  switch (context.kind) {
    case "element-name":
      return elementSuggestions(text, context.parent, context.inheritedNs, context.typedFrom, context.typedTo, context.open.length === 0);
    case "attribute-name":
      return attributeSuggestions(context.tag, context.typedFrom, context.typedTo);
    case "attribute-value":
      return valueSuggestions(context.tag, context.parent, context.attribute, context.valueFrom, context.valueTo);
    case "end-tag": {
      const top = context.open.at(-1);
      if (!top) return [];
      const swallow = text[context.typedTo] === ">" ? 1 : 0;
      return [{ label: `/${top.qname}`, kind: "end-tag", insertText: `${top.qname}>`, snippet: false, detail: "close the open element", documentation: "", replaceFrom: context.typedFrom, replaceTo: context.typedTo + swallow, sortText: "0" }];
    }
    case "text": {
      const top = context.open.at(-1);
      const spec = top && findElement(top.name, top.ns);
      if (!spec || spec.content.kind !== "text" || !spec.content.values) return [];
      return spec.content.values.map((option, index) => valueSuggestion(option, spec.spec, context.typedFrom, context.typedTo, index));
    }
    case "none":
      return [];
  }
}

function elementSuggestions(text: string, parent: ElementRef, inheritedNs: string, from: number, to: number, atRoot: boolean): Suggestion[] {
  const candidates = childrenOf(parent);
  // An auto-closed "<>" leaves a ">" after the cursor: take it in, unless the element is already closed later.
  const typed = text.slice(from, to);
  const swallow = text[to] === ">" && (typed === "" || !text.includes(`</${typed}>`, to)) ? 1 : 0;
  const suggestions = candidates.map((spec, index) => {
    const rank = isStreamLevel(parent) && STANZA_FIRST.includes(spec.name) && spec.ns === NS_CLIENT ? STANZA_FIRST.indexOf(spec.name) : (DEMOTED.has(spec.ns) || spec.name === "error" ? 100 : 10) + index;
    return {
      label: spec.ns === inheritedNs ? spec.name : `${spec.name} (${shortNs(spec.ns)})`,
      kind: "element" as const,
      insertText: elementSnippet(spec, inheritedNs),
      snippet: true,
      detail: spec.ns,
      documentation: elementMarkdown(spec),
      replaceFrom: from,
      replaceTo: to + swallow,
      sortText: String(rank).padStart(3, "0"),
    };
  });
  if (atRoot && isStreamLevel(parent)) {
    suggestions.push({
      label: "stream:stream (stream header, raw mode)",
      kind: "element",
      insertText: `stream:stream to="${escapeSnippet("{{domain}}")}" xmlns="${NS_CLIENT}" xmlns:stream="${NS_STREAM}" version="1.0">`,
      snippet: true,
      detail: "opens a stream",
      documentation: `Opens the XML stream: the first thing sent on a raw connection, and again after STARTTLS and SASL success.\n\n[RFC 6120 section 4.7](${rfc6120("4.7")})`,
      replaceFrom: from,
      replaceTo: to + swallow,
      sortText: "999",
    });
  }
  return suggestions;
}

/** `ping xmlns="urn:xmpp:ping"/>` or `body>$0</body>`, with required attributes as tab stops. */
function elementSnippet(spec: ElementSpec, inheritedNs: string): string {
  let stop = 1;
  const parts = [spec.name];
  if (spec.ns !== inheritedNs) parts.push(`xmlns="${escapeSnippet(spec.ns)}"`);
  for (const attribute of spec.attributes.filter((candidate) => candidate.required)) {
    const options = optionsFor(spec, attribute);
    const placeholder = attribute.name === "id" ? `\${${stop}:${escapeSnippet("{{id}}")}}` : options ? `\${${stop}|${options.map((option) => escapeChoice(option.value)).join(",")}|}` : `$${stop}`;
    parts.push(`${attribute.name}="${placeholder}"`);
    stop++;
  }
  const open = parts.join(" ");
  return spec.content.kind === "empty" ? `${open}/>` : `${open}>$0</${spec.name}>`;
}

function attributeSuggestions(tag: TagInfo, from: number, to: number): Suggestion[] {
  const spec = findElement(tag.name, tag.ns);
  const present = new Set(Object.keys(tag.attributes));
  const suggestions: Suggestion[] = [];
  for (const [index, attribute] of (spec?.attributes ?? []).entries()) {
    if (present.has(attribute.name)) continue;
    suggestions.push({
      label: attribute.name,
      kind: "attribute",
      insertText: `${attribute.name}="$1"`,
      snippet: true,
      detail: attribute.required ? "required" : "attribute",
      documentation: attributeMarkdown(spec!, attribute),
      replaceFrom: from,
      replaceTo: to,
      retrigger: true,
      sortText: `${attribute.required ? 0 : 1}${String(index).padStart(2, "0")}`,
    });
  }
  if (!present.has("xmlns")) {
    suggestions.push({ label: "xmlns", kind: "attribute", insertText: `xmlns="$1"`, snippet: true, detail: "namespace", documentation: "The namespace this element and its children are in.", replaceFrom: from, replaceTo: to, retrigger: true, sortText: "200" });
  }
  return suggestions;
}

function valueSuggestions(tag: TagInfo, parent: ElementRef, attribute: string, from: number, to: number): Suggestion[] {
  if (attribute === "xmlns") return namespaceSuggestions(tag.name, parent, from, to);
  const spec = findElement(tag.name, tag.ns);
  const known = spec && findAttribute(spec, attribute);
  if (!spec || !known) return [];
  const options = optionsFor(spec, known);
  if (options) return options.map((option, index) => valueSuggestion(option, spec.spec, from, to, index));
  if (known.kind === "jid") {
    return [
      variable("{{peer}}", "the peer you chose", from, to, "0"),
      variable("{{domain}}", "the server's domain", from, to, "1"),
      variable("{{me}}", "your own full JID", from, to, "2"),
    ];
  }
  if (attribute === "id") return [variable("{{id}}", "a fresh id at each send", from, to, "0")];
  return [];
}

function namespaceSuggestions(name: string, parent: ElementRef, from: number, to: number): Suggestion[] {
  // Namespaces that define this element where it stands come first: the likely intent.
  const fitting = new Set(elementsNamed(name).filter((spec) => allowedIn(spec, parent)).map((spec) => spec.ns));
  return NAMESPACES.map((info, index) => ({
    label: info.uri,
    kind: "namespace" as const,
    insertText: info.uri,
    snippet: false,
    detail: info.title,
    documentation: namespaceMarkdown(info.uri),
    replaceFrom: from,
    replaceTo: to,
    sortText: `${fitting.has(info.uri) ? 0 : 1}${String(index).padStart(2, "0")}`,
  }));
}

function optionsFor(spec: ElementSpec, attribute: AttributeSpec): readonly ValueSpec[] | undefined {
  if (spec.ns === NS_CLIENT && attribute.name === "type" && spec.name in STANZA_TYPES) return STANZA_TYPES[spec.name as keyof typeof STANZA_TYPES];
  return attribute.values;
}

function valueSuggestion(option: ValueSpec, spec: string, from: number, to: number, index: number): Suggestion {
  return { label: option.value, kind: "value", insertText: option.value, snippet: false, detail: option.doc, documentation: valueMarkdown(option, spec), replaceFrom: from, replaceTo: to, sortText: String(index).padStart(3, "0") };
}

function variable(name: string, detail: string, from: number, to: number, sortText: string): Suggestion {
  return { label: name, kind: "variable", insertText: name, snippet: false, detail, documentation: `${escapeMarkdown(name)} is replaced when you send: ${escapeMarkdown(detail)}.`, replaceFrom: from, replaceTo: to, sortText };
}

function shortNs(ns: string): string {
  return ns.replace(/^https?:\/\/jabber\.org\/protocol\//, "").replace(/^urn:ietf:params:xml:ns:/, "");
}

/** Snippet syntax treats `$`, `}` and `\` specially (VS Code snippet grammar). */
function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, "\\$&");
}

/** Inside a choice `${1|a,b|}`, `,` and `|` are special too. */
function escapeChoice(text: string): string {
  return text.replace(/[\\$}|,]/g, "\\$&");
}
