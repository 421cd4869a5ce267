import type { TranscriptEntry } from "../xmpp/entry";
import { lazyModule } from "../lazy-module";
import type { PrettyView } from "./pretty-printer";

/** Views of an entry for the lanes: its indented form (pretty-printer.ts says when one is offered) and its times. */

/**
 * The indenting code (xml-formatter, and our strict parser that decides what may be indented)
 * loads when a view first asks for indented text: no page needs it for its first paint, and
 * every page with lanes carried both in its initial JS (the 200 KB budget). Until it has
 * loaded, entries show as sent.
 */
const printer = lazyModule(() => import("./pretty-printer"));

export function loadPrettyPrinter(): Promise<void> {
  return printer.load().then(() => undefined);
}

export function isPrettyPrinterReady(): boolean {
  return printer.current() !== null;
}

/** Calls `listener` once the printer has loaded (useSyncExternalStore's subscribe). */
export function onPrettyPrinterReady(listener: () => void): () => void {
  return printer.subscribe(listener);
}

/** Pretty forms of entries' own raw, kept while the entry is (a view re-renders often). */
const prettyCache = new WeakMap<TranscriptEntry, PrettyView>();

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
  const loaded = printer.current();
  if (loaded === null) {
    // A failed load leaves the rows as sent; the next view that asks tries again.
    loadPrettyPrinter().catch(() => undefined);
    return { text, note: null };
  }
  const view = loaded.prettyOrRaw(entry, text);
  if (own) prettyCache.set(entry, view);
  return view;
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

export type { PrettyView };
