import formatXml from "xml-formatter";
import type { EntryKind, TranscriptEntry } from "../xmpp/entry";
import { CLIENT_STREAM_CONTEXT } from "../xml/parse-element";
import { MAX_XML_DEPTH, tooDeepNote, walkXml } from "../xml/walk-xml";

/**
 * The indented view of an entry, loaded by format.ts on first use. `raw` stays the truth:
 * the pretty form is only ever offered for a single well-formed element, because
 * xml-formatter quietly "repairs" what it cannot parse (closing an open stream header, say),
 * which would show bytes that never crossed the wire.
 */

export interface PrettyView {
  text: string;
  /** Why the text is shown raw although it is one element (too deep, too big); null otherwise. */
  note: string | null;
}

/** Not elements, or not whole ones: always shown exactly as they were. */
const SHOWN_RAW: ReadonlySet<EntryKind> = new Set<EntryKind>(["stream-open", "stream-close", "malformed", "whitespace", "status"]);

const FORMAT_OPTIONS = {
  indentation: "  ",
  collapseContent: true,
  lineSeparator: "\n",
  strictMode: true,
  throwOnFailure: true,
} as const;

/** Longer texts are shown raw: indenting a megabyte would stall the page for nothing a person reads. */
export const PRETTY_MAX_CHARS = 100_000;
/**
 * Indentation grows with depth on every line: 100,000 short siblings deep in a tree would
 * indent into megabytes. Past this size of output the text is shown raw.
 */
export const PRETTY_MAX_OUTPUT = 250_000;
/** xml-formatter recurses once per level: deeper elements are shown raw, never handed to it. */
export const PRETTY_MAX_DEPTH = MAX_XML_DEPTH;

/** The indented form of `text` with the reason it could not be made, for a view to say. */
export function prettyOrRaw(entry: TranscriptEntry, text: string): PrettyView {
  const plan = prettyPlan(entry, text);
  return plan.ok ? { text: formatOrRaw(text), note: null } : { text, note: plan.note };
}

/** Whether `text` may be pretty-printed: one element that our strict parser accepts. */
export function canPrettyPrint(entry: TranscriptEntry, text: string = entry.raw): boolean {
  return prettyPlan(entry, text).ok;
}

type PrettyPlan = { ok: true } | { ok: false; note: string | null };

function prettyPlan(entry: TranscriptEntry, text: string): PrettyPlan {
  if (entry.dir === "event" || SHOWN_RAW.has(entry.kind)) return { ok: false, note: null };
  if (text.length > PRETTY_MAX_CHARS) return { ok: false, note: `Shown as sent: entries over ${PRETTY_MAX_CHARS.toLocaleString("en-US")} characters are not indented.` };
  // Checked again rather than trusting `kind`: a capture may come from elsewhere.
  let strayText = false;
  let indentation = 0;
  const walked = walkXml(
    text.trim(),
    { namespaces: { ...CLIENT_STREAM_CONTEXT.prefixes, "": CLIENT_STREAM_CONTEXT.defaultNs }, maxDepth: PRETTY_MAX_DEPTH },
    {
      open(_tag, depth) {
        // A start and an end line, each indented by the depth.
        indentation += 2 * FORMAT_OPTIONS.indentation.length * (depth - 1) + 2;
      },
      text(data, depth) {
        if (depth === 0 && data.trim() !== "") strayText = true;
      },
    },
  );
  if (walked.error !== null || strayText || walked.roots !== 1) return { ok: false, note: null };
  if (walked.tooDeep) return { ok: false, note: tooDeepNote(PRETTY_MAX_DEPTH) };
  if (text.length + indentation > PRETTY_MAX_OUTPUT) return { ok: false, note: `Shown as sent: indented, this entry would run past ${PRETTY_MAX_OUTPUT.toLocaleString("en-US")} characters.` };
  return { ok: true };
}

function formatOrRaw(text: string): string {
  try {
    return formatXml(text.trim(), FORMAT_OPTIONS);
  } catch {
    return text;
  }
}
