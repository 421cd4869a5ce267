import type { StreamViolation } from "./framing";
import type { TranscriptEntry } from "./entry";

/**
 * What a session does when the server breaks the stream's rules: RFC 6120 section 4.9.1.1,
 * the entity that notices sends a stream error, then closes the stream; the condition is
 * the one the rule names (section 11.1 for restricted XML, 11.6 for encoding). Nothing more
 * is read: a hostile server cannot make the session buffer without end.
 */

const NS_STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";

const WHY: Record<StreamViolation, { what: string; spec: string }> = {
  "restricted-xml": { what: "restricted XML", spec: "RFC 6120 sections 11.1 and 4.9.3.18" },
  "not-well-formed": { what: "XML that is not well-formed", spec: "RFC 6120 section 4.9.3.13" },
  "policy-violation": { what: "an element over this playground's size limit", spec: "RFC 6120 section 4.9.3.14" },
  "unsupported-encoding": { what: "bytes that are not UTF-8", spec: "RFC 6120 sections 11.6 and 4.9.3.22" },
};

/**
 * The stream error and the end of the stream, as the pieces to write, one write each. Over
 * TCP the closing tag ends the stream (RFC 6120 section 4.4). Over WebSocket each message is
 * one whole element, the stream prefix is declared where used, and <close/> ends the stream
 * (RFC 7395 sections 3.3.3, 3.3.4 and 3.6).
 */
export function streamErrorXml(condition: StreamViolation, overWebSocket = false): string[] {
  if (overWebSocket) {
    return [
      `<stream:error xmlns:stream='http://etherx.jabber.org/streams'><${condition} xmlns='${NS_STREAM_ERRORS}'/></stream:error>`,
      "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
    ];
  }
  return [`<stream:error><${condition} xmlns='${NS_STREAM_ERRORS}'/></stream:error></stream:stream>`];
}

/** A sentence for the transcript and the connection status: what came, what the session did, why. */
export function refusalMessage(entry: TranscriptEntry, condition: StreamViolation): string {
  const { what, spec } = WHY[condition];
  return `the server sent ${what} in #${entry.seq} (${entry.error ?? condition}), so the playground closed the stream with <${condition}/> as ${spec} requires`;
}

/** When the client library itself choked on what the server sent. */
export function libraryRefusalMessage(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `the client library could not read the server's stream (${reason}), so the playground closed the stream with <not-well-formed/> (${WHY["not-well-formed"].spec})`;
}

/** Bytes that arrived after the refusal are counted, not kept; this says so. */
export function droppedBytesMessage(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} more bytes arrived from the server after the stream was refused; they were not kept`;
}
