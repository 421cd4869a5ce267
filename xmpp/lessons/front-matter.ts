import { parseDocument } from "yaml";
import { LessonFormatError } from "./format-error";

/**
 * Splits a Markdown file into its YAML front matter (between two `---` lines at the top)
 * and the Markdown after it.
 */
export function splitFrontMatter(text: string, file: string): { data: Record<string, unknown>; body: string } {
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(normalized);
  if (!match) {
    throw new LessonFormatError(file, "front matter", 'the file must start with a line "---", the YAML fields, and another line "---" (see lessons/README.md)');
  }
  const document = parseDocument(match[1]!, { uniqueKeys: true, prettyErrors: true });
  const error = document.errors[0];
  if (error) {
    throw new LessonFormatError(file, "front matter", `is not valid YAML: ${error.message.split("\n")[0]} (quote values that contain ": " or start with "{", "[", "*" or "&")`);
  }
  const data: unknown = document.toJS();
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new LessonFormatError(file, "front matter", "must be a mapping of fields such as title: ... (see lessons/README.md)");
  }
  return { data: data as Record<string, unknown>, body: normalized.slice(match[0].length).trim() };
}
