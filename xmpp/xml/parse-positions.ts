import { SaxesParser, type SaxesTagNS } from "saxes";

/**
 * A strict, namespace-aware parse (saxes) that keeps where everything is: the editor
 * needs offsets to put a marker under the exact tag or attribute, and the validator walks
 * the whole tree (parse-element.ts keeps only an outline, and no positions).
 */

export interface PositionedAttribute {
  /** As written: `type`, `xml:lang`, `xmlns:stream`. */
  name: string;
  local: string;
  uri: string;
  value: string;
  /** Offset of the attribute name. */
  offset: number;
  /** Offset and length of the value between its quotes. */
  valueOffset: number;
  valueLength: number;
}

export interface PositionedElement {
  /** Local name, without prefix. */
  name: string;
  /** As written, with its prefix: `stream:features`. */
  qname: string;
  ns: string;
  attributes: PositionedAttribute[];
  children: PositionedElement[];
  /** Character data directly inside, concatenated. */
  text: string;
  /** Offset of the `<` of the start tag. */
  start: number;
  /** Offset just after the `>` of the start tag. */
  startTagEnd: number;
  /** Offset just after the end tag; null while it was never closed. */
  end: number | null;
}

export interface XmlProblem {
  message: string;
  offset: number;
  length: number;
}

export interface PositionedParse {
  elements: PositionedElement[];
  problems: XmlProblem[];
}

export interface ParseOptions {
  /** Namespaces in scope before the text starts, such as the stream's; "" is the default. */
  namespaces: Record<string, string>;
  /** Where `text` starts in the larger text it was cut from: every offset is shifted by it. */
  base?: number;
  /** Allow several top-level elements and no XML declaration (a piece of a stream). */
  fragment?: boolean;
}

/** saxes problems after which its tag stack no longer matches the text: later ones are echoes. */
const STRUCTURAL = /^(unexpected close tag|unmatched closing tag|unexpected end)/;

export function parseWithPositions(text: string, options: ParseOptions): PositionedParse {
  const base = options.base ?? 0;
  const parser = new SaxesParser({ xmlns: true, fragment: options.fragment ?? true, position: true, additionalNamespaces: options.namespaces });
  const elements: PositionedElement[] = [];
  const problems: XmlProblem[] = [];
  const stack: PositionedElement[] = [];
  let confused = false;
  const bareAmpersand = findBareAmpersand(text);
  let tagStart = 0;
  // Elements saxes closed at the current position: a mismatched end tag closes several at once.
  let closedHere: { at: number; names: string[] } = { at: -1, names: [] };

  const report = (offset: number, length: number, message: string) => {
    if (confused) return;
    problems.push({ message, offset: base + Math.max(0, Math.min(offset, text.length)), length: Math.max(0, Math.min(length, text.length - offset)) });
  };

  parser.on("opentagstart", () => {
    tagStart = text.lastIndexOf("<", parser.position - 1);
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    const end = parser.position;
    const element: PositionedElement = {
      name: tag.local,
      qname: tag.name,
      ns: tag.uri,
      attributes: locateAttributes(text, tagStart, end, tag, base),
      children: [],
      text: "",
      start: base + tagStart,
      startTagEnd: base + end,
      end: null,
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else elements.push(element);
    stack.push(element);
  });
  parser.on("closetag", () => {
    const element = stack.pop();
    if (!element) return;
    element.end = base + parser.position;
    if (closedHere.at !== parser.position) closedHere = { at: parser.position, names: [] };
    closedHere.names.push(element.qname);
  });
  const addText = (data: string) => {
    const current = stack.at(-1);
    if (current) current.text += data;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.on("error", (error) => {
    const message = error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, "");
    if (message.startsWith("unclosed tag")) return; // reported below, at the start tag
    // saxes reads a bare "&" as the start of an entity and gets lost after it: say it plainly.
    if (bareAmpersand !== -1 && parser.position > bareAmpersand) {
      report(bareAmpersand, 1, `A bare "&" is not allowed in XML: write &amp; instead.`);
      confused = true;
      return;
    }
    const problem = describe(message, text, parser.position, {
      closedHere: closedHere.at === parser.position ? closedHere.names : [],
      open: stack.map((element) => element.qname),
    });
    // A mismatched end tag makes saxes report once per element it closes: keep the first.
    if (!problems.some((known) => known.offset === base + problem.offset && STRUCTURAL.test(message))) report(problem.offset, problem.length, problem.message);
    if (STRUCTURAL.test(message)) confused = true;
  });

  try {
    parser.write(text).close();
  } catch (error) {
    report(text.length, 0, error instanceof Error ? error.message : String(error));
  }
  for (const open of stack) {
    report(open.start - base, open.qname.length + 1, `<${open.qname}> is never closed: add </${open.qname}> after its content, or write <${open.qname}/> if it has none.`);
  }
  return { elements, problems };
}

/** Finds each attribute saxes reported in the start tag's text, to know its offsets. */
function locateAttributes(text: string, start: number, end: number, tag: SaxesTagNS, base: number): PositionedAttribute[] {
  const source = text.slice(start, end);
  const found = new Map<string, { offset: number; valueOffset: number; valueLength: number }>();
  const pattern = /[\s]([^\s=/>]+)\s*=\s*(["'])/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    const name = match[1]!;
    const valueOffset = match.index + match[0].length;
    const close = source.indexOf(match[2]!, valueOffset);
    const valueEnd = close === -1 ? source.length : close;
    if (!found.has(name)) found.set(name, { offset: start + match.index + 1, valueOffset: start + valueOffset, valueLength: valueEnd - valueOffset });
    pattern.lastIndex = valueEnd + 1;
  }
  return Object.values(tag.attributes).map((attribute) => {
    const where = found.get(attribute.name) ?? { offset: start, valueOffset: start, valueLength: 0 };
    return {
      name: attribute.name,
      local: attribute.local,
      uri: attribute.uri,
      value: attribute.value,
      offset: base + where.offset,
      valueOffset: base + where.valueOffset,
      valueLength: where.valueLength,
    };
  });
}

/** Turns a saxes message into one that says what to do, placed on the offending text. */
function describe(message: string, text: string, position: number, tags: { closedHere: string[]; open: string[] }): XmlProblem {
  const at = (offset: number, length: number, words: string): XmlProblem => ({ offset, length, message: words });
  const closeTagAt = text.lastIndexOf("</", position - 1);
  const closeName = /^<\/\s*([^\s>]*)/.exec(text.slice(closeTagAt))?.[1] ?? "";

  if (message === "unexpected close tag.") {
    const stillOpen = tags.closedHere[0] ?? "an element";
    if (!tags.open.includes(closeName)) {
      return at(closeTagAt, position - closeTagAt, `</${closeName}> closes nothing: the open element here is <${stillOpen}>, so write </${stillOpen}> (or fix the name).`);
    }
    return at(closeTagAt, position - closeTagAt, `</${closeName}> comes while <${stillOpen}> is still open: close it with </${stillOpen}> first.`);
  }
  const unmatched = /^unmatched closing tag: (.*)\.$/.exec(message);
  if (unmatched) {
    return at(closeTagAt, position - closeTagAt, `</${unmatched[1]}> closes nothing: no <${unmatched[1]}> is open here. Remove it or fix the name.`);
  }
  if (message === "undefined entity.") {
    const amp = text.lastIndexOf("&", position - 1);
    const entity = text.slice(amp, position);
    return at(amp, position - amp, `${entity} is not an entity XML knows: write &lt; &gt; &amp; &quot; &apos; or a numeric reference such as &#160; (RFC 6120 section 11.1 allows no DTD).`);
  }
  const duplicate = /^duplicate attribute: (.*)\.$/.exec(message);
  if (duplicate) {
    const tagStart = text.lastIndexOf("<", position - 1);
    const tag = text.slice(tagStart, position);
    const pattern = new RegExp(`\\s${escapeRegExp(duplicate[1]!)}\\s*=`, "g");
    pattern.exec(tag);
    const second = pattern.exec(tag);
    const offset = second ? tagStart + second.index + 1 : tagStart;
    return at(offset, duplicate[1]!.length, `The attribute ${duplicate[1]} appears twice in this tag: keep one.`);
  }
  const unbound = /^unbound namespace prefix: "(.*)"\.$/.exec(message);
  if (unbound) {
    const prefix = unbound[1]!;
    const use = text.lastIndexOf(`${prefix}:`, position - 1);
    const offset = use === -1 ? position - 1 : use;
    // The one prefix every learner meets: the stream header's (RFC 6120 section 4.8.1).
    const uri = prefix === "stream" ? "http://etherx.jabber.org/streams" : "…";
    return at(offset, prefix.length, `The prefix "${prefix}" is not declared: add xmlns:${prefix}="${uri}" on this element or an ancestor, or drop the prefix.`);
  }
  if (/XML declaration must (be|appear) at the start/.test(message)) {
    const declaration = text.indexOf("<?xml");
    const end = text.indexOf("?>", declaration);
    if (declaration !== -1) return at(declaration, (end === -1 ? text.length : end + 2) - declaration, "An XML declaration may only come first, right before a stream header: remove it here.");
  }
  if (message === "unquoted attribute value.") return at(position - 1, 1, `Attribute values need quotes: write name="value".`);
  if (message === "attribute without value.") return at(position - 1, 1, `This attribute has no value: write name="value".`);
  if (message === "no whitespace between attributes.") return at(position - 1, 1, "Put a space between two attributes.");
  if (message === "unexpected end.") return at(Math.max(0, text.length - 1), 1, "The text ends in the middle of a tag: finish it with > (or />).");
  if (message === "disallowed character." && text[position - 1] === "<") {
    return at(position - 1, 1, `"<" cannot appear in an attribute value or here: write &lt; instead.`);
  }
  return at(Math.max(0, position - 1), 1, `Not well-formed XML: ${message} Fix it here; a server answers not-well-formed XML with a stream error and closes the stream.`);
}

/** The first "&" that starts no entity or character reference, outside CDATA sections. */
function findBareAmpersand(text: string): number {
  const withoutCdata = text.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, (section) => " ".repeat(section.length));
  const match = /&(?!(?:[A-Za-z_:][\w.:-]*|#[0-9]+|#x[0-9a-fA-F]+);)/.exec(withoutCdata);
  return match ? match.index : -1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
