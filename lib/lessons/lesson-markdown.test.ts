import { describe, expect, it } from "vitest";
import { renderInert, renderLessonMarkdown } from "./lesson-markdown";

describe("lesson Markdown", () => {
  it("renders GitHub-flavoured tables, with their alignment, and keeps HTML in cells inert", () => {
    const html = renderInert("| value | you see | note |\n|---|:-:|---|\n| `to` | yes | <img src=x onerror=alert(1)> |");
    expect(html).toContain("<table>");
    expect(html).toContain("<th>value</th>");
    expect(html).toContain('<td align="center">yes</td>');
    expect(html).toContain("<td><code>to</code></td>");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img");
  });

  it("renders a table inside a step's prose segments, around a widget", () => {
    const segments = renderLessonMarkdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n:::jid-explorer\n\nAfter.");
    expect(segments.map((segment) => segment.kind)).toEqual(["html", "widget", "html"]);
    expect(segments[0]).toEqual({ kind: "html", html: expect.stringContaining("<td>2</td>") });
  });
});
