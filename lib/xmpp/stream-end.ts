import { NS_STREAM_ERRORS } from "../xml/namespaces";
import { CLIENT_STREAM_CONTEXT } from "../xml/parse-element";
import { walkXml } from "../xml/walk-xml";
import { STREAM_ERROR_CONDITIONS } from "../xmpp-schema/stream-errors";

/**
 * How the server ended a stream, told to a person: the stream error's condition and its
 * text when it sent one (RFC 6120 section 4.9), or a bare close of the stream when it sent
 * none (section 4.4). A TCP connection that went without either is connection-errors.ts's
 * describeUnexpectedClose. Pure functions, unit-tested in stream-end.test.ts.
 */

/** The server's words are shown, never obeyed: one line, this long at most. */
export const MAX_SERVER_TEXT = 200;

/**
 * The <text/> of a stream error (RFC 6120 section 4.9.2), as plain text of one line, read with
 * the one XML walker: the stream-errors namespace decides, whatever the prefix, and the
 * parser resolves the references. Undefined when the error has no text or does not parse.
 */
export function streamErrorText(raw: string): string | undefined {
  let inText = false;
  let text = "";
  const walked = walkXml(
    raw,
    { namespaces: { ...CLIENT_STREAM_CONTEXT.prefixes, "": CLIENT_STREAM_CONTEXT.defaultNs }, maxDepth: 2 },
    {
      // The text is a child of <stream:error/> itself (section 4.9.2), so depth 2.
      open: (tag, depth) => {
        inText = depth === 2 && tag.local === "text" && tag.uri === NS_STREAM_ERRORS;
      },
      close: () => {
        inText = false;
      },
      text: (data, depth) => {
        if (inText && depth === 2) text += data;
      },
    },
  );
  if (walked.error !== null) return undefined;
  return oneBoundedLine(text);
}

/** A server's words as one line of at most MAX_SERVER_TEXT characters; undefined when nothing is left. */
export function oneBoundedLine(text: string): string | undefined {
  const line = text
    // Line breaks and other controls would let a server lay out the page; one line of text is enough.
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (line === "") return undefined;
  return line.length > MAX_SERVER_TEXT ? `${line.slice(0, MAX_SERVER_TEXT - 1)}…` : line;
}

/**
 * The server sent <stream:error/> (RFC 6120 section 4.9): which condition, its text if any,
 * what the condition means and what to do, from the schema's table of conditions.
 */
export function describeStreamError(condition: string, text?: string): string {
  const known = STREAM_ERROR_CONDITIONS.find((spec) => spec.name === condition);
  const said = text !== undefined ? ` and the text "${text}"` : " and no text";
  const where = known ? `RFC 6120 section ${known.spec.replace(/^.*#section-/, "")}` : "a condition RFC 6120 section 4.9.3 does not define";
  const explained = known ? ` ${known.meaning} ${known.fix}` : "";
  return `the server ended the stream with the stream error <${condition}/>${said} (${where}), then closed the connection.${explained}`;
}

/**
 * The server closed its stream (</stream:stream>, or <close/> over WebSocket, RFC 7395 section
 * 3.6) with no stream error: RFC 6120 section 4.4 lets it end a stream without saying why.
 */
export function describeBareStreamClose(overWebSocket: boolean): string {
  return `the server closed the stream (${overWebSocket ? "<close/>" : "</stream:stream>"}) and the connection without a stream error, so it gave no reason (RFC 6120 section 4.4)`;
}
