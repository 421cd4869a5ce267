import type { StreamViolation } from "./framing";
import type { EventCode } from "./event-codes";

/**
 * One record of a session's transcript (see DESIGN.md, "The data that flows").
 * Plain data: it crosses the bridge's WebSocket as JSON and is stored in the browser.
 */

export type Direction = "out" | "in" | "event";

export type EntryKind =
  | "stream-open"
  | "stream-close"
  | "features"
  | "tls"
  | "sasl"
  | "bind"
  | "message"
  | "presence"
  | "iq"
  | "sm"
  | "stream-error"
  | "other"
  | "whitespace"
  | "malformed"
  | "status";

/** The addressing attributes of a stanza, as written on the wire. */
export interface EntryAttrs {
  to?: string;
  from?: string;
  id?: string;
  type?: string;
}

export interface TranscriptEntry {
  seq: number;
  dir: Direction;
  /** Milliseconds since the session started, with sub-millisecond precision. */
  at: number;
  /** Wall-clock time, epoch milliseconds. */
  wall: number;
  /** The exact text that crossed the wire; for events, a sentence. Redacted parts are masked. */
  raw: string;
  kind: EntryKind;
  /** Local name and namespace of the top-level element. */
  name?: string;
  ns?: string;
  attrs?: EntryAttrs;
  /** Secrets in `raw` were masked; the session can reveal them on request. */
  redacted?: boolean;
  /** Why the entry is malformed, or the error condition a stream error or stanza error carries. */
  error?: string;
  /** For an iq result or error: the seq of the request it answers, and the round trip. */
  pair?: number;
  rttMs?: number;
  /**
   * A malformed entry that breaks the stream's rules: the stream error a receiver answers it
   * with (RFC 6120 section 4.9.3). The session closes the stream when a server sends one.
   */
  violation?: StreamViolation;
  /**
   * Bytes that were not UTF-8: each stands as one U+FFFD in `raw`, at the UTF-16 index `at`,
   * with the original bytes in hex ("c3 28"), so the exact wire bytes can be rebuilt.
   */
  invalidBytes?: InvalidBytes[];
  /**
   * Written by the client library on its own, not typed by the person: the answer it gives
   * an iq the server pushed (a roster or blocking push, RFC 6120 section 8.2.3), say.
   */
  auto?: boolean;
  /** Proxy mode: the person injected it into the stream; neither the client nor the server wrote it. */
  injected?: boolean;
  /** For events: what happened, for machines (event-codes.ts); `raw` is the sentence for people. */
  code?: EventCode;
}

export interface InvalidBytes {
  at: number;
  hex: string;
}

/**
 * The error of an iq get or set that had no result or error within the timeout (RFC 6120
 * section 8.2.3). Here, not in transcript.ts: the page's store reads it, and importing the
 * recorder would put its framer and redactor in every page's initial JS.
 */
export const UNANSWERED = "unanswered";

export const REDACTION_MASK = "\u2022\u2022\u2022\u2022\u2022\u2022";
