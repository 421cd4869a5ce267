import type { EntryKind, TranscriptEntry } from "../xmpp/entry";
import { CLIENT_STREAM_CONTEXT } from "../xml/parse-element";
import { MAX_XML_DEPTH, tooDeepNote, walkXml } from "../xml/walk-xml";

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

/**
 * xml-formatter loads when a view first asks for indented text: no page needs it for its first
 * paint, and every page with lanes carried it in its initial JS (the 200 KB budget). Until it
 * has loaded, entries show as sent.
 */
let formatter: ((text: string) => string) | null = null;
let loading: Promise<void> | null = null;
const readyListeners = new Set<() => void>();

export function loadPrettyPrinter(): Promise<void> {
  loading ??= import("xml-formatter").then((module) => {
    formatter = (text) => module.default(text, FORMAT_OPTIONS);
    for (const listener of readyListeners) listener();
  });
  return loading;
}

export function isPrettyPrinterReady(): boolean {
  return formatter !== null;
}

/** Calls `listener` once the printer has loaded (useSyncExternalStore's subscribe). */
export function onPrettyPrinterReady(listener: () => void): () => void {
  readyListeners.add(listener);
  return () => readyListeners.delete(listener);
}

/** Pretty forms of entries' own raw, kept while the entry is (a view re-renders often). */
const prettyCache = new WeakMap<TranscriptEntry, PrettyView>();

export interface PrettyView {
  text: string;
  /** Why the text is shown raw although it is one element (too deep, too big); null otherwise. */
  note: string | null;
}

/**
 * The indented form of `text` (the entry's raw, or its revealed form), or `text` itself
 * when the entry is not one well-formed element.
 */
export function prettyText(entry: TranscriptEntry, text: string = entry.raw): string {
  return prettyView(entry, text).text;
}

/** The pretty form with the reason it could not be made, for a view to say. */
export function prettyView(entry: TranscriptEntry, text: string = entry.raw): PrettyView {
  const own = text === entry.raw;
  if (own) {
    const cached = prettyCache.get(entry);
    if (cached !== undefined) return cached;
  }
  const plan = prettyPlan(entry, text);
  if (plan.ok && formatter === null) {
    void loadPrettyPrinter();
    return { text, note: null };
  }
  const view = plan.ok ? { text: formatOrRaw(text), note: null } : { text, note: plan.note };
  if (own) prettyCache.set(entry, view);
  return view;
}

/** Longer texts are shown raw: indenting a megabyte would stall the page for nothing a person reads. */
export const PRETTY_MAX_CHARS = 100_000;
/**
 * Indentation grows with depth on every line: 100,000 short siblings deep in a tree would
 * indent into megabytes. Past this size of output the text is shown raw.
 */
export const PRETTY_MAX_OUTPUT = 250_000;
/** xml-formatter recurses once per level: deeper elements are shown raw, never handed to it. */
export const PRETTY_MAX_DEPTH = MAX_XML_DEPTH;

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
    return formatter === null ? text : formatter(text.trim());
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
