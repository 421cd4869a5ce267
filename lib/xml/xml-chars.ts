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
  return { offset: match.index, codeUnit, message: illegalCharMessage(codeUnit, match.index) };
}

/** "U+0000 (NUL)", "U+1F600": how a message names a character. */
export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}${codePoint === 0 ? " (NUL)" : ""}`;
}

/** Whether XML 1.0 allows the code point at all (section 2.2, Char). */
export function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/** The message for a character XML forbids, at a UTF-16 offset into the element's text. */
export function illegalCharMessage(codePoint: number, offset: number): string {
  return `${codePointName(codePoint)} at character ${offset + 1} is not allowed anywhere in XML, not even as text (XML 1.0 section 2.2, Char)`;
}

/**
 * findIllegalXmlChar over text that arrives in pieces, with offsets counted from the first
 * piece: `end` returns what findIllegalXmlChar returns for all the pieces joined. A high
 * surrogate ending a piece waits for the next one, whose first unit may complete its pair.
 */
export class IllegalCharScan {
  private found: IllegalChar | null = null;
  private written = 0;
  private carry = "";

  write(piece: string): void {
    if (this.found !== null || piece === "") return;
    const start = this.written - this.carry.length;
    const text = this.carry + piece;
    this.written += piece.length;
    const last = text.charCodeAt(text.length - 1);
    const split = last >= 0xd800 && last <= 0xdbff;
    this.carry = split ? text.slice(-1) : "";
    this.check(split ? text.slice(0, -1) : text, start);
  }

  end(): IllegalChar | null {
    if (this.found === null && this.carry !== "") this.check(this.carry, this.written - this.carry.length);
    this.carry = "";
    return this.found;
  }

  private check(text: string, start: number): void {
    const found = findIllegalXmlChar(text);
    if (found !== null) this.found = { offset: start + found.offset, codeUnit: found.codeUnit, message: illegalCharMessage(found.codeUnit, start + found.offset) };
  }
}
