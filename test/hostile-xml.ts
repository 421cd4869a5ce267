/**
 * Shapes of XML a hostile server (or a careless paste) sends to make a recursive walk overflow
 * the stack or a view build a multi-megabyte string. Sizes from issue 11: 100,000 levels,
 * 100,000 siblings, 10,000 attributes; and the 5,000-level, 35 KB stanza that crashed the page.
 */

export const DEEP_LEVELS = 100_000;
export const WIDE_SIBLINGS = 100_000;
export const MANY_ATTRIBUTES = 10_000;

/** A message whose body holds `levels` nested elements. */
export function deepMessage(levels: number = DEEP_LEVELS): string {
  return `<message xmlns='jabber:client' to='bob@localhost' type='chat'><x xmlns='urn:example:deep'>${"<a>".repeat(levels)}deep${"</a>".repeat(levels)}</x></message>`;
}

/** A message with `count` empty siblings, optionally `depth` levels down. */
export function wideMessage(count: number = WIDE_SIBLINGS, depth = 0): string {
  return `<message xmlns='jabber:client' to='bob@localhost'>${"<a>".repeat(depth)}${"<b/>".repeat(count)}${"</a>".repeat(depth)}</message>`;
}

/** A message with `count` attributes on one element. */
export function manyAttributesMessage(count: number = MANY_ATTRIBUTES): string {
  const attributes = Array.from({ length: count }, (_, index) => ` a${index}='v${index}'`).join("");
  return `<message xmlns='jabber:client' to='bob@localhost'><x xmlns='urn:example:attrs'${attributes}/></message>`;
}

/** Generous for anything a person reads in one panel, far below "multi-megabyte". */
export const VIEW_MAX_CHARS = 300_000;
