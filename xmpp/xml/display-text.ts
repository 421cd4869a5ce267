/**
 * What a view shows of an entry's text. The text is the truth and stays whole (copy and
 * export give all of it); a view shows at most a screenful, so a megabyte stanza cannot
 * stall the page, and draws control characters visibly, so a NUL on the wire shows as ␀.
 */

/** Characters a row of the lanes shows before it says the rest is left out. */
export const ROW_DISPLAY_CHARS = 4000;

export interface DisplayText {
  text: string;
  /** Characters of the original left out (0 when it is shown whole). */
  omitted: number;
  total: number;
}

export function displayText(text: string, limit: number = ROW_DISPLAY_CHARS): DisplayText {
  if (text.length <= limit) return { text: withVisibleControls(text), omitted: 0, total: text.length };
  // Never end on half of a surrogate pair.
  const end = isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit;
  return { text: withVisibleControls(text.slice(0, end)), omitted: text.length - end, total: text.length };
}

/** The note under a shortened text: how much is shown, and where the rest is. */
export function truncationNote(shown: DisplayText): string {
  const format = (count: number) => count.toLocaleString("en-US");
  return `Showing the first ${format(shown.total - shown.omitted)} of ${format(shown.total)} characters. Copy the entry or export the transcript for all of it.`;
}

const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROLS_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Control characters that would be invisible (or act on the layout) drawn as their Unicode
 * "control pictures" (U+0000 as ␀, U+007F as ␡). Tab, line feed and carriage return stay.
 */
export function withVisibleControls(text: string): string {
  if (!CONTROLS.test(text)) return text;
  return text.replace(CONTROLS_ALL, (ch) => {
    const code = ch.charCodeAt(0);
    return String.fromCharCode(code === 0x7f ? 0x2421 : 0x2400 + code);
  });
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
