/**
 * Where a tag begun before `from` stops, read as text rather than parsed (for text that may
 * not be well-formed): the index of its closing `>`, or of a `<` met outside a quoted
 * attribute value (a well-formedness error, XML 1.0 section 3.1), or -1 when neither comes.
 * Quoted values are skipped whole, since a `>` inside one ends nothing.
 */
export function tagStop(text: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ">" || ch === "<") {
      return i;
    }
  }
  return -1;
}
