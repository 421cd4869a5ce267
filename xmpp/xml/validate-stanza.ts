import { StreamFramer, type Frame } from "../xmpp/framing";
import { checkTopLevel } from "../xmpp-schema/check";
import { jidProblem } from "../xmpp-schema/jid-check";
import { NS_CLIENT, NS_STREAM } from "../xmpp-schema/namespaces";
import { CLIENT_STREAM_CONTEXT, type NamespaceContext } from "./parse-element";
import { parseWithPositions, type PositionedElement, type XmlProblem } from "./parse-positions";
import { findRestrictedXml } from "./restricted-xml";

/**
 * Diagnostics for the stanza editor: what a server would reject, found before sending,
 * each placed on the text it is about and saying what to do.
 *
 * The text may hold several top-level pieces (a raw-mode login is a stream header, then
 * stanzas), so it is framed the way the wire tap frames the stream, then each piece is
 * parsed strictly (saxes) and, if well-formed, checked against the schema.
 */

export type Severity = "error" | "warning" | "info";

/** `offset` and `length` index the validated text (UTF-16 code units, like JavaScript strings). */
export interface Diagnostic {
  message: string;
  severity: Severity;
  offset: number;
  length: number;
  /** A stable name for the rule, for tests and for filtering. */
  code: string;
}

/** Guided: the library owns the stream. Raw: the person opens and closes it by hand. */
export type EditorMode = "guided" | "raw";

export function validateStanza(text: string, mode: EditorMode): Diagnostic[] {
  // A DTD throws the framing off for everything after it; say the one thing that matters.
  const restricted = findRestrictedXml(text);
  if (restricted !== null && restricted.what === "DTD or entity declaration") {
    return [at(restricted.offset, restricted.length, "error", "restricted-xml", `${capitalize(restricted.message)}. The playground never sends it: a server must close the stream with <restricted-xml/>.`)];
  }
  const diagnostics: Diagnostic[] = [];
  let context = CLIENT_STREAM_CONTEXT;
  let offset = 0;
  for (const frame of frameText(text)) {
    const base = offset;
    offset += frame.raw.length;
    switch (frame.kind) {
      case "whitespace":
        break;
      case "stream-open":
        context = checkStreamHeader(frame.raw, base, mode, diagnostics) ?? context;
        break;
      case "stream-close":
        if (mode === "guided") {
          diagnostics.push(at(base, frame.raw.length, "warning", "stream-close", "This closes the stream: the server closes its side too and the session ends. To log out gently, send <presence type=\"unavailable\"/> first."));
        }
        break;
      case "element":
      case "malformed":
        checkPiece(frame, base, context, diagnostics);
        break;
    }
  }
  return diagnostics.sort((a, b) => a.offset - b.offset);
}

/**
 * The framer's pieces, except that a stream close with no header before it (the person
 * closes the stream opened by an earlier send) is a stream close, not a stray end tag.
 */
function frameText(text: string): Frame[] {
  const framer = new StreamFramer();
  const frames: Frame[] = [];
  for (const frame of [...framer.push(text), ...framer.end()]) {
    const close = frame.kind === "malformed" ? LEADING_STREAM_CLOSE.exec(frame.raw) : null;
    if (!close) {
      frames.push(frame);
      continue;
    }
    const [, space = "", tag = ""] = close;
    if (space) frames.push({ raw: space, kind: "whitespace" });
    frames.push({ raw: tag, kind: "stream-close" });
    const rest = frame.raw.slice(space.length + tag.length);
    if (rest) frames.push(...frameText(rest));
  }
  return frames;
}

const LEADING_STREAM_CLOSE = /^(\s*)(<\/stream(?::stream)?\s*>)/;

/** A stanza or nonza (or what was meant to be one): well-formedness first, then the schema. */
function checkPiece(frame: Frame, base: number, context: NamespaceContext, out: Diagnostic[]): void {
  const parsed = parseWithPositions(frame.raw, { namespaces: { ...context.prefixes, "": context.defaultNs }, base });
  if (parsed.problems.length > 0) {
    out.push(...parsed.problems.map(notWellFormed));
    return;
  }
  if (frame.kind === "malformed") {
    out.push(framingProblem(frame, base));
    return;
  }
  for (const element of parsed.elements) out.push(...checkTopLevel(element));
}

/** What the framer found that saxes accepts: comments, processing instructions, stray text. */
function framingProblem(frame: Frame, base: number): Diagnostic {
  const reason = frame.error ?? "this text cannot be framed as a stanza";
  const comment = frame.raw.indexOf("<!--");
  if (/comment/i.test(reason) && comment !== -1) {
    const end = frame.raw.indexOf("-->", comment);
    return at(base + comment, (end === -1 ? frame.raw.length : end + 3) - comment, "error", "restricted-xml", "XML comments are not allowed in XMPP: remove it, or the server answers <restricted-xml/> and closes the stream (RFC 6120 section 11.1).");
  }
  const instruction = frame.raw.indexOf("<?");
  if (/processing instruction/i.test(reason) && instruction !== -1) {
    const end = frame.raw.indexOf("?>", instruction);
    return at(base + instruction, (end === -1 ? frame.raw.length : end + 2) - instruction, "error", "restricted-xml", "Processing instructions are not allowed in XMPP: remove it (RFC 6120 section 11.1). An XML declaration may only come right before a stream header.");
  }
  const lead = frame.raw.length - frame.raw.trimStart().length;
  const length = frame.raw.trim().length;
  if (/text outside/i.test(reason)) {
    return at(base + lead, length, "error", "stray-text", "Text outside of any element cannot be sent: put it inside an element (a message's <body>, say) or remove it.");
  }
  return at(base + lead, length, "error", "not-well-formed", `${capitalize(reason)}.`);
}

/**
 * RFC 6120 section 4.7: the header a client sends. Returns the namespaces it declares for
 * the stanzas that follow it, or null when it could not be read.
 */
function checkStreamHeader(raw: string, base: number, mode: EditorMode, out: Diagnostic[]): NamespaceContext | null {
  const start = Math.max(0, raw.search(/<(?!\?)/)); // after any XML declaration
  if (mode === "guided") {
    out.push(at(base + start, raw.length - start, "error", "header-in-guided", "In guided mode the library has already opened the stream; a second header would restart it under the library's feet. Switch to raw mode (in the connection form) to open streams by hand."));
    return null;
  }
  const qname = /^<([^\s/>]+)/.exec(raw.slice(start))?.[1] ?? "stream:stream";
  // The header never closes on the wire; close it here so the parser can finish.
  const parsed = parseWithPositions(`${raw}</${qname}>`, { namespaces: {}, base, fragment: false });
  const problems = parsed.problems.filter((problem) => problem.offset < base + raw.length);
  if (problems.length > 0) {
    out.push(...problems.map(notWellFormed));
    return null;
  }
  const header = parsed.elements[0];
  if (!header) return null;
  const name = { offset: header.start + 1, length: header.qname.length };
  if (header.name !== "stream" || header.ns !== NS_STREAM) {
    out.push(at(name.offset, name.length, "error", "bad-header", `A stream header is <stream:stream xmlns:stream="${NS_STREAM}">; this one is <${header.qname}> in ${header.ns || "no namespace"}. The server would answer <invalid-namespace/>.`));
  }
  const value = (attribute: string) => header.attributes.find((candidate) => candidate.name === attribute);
  const defaultNs = value("xmlns");
  if (!defaultNs) {
    out.push(at(name.offset, name.length, "error", "bad-header", `Add xmlns="${NS_CLIENT}" to the header: it is the namespace of every stanza you send after it (RFC 6120 section 4.8.3).`));
  } else if (defaultNs.value !== NS_CLIENT) {
    out.push(at(defaultNs.valueOffset, defaultNs.valueLength, "error", "bad-header", `A client stream's default namespace is ${NS_CLIENT}, not ${defaultNs.value} (RFC 6120 section 4.8.3).`));
  }
  const version = value("version");
  if (!version) {
    out.push(at(name.offset, name.length, "warning", "header-version", `Add version="1.0": without it the server treats you as a pre-RFC 6120 client and sends no stream features (RFC 6120 section 4.7.5).`));
  } else if (version.value !== "1.0") {
    out.push(at(version.valueOffset, version.valueLength, "warning", "header-version", `version should be "1.0" (RFC 6120 section 4.7.5); others get <unsupported-version/>.`));
  }
  const to = value("to");
  if (!to) {
    out.push(at(name.offset, name.length, "warning", "header-to", `Add to="…" with the server's domain (here: localhost), so it knows which host you want (RFC 6120 section 4.7.2).`));
  } else {
    const problem = jidProblem(to.value);
    if (problem) out.push(at(to.valueOffset, to.valueLength, "error", "bad-jid", `to ${problem}`));
  }
  return contextOf(header);
}

function contextOf(header: PositionedElement): NamespaceContext {
  const prefixes: Record<string, string> = { stream: NS_STREAM };
  let defaultNs = NS_CLIENT;
  for (const attribute of header.attributes) {
    if (attribute.name === "xmlns") defaultNs = attribute.value;
    else if (attribute.name.startsWith("xmlns:")) prefixes[attribute.name.slice(6)] = attribute.value;
  }
  return { defaultNs, prefixes };
}

function notWellFormed(problem: XmlProblem): Diagnostic {
  return { ...problem, severity: "error", code: "not-well-formed" };
}

function at(offset: number, length: number, severity: Severity, code: string, message: string): Diagnostic {
  return { offset, length, severity, code, message };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
