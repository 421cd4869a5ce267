/**
 * XML 1.0 section 2.2 (the Char production): U+0000 and most C0 controls, lone surrogates,
 * U+FFFE and U+FFFF may not appear anywhere in a document, not even escaped as text. A
 * stream holding one is not well-formed (RFC 6120 section 4.9.3.13).
 */

const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface IllegalChar {
  /** UTF-16 index in the text. */
  offset: number;
  codeUnit: number;
  message: string;
}

export function findIllegalXmlChar(text: string): IllegalChar | null {
  const match = ILLEGAL_CHAR.exec(text);
  if (match === null) return null;
  const codeUnit = match[0].charCodeAt(0);
  const name = `U+${codeUnit.toString(16).toUpperCase().padStart(4, "0")}${codeUnit === 0 ? " (NUL)" : ""}`;
  return {
    offset: match.index,
    codeUnit,
    message: `${name} at character ${match.index + 1} is not allowed anywhere in XML, not even as text (XML 1.0 section 2.2, Char)`,
  };
}
