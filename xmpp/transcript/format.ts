import formatXml from "xml-formatter";
import type { EntryKind, TranscriptEntry } from "../xmpp/entry";
import { parseElement } from "../xml/parse-element";

/**
 * Views of an entry for the lanes. `raw` stays the truth: the pretty form is only ever
 * offered for a single well-formed element, because xml-formatter quietly "repairs" what
 * it cannot parse (closing an open stream header, say), which would show bytes that never
 * crossed the wire.
 */

/** Not elements, or not whole ones: always shown exactly as they were. */
const SHOWN_RAW: ReadonlySet<EntryKind> = new Set<EntryKind>(["stream-open", "stream-close", "malformed", "whitespace", "status"]);

const FORMAT_OPTIONS = {
  indentation: "  ",
  collapseContent: true,
  lineSeparator: "\n",
  strictMode: true,
  throwOnFailure: true,
} as const;

/** Pretty forms of entries' own raw, kept while the entry is (a view re-renders often). */
const prettyCache = new WeakMap<TranscriptEntry, string>();

/**
 * The indented form of `text` (the entry's raw, or its revealed form), or `text` itself
 * when the entry is not one well-formed element.
 */
export function prettyText(entry: TranscriptEntry, text: string = entry.raw): string {
  const own = text === entry.raw;
  if (own) {
    const cached = prettyCache.get(entry);
    if (cached !== undefined) return cached;
  }
  const pretty = canPrettyPrint(entry, text) ? formatOrRaw(text) : text;
  if (own) prettyCache.set(entry, pretty);
  return pretty;
}

/** Longer texts are shown raw: indenting a megabyte would stall the page for nothing a person reads. */
export const PRETTY_MAX_CHARS = 100_000;

/** Whether `text` may be pretty-printed: one element that our strict parser accepts. */
export function canPrettyPrint(entry: TranscriptEntry, text: string = entry.raw): boolean {
  if (entry.dir === "event" || SHOWN_RAW.has(entry.kind) || text.length > PRETTY_MAX_CHARS) return false;
  // Checked again rather than trusting `kind`: a capture may come from elsewhere.
  return parseElement(text.trim()).ok;
}

function formatOrRaw(text: string): string {
  try {
    return formatXml(text.trim(), FORMAT_OPTIONS);
  } catch {
    return text;
  }
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** Wall-clock time of day, HH:MM:SS.mmm, in the viewer's time zone (or UTC). */
export function formatClock(wall: number, utc = false): string {
  const date = new Date(wall);
  if (Number.isNaN(date.getTime())) return "--:--:--.---";
  const [hours, minutes, seconds, millis] = utc
    ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()]
    : [date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds()];
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(millis, 3)}`;
}

/** Time since the row before, at a precision that suits its size: +0.4 ms, +1.25 s, +2 min 05 s. */
export function formatDelta(ms: number): string {
  return `+${formatDuration(Math.max(0, ms))}`;
}

/** A duration such as an iq round trip. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = pad(totalSeconds % 60);
  return hours > 0 ? `${hours} h ${pad(minutes)} min ${seconds} s` : `${minutes} min ${seconds} s`;
}
