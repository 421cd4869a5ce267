import { NS_CLIENT, NS_STREAM, STREAM_LEVEL } from "./namespaces";
import type { ElementRef } from "./types";

/**
 * Where the cursor is in half-typed XML: which elements are open around it and whether it
 * sits in a tag name, an attribute name, an attribute value, an end tag or text. It is
 * lenient on purpose: completion runs on text that is never well-formed while typed.
 */

export interface OpenElement {
  qname: string;
  name: string;
  ns: string;
  /** Prefix declarations in scope at this element, "" for the default namespace. */
  scope: Readonly<Record<string, string>>;
}

export interface TagInfo {
  qname: string;
  name: string;
  /** The namespace the element is in, with its own xmlns attributes applied. */
  ns: string;
  /** Where the name starts and ends in the text. */
  nameFrom: number;
  nameTo: number;
  /** Attributes written so far, by name. */
  attributes: Record<string, string>;
}

export type CursorContext =
  | { kind: "element-name"; parent: ElementRef; inheritedNs: string; open: OpenElement[]; typedFrom: number; typedTo: number }
  | { kind: "attribute-name"; tag: TagInfo; parent: ElementRef; typedFrom: number; typedTo: number }
  | { kind: "attribute-value"; tag: TagInfo; parent: ElementRef; attribute: string; valueFrom: number; valueTo: number }
  | { kind: "end-tag"; open: OpenElement[]; typedFrom: number; typedTo: number }
  | { kind: "text"; open: OpenElement[]; typedFrom: number; typedTo: number }
  | { kind: "none" };

const BASE_SCOPE: Readonly<Record<string, string>> = { "": NS_CLIENT, stream: NS_STREAM };
const NAME_CHAR = /[^\s<>/="']/;

/** The elements still open at `offset`, innermost last. */
export function openElementsAt(text: string, offset: number): OpenElement[] {
  return scan(text, offset).open;
}

export function contextAt(text: string, offset: number): CursorContext {
  const { open, tagStart } = scan(text, offset);
  const parentScope = open.at(-1)?.scope ?? BASE_SCOPE;
  const parent = parentRef(open);
  if (tagStart === -1) {
    let from = offset;
    while (from > 0 && !/[\s>]/.test(text[from - 1]!)) from--;
    let to = offset;
    while (to < text.length && !/[\s<]/.test(text[to]!)) to++;
    return { kind: "text", open, typedFrom: from, typedTo: to };
  }
  const partial = text.slice(tagStart, offset);
  if (partial.startsWith("<!") || partial.startsWith("<?")) return { kind: "none" };
  if (partial.startsWith("</")) {
    return { kind: "end-tag", open, typedFrom: tagStart + 2, typedTo: extendName(text, offset) };
  }
  const nameMatch = /^<([^\s<>/="']*)/.exec(partial)!;
  const qname = nameMatch[1]!;
  if (nameMatch[0].length === partial.length) {
    return { kind: "element-name", parent, inheritedNs: parentScope[""] ?? NS_CLIENT, open, typedFrom: tagStart + 1, typedTo: extendName(text, offset) };
  }
  const whole = tagText(text, tagStart);
  const attributes = readAttributes(whole);
  const tag = describeTag(qname, tagStart, attributes, parentScope);
  const inValue = openQuote(partial);
  if (inValue) {
    const close = text.indexOf(inValue.quote, offset);
    const lineEnd = text.indexOf("\n", offset);
    const valueTo = close === -1 || (lineEnd !== -1 && lineEnd < close) ? offset : close;
    return { kind: "attribute-value", tag, parent, attribute: inValue.attribute, valueFrom: tagStart + inValue.valueStart, valueTo };
  }
  let from = offset;
  while (from > tagStart && NAME_CHAR.test(text[from - 1]!)) from--;
  if (!/\s/.test(text[from - 1] ?? "")) return { kind: "none" };
  return { kind: "attribute-name", tag, parent, typedFrom: from, typedTo: extendName(text, offset) };
}

/** The tag (start or end) that contains `offset`, with its namespace resolved; null in text. */
export function tagAt(text: string, offset: number): { tag: TagInfo; start: number; end: number; closing: boolean } | null {
  const start = text.lastIndexOf("<", offset);
  if (start === -1 || text.startsWith("<!", start) || text.startsWith("<?", start)) return null;
  const whole = tagText(text, start);
  if (start + whole.length < offset) return null;
  const closing = whole.startsWith("</");
  const { open } = scan(text, start);
  const qname = /^<\/?([^\s<>/="']*)/.exec(whole)?.[1] ?? "";
  if (qname === "") return null;
  if (closing) {
    const element = [...open].reverse().find((candidate) => candidate.qname === qname);
    const nameFrom = start + 2;
    return { tag: { qname, name: localName(qname), ns: element?.ns ?? "", nameFrom, nameTo: nameFrom + qname.length, attributes: {} }, start, end: start + whole.length, closing };
  }
  const scope = open.at(-1)?.scope ?? BASE_SCOPE;
  return { tag: describeTag(qname, start, readAttributes(whole), scope), start, end: start + whole.length, closing };
}

export function parentRef(open: readonly OpenElement[]): ElementRef {
  const top = open.at(-1);
  if (!top || (top.name === "stream" && top.ns === NS_STREAM)) return STREAM_LEVEL;
  return { name: top.name, ns: top.ns };
}

/** Walks complete tags before `offset`; `tagStart` is the unfinished tag the cursor is in, or -1. */
function scan(text: string, offset: number): { open: OpenElement[]; tagStart: number } {
  const open: OpenElement[] = [];
  let i = 0;
  while (i < offset) {
    const lt = text.indexOf("<", i);
    if (lt === -1 || lt >= offset) break;
    const end = findTagEnd(text, lt);
    if (end === -1) {
      // In an unfinished comment everything up to the cursor is comment.
      if (text.startsWith("<!", lt)) return { open, tagStart: lt };
      // An unfinished tag with another one after it, before the cursor: skip the broken one.
      const next = text.indexOf("<", lt + 1);
      if (next !== -1 && next < offset) {
        i = next;
        continue;
      }
      return { open, tagStart: lt };
    }
    if (end > offset) return { open, tagStart: lt };
    const tag = text.slice(lt, end);
    i = end;
    if (tag.startsWith("<!") || tag.startsWith("<?")) continue;
    if (tag.startsWith("</")) {
      const qname = /^<\/\s*([^\s>]*)/.exec(tag)?.[1] ?? "";
      const at = open.map((element) => element.qname).lastIndexOf(qname);
      if (at !== -1) open.length = at;
      continue;
    }
    const qname = /^<([^\s<>/="']*)/.exec(tag)?.[1] ?? "";
    if (qname === "" || tag.endsWith("/>")) continue;
    const scope = open.at(-1)?.scope ?? BASE_SCOPE;
    const info = describeTag(qname, lt, readAttributes(tag), scope);
    open.push({ qname, name: info.name, ns: info.ns, scope: withDeclarations(scope, info.attributes) });
  }
  return { open, tagStart: -1 };
}

/** The index just past the `>` that ends the tag at `start`, skipping quoted values; -1 if none. */
function findTagEnd(text: string, start: number): number {
  if (text.startsWith("<!--", start)) {
    const end = text.indexOf("-->", start + 4);
    return end === -1 ? -1 : end + 3;
  }
  let quote: string | null = null;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ">") {
      return i + 1;
    } else if (ch === "<") {
      return -1; // a new tag began: this one was never finished
    }
  }
  return -1;
}

function tagText(text: string, start: number): string {
  const end = findTagEnd(text, start);
  if (end !== -1) return text.slice(start, end);
  const next = text.indexOf("<", start + 1);
  return text.slice(start, next === -1 ? text.length : next);
}

function readAttributes(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of tag.matchAll(/\s([^\s<>/="']+)\s*=\s*(?:"([^"]*)"?|'([^']*)'?)/g)) {
    attributes[match[1]!] = match[2] ?? match[3] ?? "";
  }
  return attributes;
}

function describeTag(qname: string, start: number, attributes: Record<string, string>, scope: Readonly<Record<string, string>>): TagInfo {
  const own = withDeclarations(scope, attributes);
  const colon = qname.indexOf(":");
  const prefix = colon === -1 ? "" : qname.slice(0, colon);
  return { qname, name: localName(qname), ns: own[prefix] ?? "", nameFrom: start + 1, nameTo: start + 1 + qname.length, attributes };
}

function withDeclarations(scope: Readonly<Record<string, string>>, attributes: Record<string, string>): Record<string, string> {
  const next = { ...scope };
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "xmlns") next[""] = value;
    else if (name.startsWith("xmlns:")) next[name.slice(6)] = value;
  }
  return next;
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(":") + 1);
}

/** Inside an unfinished tag: the attribute whose quoted value the text ends in, if any. */
function openQuote(partial: string): { attribute: string; quote: string; valueStart: number } | null {
  let quote: string | null = null;
  let valueStart = 0;
  let attribute = "";
  for (let i = 0; i < partial.length; i++) {
    const ch = partial[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      valueStart = i + 1;
      attribute = /([^\s=]+)\s*=\s*$/.exec(partial.slice(0, i))?.[1] ?? "";
    }
  }
  return quote ? { attribute, quote, valueStart } : null;
}

function extendName(text: string, offset: number): number {
  let to = offset;
  while (to < text.length && NAME_CHAR.test(text[to]!)) to++;
  return to;
}
