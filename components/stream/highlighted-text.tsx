import type { SearchMatcher } from "@/lib/transcript/query";
import styles from "./stream-lanes.module.css";

/**
 * `text` with the search's matches marked. Everything stays a text node: a server's bytes
 * are split into spans, never parsed as markup.
 */
export function HighlightedText({ text, matcher }: { text: string; matcher: SearchMatcher | null }) {
  if (matcher === null) return text;
  const ranges = matcher.ranges(text);
  if (ranges.length === 0) return text;
  const parts: React.ReactNode[] = [];
  let from = 0;
  for (const [start, end] of ranges) {
    if (start > from) parts.push(text.slice(from, start));
    parts.push(
      <mark key={start} className={styles.match}>
        {text.slice(start, end)}
      </mark>,
    );
    from = end;
  }
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}
