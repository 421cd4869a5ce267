import { micromark } from "micromark";
import { gfmTable, gfmTableHtml } from "micromark-extension-gfm-table";

/**
 * Lesson Markdown to HTML, on the server at build time, so the page ships no Markdown
 * parser. micromark's defaults keep lesson text inert: raw HTML is escaped and shown as
 * text (a lesson may write `<presence/>` bare), and URLs with other protocols than
 * http(s), mailto and the like lose their href (no `javascript:`).
 *
 * Tables are GitHub-flavoured (the GFM table extension), as lessons/README.md documents;
 * like the rest of the Markdown they render here, so the extension never reaches a browser.
 *
 * A line holding only `:::name` asks for an interactive widget there (lessons/README.md).
 */

export const WIDGETS = ["jid-explorer"] as const;
export type WidgetName = (typeof WIDGETS)[number];

export type LessonSegment = { kind: "html"; html: string } | { kind: "widget"; widget: WidgetName };

const MARKER = /^:::([a-z][a-z-]*)[ \t]*$/;

export function renderLessonMarkdown(markdown: string): LessonSegment[] {
  const segments: LessonSegment[] = [];
  let pending: string[] = [];
  const flush = () => {
    const text = pending.join("\n");
    pending = [];
    if (text.trim() !== "") segments.push({ kind: "html", html: renderInert(text) });
  };
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    // A marker inside a code block is an example of the marker, not a request for it.
    if (/^\s{0,3}(```|~~~)/.test(line)) fenced = !fenced;
    const widget = fenced ? undefined : MARKER.exec(line)?.[1];
    if (widget !== undefined && (WIDGETS as readonly string[]).includes(widget)) {
      flush();
      segments.push({ kind: "widget", widget: widget as WidgetName });
    } else {
      pending.push(line);
    }
  }
  flush();
  return segments;
}

/** Short text (a hint, a failure explanation) as HTML, with the same guarantees. */
export function renderInert(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: false, allowDangerousProtocol: false, extensions: [gfmTable()], htmlExtensions: [gfmTableHtml()] });
}
