import { tagAt } from "./cursor";
import { findAttribute, findElement, isKnownNamespace } from "./index";
import { attributeMarkdown, elementMarkdown, namespaceMarkdown } from "./markdown";

/** What the editor shows when the pointer rests on a tag name, an attribute or its value. */

export interface HoverInfo {
  markdown: string;
  /** The range the hover is about, in the text. */
  offset: number;
  length: number;
}

export function hoverAt(text: string, offset: number): HoverInfo | null {
  const found = tagAt(text, offset);
  if (!found) return null;
  const { tag } = found;
  const spec = findElement(tag.name, tag.ns);
  if (offset >= tag.nameFrom && offset <= tag.nameTo) {
    return { markdown: spec ? elementMarkdown(spec) : unknownElement(tag.qname, tag.ns), offset: tag.nameFrom, length: tag.nameTo - tag.nameFrom };
  }
  if (found.closing) return null;
  const source = text.slice(found.start, found.end);
  for (const match of source.matchAll(/\s([^\s<>/="']+)\s*=\s*(["'])([^"']*)/g)) {
    const name = match[1]!;
    const from = found.start + match.index + 1;
    const to = found.start + match.index + match[0].length + 1;
    if (offset < from || offset > to) continue;
    const value = match[3]!;
    if (name === "xmlns" || name.startsWith("xmlns:")) return { markdown: namespaceMarkdown(value), offset: from, length: to - from };
    if (name === "xml:lang") return { markdown: "**`xml:lang`**\n\nThe language of the human-readable text inside, such as `en` (RFC 6120 section 8.1.5).", offset: from, length: to - from };
    const attribute = spec && findAttribute(spec, name);
    if (!spec || !attribute) return null;
    return { markdown: attributeMarkdown(spec, attribute, value), offset: from, length: to - from };
  }
  return null;
}

function unknownElement(qname: string, ns: string): string {
  const name = `\`<${qname.replace(/`/g, "'")}>\``;
  if (ns === "") return `${name} is in no namespace: declare one with xmlns.`;
  if (isKnownNamespace(ns)) return `${name} is not defined in \`${ns}\`; the recipient will ignore it or answer with an error.`;
  return `${name} is in \`${ns.replace(/`/g, "'")}\`, which this playground's schema does not describe.`;
}
