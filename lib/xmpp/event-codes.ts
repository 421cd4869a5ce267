/**
 * What an event entry (dir "event") is about, for machines: lessons, the step check, the
 * lesson runner and scripts match these, never the sentence beside them, which is for people
 * and may change. One code per kind of happening; every event entry carries one.
 */
export const EVENT_CODES = [
  /** The session starts dialling (its target and transport in the sentence). */
  "connecting",
  /** Raw mode: the TCP connection is open; the stream is the person's to start. */
  "connected",
  /** A TLS handshake completed (direct TLS, or after STARTTLS's <proceed/>). */
  "tls-established",
  /** The server sent SASL <success/> (RFC 6120 section 6.4.6). */
  "authenticated",
  /** The server sent SASL <failure/> (RFC 6120 section 6.5); raw mode, where the stream stays open. */
  "auth-failed",
  /** Raw mode: a bind result named the full JID (RFC 6120 section 7.6.1). */
  "bound",
  /** Guided mode: negotiated, bound, ready to send. */
  "online",
  /** The session is ending the stream itself: the server broke a rule, or a promise (TLS) could not be kept. */
  "closing",
  /** The bytes that arrived after a refusal, counted and dropped. */
  "bytes-dropped",
  /** An iq request had no answer in time (RFC 6120 section 8.2.3). */
  "unanswered",
  /** Proxy mode: the proxy changed what it forwarded, or answered for the server; the sentence says what and why. */
  "rewritten",
  /** Proxy mode: a stanza the intercept filter matched was held, then forwarded (maybe edited) or dropped. */
  "intercepted",
  /** Raw mode: the person dropped the connection on purpose, without ending the stream, and the session dials again (XEP-0198 §5). */
  "dropped",
  /** The session is over; the sentence says why. */
  "closed",
] as const;

export type EventCode = (typeof EVENT_CODES)[number];

const CODES = new Set<string>(EVENT_CODES);

export function isEventCode(value: unknown): value is EventCode {
  return typeof value === "string" && CODES.has(value);
}
