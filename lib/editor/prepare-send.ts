import { expandTemplate, freshId, TEMPLATE_VARIABLES, type Replacement, type TemplateVariables } from "../xml/templates";
import { validateStanza, type Diagnostic, type EditorMode, type EditorSession } from "./validate-stanza";
import { DEFAULT_MAX_SEND_CHARS } from "../bridge/protocol";

/**
 * What the editor does when a person presses Send: expand `{{variables}}`, validate what
 * would really go on the wire, and say whether it may go. Headless, so the workbench and
 * the tests run exactly the same decision.
 */

export interface PreparedSend {
  /** The expanded text: what would be written to the stream. */
  text: string;
  /** Offsets index the text as typed (before expansion), so markers sit where the person looks. */
  diagnostics: Diagnostic[];
  /** An error-severity diagnostic stops the send unless the person forces it. */
  blocked: boolean;
}

/**
 * Text over the bridge's send limit (BRIDGE_MAX_SEND_CHARS) is refused before anything else:
 * checking a 10 MB paste would stall the page, and the bridge would refuse it anyway.
 */
export function tooLargeDiagnostic(length: number, maxSendChars: number): Diagnostic {
  const format = (count: number) => count.toLocaleString("en-US");
  return {
    message: `This text is ${format(length)} characters, over the send limit of ${format(maxSendChars)} (BRIDGE_MAX_SEND_CHARS). Send it in smaller pieces, one stanza at a time; live checks are off for text this long.`,
    severity: "error",
    offset: 0,
    length: 0,
    code: "too-large",
  };
}

const KEEPALIVE_NOTE = "Only whitespace: it goes out as a whitespace keepalive (RFC 6120 section 4.6.1), which a server reads and ignores.";

export function prepareSend(text: string, mode: EditorMode | EditorSession, vars: TemplateVariables, newId: () => string = freshId, maxSendChars: number = DEFAULT_MAX_SEND_CHARS): PreparedSend {
  if (text.length > maxSendChars) return { text, diagnostics: [tooLargeDiagnostic(text.length, maxSendChars)], blocked: true };
  if (text === "") {
    const diagnostics: Diagnostic[] = [{ message: "Nothing to send: type a stanza or pick a template.", severity: "error", offset: 0, length: 0, code: "empty" }];
    return { text, diagnostics, blocked: true };
  }
  if (text.trim() === "") {
    // Whitespace between stanzas is a keepalive (RFC 6120 section 4.6.1): people send it on purpose, to test one.
    const diagnostics: Diagnostic[] = [{ message: KEEPALIVE_NOTE, severity: "info", offset: 0, length: text.length, code: "keepalive" }];
    return { text, diagnostics, blocked: false };
  }
  const expansion = expandTemplate(text, vars, newId);
  if (expansion.text.length > maxSendChars) return { text: expansion.text, diagnostics: [tooLargeDiagnostic(expansion.text.length, maxSendChars)], blocked: true };
  const diagnostics = validateStanza(expansion.text, mode).map((diagnostic) => toTyped(diagnostic, expansion.replacements));
  for (const unknown of expansion.unknown) {
    diagnostics.push({
      message: `{{${unknown.name}}} is not a variable, so it is sent as written. Known: ${TEMPLATE_VARIABLES.map((name) => `{{${name}}}`).join(", ")}.`,
      severity: "warning",
      offset: unknown.offset,
      length: unknown.length,
      code: "unknown-variable",
    });
  }
  diagnostics.sort((a, b) => a.offset - b.offset);
  return { text: expansion.text, diagnostics, blocked: diagnostics.some((diagnostic) => diagnostic.severity === "error") };
}

let last: { text: string; mode: EditorMode; transport: string; maxSendChars: number; prepared: PreparedSend } | null = null;

/**
 * `prepareSend`, remembering its last answer for text with no `{{variable}}` (whose result
 * then depends on nothing else that changes): a send and the live check after it read the
 * same text, and checking a pasted burst of 50 stanzas twice cost a second task (issue 17).
 * The answer is shared: callers must not change it.
 */
export function prepareSendOnce(text: string, mode: EditorMode | EditorSession, vars: TemplateVariables, newId: () => string = freshId, maxSendChars: number = DEFAULT_MAX_SEND_CHARS): PreparedSend {
  const session = typeof mode === "string" ? { mode, transport: "starttls" } : mode;
  if (text.includes("{{")) return prepareSend(text, mode, vars, newId, maxSendChars);
  if (last !== null && last.text === text && last.mode === session.mode && last.transport === session.transport && last.maxSendChars === maxSendChars) return last.prepared;
  const prepared = prepareSend(text, mode, vars, newId, maxSendChars);
  last = { text, mode: session.mode, transport: session.transport, maxSendChars, prepared };
  return prepared;
}

/** Maps a diagnostic on the expanded text back onto the typed text, naming the variable it came from. */
function toTyped(diagnostic: Diagnostic, replacements: readonly Replacement[]): Diagnostic {
  if (replacements.length === 0) return diagnostic;
  const start = toTypedOffset(diagnostic.offset, replacements, "start");
  const end = toTypedOffset(diagnostic.offset + diagnostic.length, replacements, "end");
  const diagnosticEnd = diagnostic.offset + diagnostic.length;
  const involved = replacements.filter(({ expandedFrom, expandedTo }) =>
    expandedFrom === expandedTo ? expandedFrom >= diagnostic.offset && expandedFrom <= diagnosticEnd : expandedFrom < diagnosticEnd && expandedTo > diagnostic.offset,
  );
  const note = involved
    .filter((replacement) => replacement.name !== "id")
    .map((replacement) => (replacement.value === "" ? ` {{${replacement.name}}} is empty right now.` : ` {{${replacement.name}}} is "${replacement.value}" right now.`))
    .join("");
  return { ...diagnostic, offset: start, length: Math.max(0, end - start), message: diagnostic.message + note };
}

function toTypedOffset(offset: number, replacements: readonly Replacement[], edge: "start" | "end"): number {
  let shift = 0;
  for (const replacement of replacements) {
    const { from, to, expandedFrom, expandedTo } = replacement;
    if (offset < expandedFrom) break;
    // Inside a value (or at an empty one), the whole `{{name}}` is the place to point at.
    if (expandedFrom === expandedTo && offset === expandedFrom) return edge === "start" ? from : to;
    if (offset === expandedFrom) {
      if (edge === "end") break; // the range ends right before the value
      return from;
    }
    if (offset < expandedTo || (offset === expandedTo && edge === "end")) return edge === "start" ? from : to;
    shift = to - expandedTo;
  }
  return offset + shift;
}
