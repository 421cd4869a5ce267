import fc from "fast-check";

/**
 * Generators for property tests of the framing and parsing code: text that looks like an
 * XMPP stream (headers, nested elements, keepalives) mixed with everything a hostile or
 * broken peer might send (stray markup, restricted XML, control characters, any Unicode),
 * and ways to cut it into the chunks a socket delivers.
 */

const NAMES = ["message", "presence", "iq", "body", "query", "x", "stream:features", "stream:error", "a:b", "q1"];

const safeText = fc.string({ unit: fc.constantFrom("a", "z", " ", "\n", "é", "中", "😀", "&amp;", "&#x41;", "&lt;", ">", "'", '"'), maxLength: 12 });
const attribute = fc
  .tuple(fc.constantFrom("id", "to", "type", "xmlns", "xmlns:a", "from"), safeText, fc.constantFrom('"', "'"))
  .map(([name, value, quote]) => ` ${name}=${quote}${value.replaceAll(quote, "")}${quote}`);

/** Well-formed (or nearly) elements, nested a few levels. */
const element: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(fc.constantFrom(...NAMES), fc.array(attribute, { maxLength: 3 })).map(([name, attrs]) => `<${name}${attrs.join("")}/>`),
    fc
      .tuple(fc.constantFrom(...NAMES), fc.array(attribute, { maxLength: 2 }), fc.array(fc.oneof(safeText, tie("node"), fc.constant("<![CDATA[<not> ]] a tag]]>")), { maxLength: 4 }))
      .map(([name, attrs, children]) => `<${name}${attrs.join("")}>${children.join("")}</${name}>`),
  ),
})).node;

const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

/** What breaks the rules: restricted XML (RFC 6120 section 11.1), stray markup, bad characters. */
const hostile = fc.constantFrom(
  "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;'>]>",
  "<message><body>&lol2;</body></message>",
  "<!-- a comment -->",
  "<?php echo 1 ?>",
  "<?xml version='1.0'?>",
  "<![CDATA[",
  "]]>",
  "<",
  ">",
  "</x>",
  "</stream:stream>",
  "<a b='>'>",
  "<a b=\"<\">",
  "<message><body>\u0000</body></message>",
  "\u0000",
  "\uFFFE",
  "\uD800",
  "text",
  " ",
  "\r\n",
  "<!ENTITY x 'y'>",
  "<!-",
  "<?",
);

const anyText = fc.string({ unit: "binary", maxLength: 24 });

/** One piece of a stream, most of them plausible, some of them not. */
const piece = fc.oneof(
  { weight: 2, arbitrary: fc.constant(HEADER) },
  { weight: 6, arbitrary: element },
  { weight: 3, arbitrary: hostile },
  { weight: 1, arbitrary: anyText },
  { weight: 2, arbitrary: fc.constantFrom(" ", "\n", "\t") },
);

/** A stream-like text: up to a dozen pieces in a row. */
export const streamText: fc.Arbitrary<string> = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(""));

/** Cut points for a sequence of `length` units: sorted, distinct, inside it. */
export const cuts = fc.array(fc.nat(), { maxLength: 8 });

export function splitAt<T extends { slice(from: number, to?: number): T; length: number }>(whole: T, points: readonly number[]): T[] {
  const inside = [...new Set(points.map((point) => (whole.length === 0 ? 0 : point % (whole.length + 1))))].sort((a, b) => a - b);
  const chunks: T[] = [];
  let from = 0;
  for (const point of inside) {
    chunks.push(whole.slice(from, point));
    from = point;
  }
  chunks.push(whole.slice(from));
  return chunks;
}

/** Bytes of a stream: its UTF-8, with arbitrary bytes (not all of them UTF-8) spliced in. */
export const streamBytes: fc.Arbitrary<Uint8Array> = fc
  .tuple(streamText, fc.array(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })), { maxLength: 3 }))
  .map(([text, insertions]) => {
    let bytes = new TextEncoder().encode(text);
    for (const [at, inserted] of insertions) {
      const position = at % (bytes.length + 1);
      const joined = new Uint8Array(bytes.length + inserted.length);
      joined.set(bytes.subarray(0, position), 0);
      joined.set(inserted, position);
      joined.set(bytes.subarray(position), position + inserted.length);
      bytes = joined;
    }
    return bytes;
  });

/**
 * Well-formed elements whose text is built to trip a framer that counts characters instead
 * of reading markup: attribute values holding `/>`, `>` and the other quote, CDATA holding
 * `>`, `]]` and `<a>`, escaped text. Names need no namespace declaration beyond the stream's.
 */
const WELL_FORMED_NAMES = ["message", "presence", "iq", "body", "query", "x", "stream:features", "q1"];
const valueText = fc.string({ unit: fc.constantFrom("a", " ", "/>", ">", "/", "é", "😀", "&amp;", "&lt;", "&#x41;", "'", '"', "=", "]]"), maxLength: 8 });
const trickyAttribute = fc
  .tuple(fc.constantFrom("id", "to", "type", "from"), valueText, fc.constantFrom('"', "'"))
  .map(([name, value, quote]) => ` ${name}=${quote}${value.replaceAll(quote, quote === '"' ? "&quot;" : "&apos;")}${quote}`);
const cdata = fc.string({ unit: fc.constantFrom("x", ">", "]]", "]", "<a>", "/>", " ", "&lol;"), maxLength: 8 }).map((content) => {
  // "]]>" ends a CDATA section, so content may not hold it; "]]" followed by anything else may stand.
  const safe = content.replaceAll("]]>", "]] >");
  return `<![CDATA[${safe.endsWith("]]") || safe.endsWith("]") ? `${safe} ` : safe}]]>`;
});
const escapedText = fc.string({ unit: fc.constantFrom("a", " ", "\n", ">", "/>", "'", '"', "&amp;", "&lt;", "&gt;", "&#233;", "中"), maxLength: 10 });

function uniqueAttributes(attrs: string[]): string {
  const seen = new Set<string>();
  return attrs.filter((attr) => !seen.has(attr.split("=")[0]!) && seen.add(attr.split("=")[0]!)).join("");
}

export const wellFormedElement: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(fc.constantFrom(...WELL_FORMED_NAMES), fc.array(trickyAttribute, { maxLength: 3 }), fc.constantFrom("/>", " />")).map(([name, attrs, end]) => `<${name}${uniqueAttributes(attrs)}${end}`),
    fc
      .tuple(fc.constantFrom(...WELL_FORMED_NAMES), fc.array(trickyAttribute, { maxLength: 3 }), fc.array(fc.oneof(escapedText, cdata, tie("node")), { maxLength: 4 }))
      .map(([name, attrs, children]) => `<${name}${uniqueAttributes(attrs)}>${children.join("")}</${name} >`.replace(/ >$/, ">")),
  ),
})).node;

/** A stream that is all well-formed: the header, then elements and keepalives, maybe the close. */
export interface WellFormedStream {
  text: string;
  /** The pieces after the header, in order, with what each is. */
  pieces: { raw: string; kind: "element" | "whitespace" | "stream-close" }[];
  header: string;
}

export const wellFormedStream: fc.Arbitrary<WellFormedStream> = fc
  .tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: wellFormedElement.map((raw) => ({ raw, kind: "element" as const })) }, { weight: 1, arbitrary: fc.constantFrom(" ", "\n", "\r\n\t ").map((raw) => ({ raw, kind: "whitespace" as const })) }), { maxLength: 8 }),
    fc.boolean(),
  )
  .map(([pieces, closed]) => {
    // Two keepalives in a row are one run of whitespace to a reader.
    const merged: WellFormedStream["pieces"] = [];
    for (const piece of pieces) {
      const last = merged.at(-1);
      if (last?.kind === "whitespace" && piece.kind === "whitespace") last.raw += piece.raw;
      else merged.push({ ...piece });
    }
    if (closed) merged.push({ raw: "</stream:stream>", kind: "stream-close" });
    return { header: HEADER, pieces: merged, text: HEADER + merged.map((piece) => piece.raw).join("") };
  });
