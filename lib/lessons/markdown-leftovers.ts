/**
 * Markdown syntax that survived rendering and would show as literal characters on the page:
 * a table row outside a table, `**` that never closed, a link that did not form. Read from
 * the rendered HTML's text, outside code (where such characters are the point).
 */

export interface Leftover {
  /** The line of rendered text, shortened. */
  text: string;
  message: string;
}

const RULES: { test: (line: string) => boolean; message: string }[] = [
  {
    test: (line) => line.startsWith("|"),
    message: "shows a raw table row: a table needs a header row, then a delimiter row (|---|---|), with no blank line between its rows",
  },
  { test: (line) => line.includes("**") || line.includes("__"), message: "shows a literal ** or __: emphasis needs its closing marker, with no space just inside" },
  { test: (line) => /\]\(/.test(line), message: "shows a literal ](: a link is [text](https://…), with nothing between ] and (" },
  { test: (line) => line.startsWith(":::"), message: "shows a literal ::: line: the only widget is :::jid-explorer, alone on its line" },
  { test: (line) => line.includes("`"), message: "shows a literal backtick: a code span needs its closing backtick in the same paragraph" },
];

/** The leftovers in `html`, as micromark renders lesson Markdown (lib/lessons/lesson-markdown.ts): the first line of each kind. */
export function markdownLeftovers(html: string): Leftover[] {
  const lines = renderedLines(html);
  return RULES.flatMap((rule) => {
    const line = lines.find(rule.test);
    return line === undefined ? [] : [{ text: line.length > 60 ? `${line.slice(0, 57)}…` : line, message: rule.message }];
  });
}

/** The text a reader sees, line by line, without code (micromark escapes code, so no tag hides inside it). */
function renderedLines(html: string): string[] {
  const text = html
    .replace(/<pre>[\s\S]*?<\/pre>/g, "\n")
    .replace(/<code>[\s\S]*?<\/code>/g, "code")
    .replace(/<\/?(p|li|ul|ol|h[1-6]|blockquote|table|thead|tbody|tr|th|td|br|hr)\b[^>]*>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&");
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
