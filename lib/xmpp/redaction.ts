import { SaxesParser, type SaxesTagNS } from "saxes";
import { CLIENT_STREAM_CONTEXT, type NamespaceContext } from "../xml/parse-element";
import { tagStop } from "../xml/tag-scan";
import { NS_DATA_FORMS, NS_FAST, NS_IQ_AUTH, NS_MUC, NS_MUC_USER, NS_REGISTER, NS_SASL, NS_SASL2, NS_SCRAM_UPGRADE } from "../xml/namespaces";
import { REDACTION_MASK } from "./entry";

/**
 * The one redactor: every view, export, store and log that shows XMPP text masks
 * credentials with it. It reads the text with the same strict, namespace-aware parser
 * the transcript uses (saxes), so an element is secret by its namespace and local name,
 * whatever its prefix, however its end tag is spaced, whether its text is CDATA or not.
 * The secret character data is replaced in the raw text by REDACTION_MASK; all markup
 * around it stays byte for byte, and text with no secret is returned unchanged.
 *
 * The parser streams and this module keeps an explicit stack, so no input, however deep,
 * is walked recursively. Past MAX_DEPTH levels the strict reading stops (saxes resolves
 * each name's namespace by walking every open element, which grows with the square of
 * the depth) and the text is masked the conservative way, as text that does not parse.
 */

/** "sasl": base64 SASL data, where "=" alone is the empty response (RFC 6120 section 6.4.2). */
type SecretKind = "sasl" | "secret";

const key = (name: string, ns: string) => `${name} ${ns}`;

/** Elements whose own character data is a credential, by local name and namespace. */
const SECRET_TEXT = new Map<string, SecretKind>([
  // RFC 6120 section 6.4: PLAIN's <auth> is the password in base64 (RFC 4616); SCRAM's
  // exchanges (challenge, response, the server signature in success) allow an offline guess.
  [key("auth", NS_SASL), "sasl"],
  [key("challenge", NS_SASL), "sasl"],
  [key("response", NS_SASL), "sasl"],
  [key("success", NS_SASL), "sasl"],
  // XEP-0388 sections 2.3 to 2.6: the same SASL data in SASL2's elements; <success> and
  // <continue> carry theirs in <additional-data>, tasks theirs in <task-data>.
  [key("initial-response", NS_SASL2), "sasl"],
  [key("challenge", NS_SASL2), "sasl"],
  [key("response", NS_SASL2), "sasl"],
  [key("additional-data", NS_SASL2), "sasl"],
  [key("task-data", NS_SASL2), "sasl"],
  // XEP-0480 section 3: the new salted password a SCRAM upgrade task hands over.
  [key("hash", NS_SCRAM_UPGRADE), "secret"],
  // XEP-0077 sections 3.1 and 3.3: registration and password change.
  [key("password", NS_REGISTER), "secret"],
  // XEP-0078 sections 2.2 and 2.3: legacy auth, the password or its digest.
  [key("password", NS_IQ_AUTH), "secret"],
  [key("digest", NS_IQ_AUTH), "secret"],
  // XEP-0045 sections 7.2.6 and 7.8: a room password when joining, and in an invitation.
  [key("password", NS_MUC), "secret"],
  [key("password", NS_MUC_USER), "secret"],
]);

/** Attributes (without namespace) whose value is a credential. */
const SECRET_ATTRIBUTES = new Map<string, string>([
  // XEP-0484 section 3.4: the server hands the FAST token over in <token token='...'/>.
  [key("token", NS_FAST), "token"],
]);

/**
 * XEP-0004 section 3.3: a text-private field is one whose value must be hidden; XEP-0077
 * section 4 names the registration form's password field `password` (and `old_password`
 * when changing it), whatever type a server gives it.
 */
function isSecretField(tag: SaxesTagNS): boolean {
  if (tag.local !== "field" || tag.uri !== NS_DATA_FORMS) return false;
  const attr = (name: string) => tag.attributes[name]?.value;
  return attr("type") === "text-private" || /password/i.test(attr("var") ?? "");
}

/**
 * Only text naming one of these can hold a secret: element and attribute names cannot be
 * written with entities, so their letters are in the raw text as they are. Most stanzas
 * skip the parse altogether.
 */
/** Far deeper than any real stanza (a data form in a command in an iq is six levels). */
export const MAX_DEPTH = 256;

const MIGHT_HOLD_A_SECRET = /auth|challenge|response|success|data|hash|password|digest|token|value/i;

/**
 * False only when redactXml leaves `text` as it is, without reading it. The test is for
 * ASCII words, so it holds for any text containing `text` as well, such as its JSON
 * string (escapes never split a word): the export checks a whole line with it.
 */
export function mightHoldASecret(text: string): boolean {
  return MIGHT_HOLD_A_SECRET.test(text);
}

/** The text with every credential masked; unchanged (the same string) when it holds none. */
export function redactXml(text: string, context: NamespaceContext = CLIENT_STREAM_CONTEXT): string {
  if (!mightHoldASecret(text)) return text;
  const ranges = secretRanges(text, context) ?? conservativeRanges(text);
  return applyMasks(text, ranges);
}

/**
 * The piece `text` of an element whose start `earlier` writes carried (a raw-mode send split
 * over two sends): read inside the whole element, so a secret split from its start tag is
 * still found; only the piece's own part of each mask is applied.
 */
export function redactContinuation(earlier: string, text: string, context: NamespaceContext = CLIENT_STREAM_CONTEXT): string {
  const whole = earlier + text;
  if (!mightHoldASecret(whole)) return text;
  const ranges = (secretRanges(whole, context) ?? conservativeRanges(whole))
    .map(([start, end]): Range => [Math.max(0, start - earlier.length), end - earlier.length])
    .filter(([start, end]) => end > start);
  return applyMasks(text, ranges);
}

type Range = [start: number, end: number];

interface OpenElement {
  /** Set when this element's own character data is secret. */
  kind: SecretKind | null;
  /** Where its current run of content (between its child elements) started. */
  cursor: number;
  secretField: boolean;
}

/** The ranges to mask, found by namespace; null when the text is not well-formed XML. */
function secretRanges(text: string, context: NamespaceContext): Range[] | null {
  const parser = new SaxesParser({ xmlns: true, fragment: true, position: true, additionalNamespaces: { ...context.prefixes, "": context.defaultNs } });
  const ranges: Range[] = [];
  const stack: OpenElement[] = [];
  let tagStart = 0;

  const closeRun = (element: OpenElement, end: number) => {
    if (element.kind === null) return;
    const content = text.slice(element.cursor, end).trim();
    if (content === "" || (element.kind === "sasl" && content === "=")) return;
    ranges.push([element.cursor, end]);
  };

  parser.on("opentagstart", () => {
    tagStart = text.lastIndexOf("<", parser.position - 1);
    const parent = stack.at(-1);
    if (parent !== undefined) closeRun(parent, tagStart);
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    if (stack.length >= MAX_DEPTH) throw new Error("nested too deep to read strictly");
    const parent = stack.at(-1);
    const isFieldValue = tag.local === "value" && tag.uri === NS_DATA_FORMS && parent?.secretField === true;
    const kind = SECRET_TEXT.get(key(tag.local, tag.uri)) ?? (isFieldValue ? "secret" : null);
    const attribute = SECRET_ATTRIBUTES.get(key(tag.local, tag.uri));
    if (attribute !== undefined) ranges.push(...attributeValueRanges(text, tagStart, parser.position, attribute));
    stack.push({ kind, cursor: parser.position, secretField: isSecretField(tag) });
  });
  parser.on("closetag", (tag: SaxesTagNS) => {
    const element = stack.pop();
    if (element !== undefined && !tag.isSelfClosing) closeRun(element, text.lastIndexOf("</", parser.position - 1));
    const parent = stack.at(-1);
    if (parent !== undefined) parent.cursor = parser.position;
  });

  // With no error handler saxes throws at its first error: nothing after it is read strictly,
  // rather than paying for each later one.
  try {
    parser.write(text).close();
  } catch {
    return null;
  }
  return ranges;
}

/**
 * Where the values of the attribute named `name` (unprefixed) are in the start tag
 * text[start, end). The parser has accepted the tag, so its syntax is known good:
 * name, then `attr = "value"` pairs; values never contain their own quote.
 */
function attributeValueRanges(text: string, start: number, end: number, name: string): Range[] {
  const ranges: Range[] = [];
  const attribute = /([^\s=/>]+)\s*=\s*(["'])/y;
  let at = text.slice(start, end).search(/[\s/>]/) + start;
  while (at < end) {
    while (at < end && /[\s/>]/.test(text[at]!)) at++;
    attribute.lastIndex = at;
    const match = attribute.exec(text);
    if (match === null || at >= end) break;
    const valueStart = at + match[0].length;
    const valueEnd = text.indexOf(match[2]!, valueStart);
    if (valueEnd === -1) break;
    if (match[1] === name && valueEnd > valueStart) ranges.push([valueStart, valueEnd]);
    at = valueEnd + 1;
  }
  return ranges;
}

/**
 * Text that does not parse (a half-typed stanza in raw mode, a frame cut off, a hostile
 * server's garbage) has no namespaces to go by, yet `<auth ...>secret` must not show.
 * So here the rule is by local name alone, in any case, with any prefix: the content
 * after a start tag of any secret-looking element is masked up to its end tag of the same
 * name, or to the end of the text when it never comes (or its start tag never ends).
 * Data form values are masked when the text speaks of a password or a text-private
 * field at all, and every `token` attribute value is. This hides more than needed, and
 * never less; the unmasked text is still there to reveal on request.
 */
const SECRET_LOCAL_NAMES = new Set(["auth", "challenge", "response", "success", "initial-response", "additional-data", "task-data", "hash", "password", "digest"]);
const START_TAG = /<(?:[^\s<>/:!?]+:)?([^\s<>/:!?]+)/g;
const TOKEN_ATTRIBUTE = /\stoken\s*=\s*(["'])/gi;

function conservativeRanges(text: string): Range[] {
  const ranges: Range[] = [];
  const formIsSecret = /password|text-private/i.test(text);
  for (let match = START_TAG.exec(text); match !== null; match = START_TAG.exec(text)) {
    const name = match[1]!.toLowerCase();
    if (!SECRET_LOCAL_NAMES.has(name) && !(formIsSecret && name === "value")) continue;
    const tagEnd = endOfStartTag(text, match.index + match[0].length);
    if (tagEnd === -1) {
      ranges.push([match.index + match[0].length, text.length]);
      break;
    }
    if (text[tagEnd - 2] === "/") continue;
    const endTag = new RegExp(`</(?:[^\\s<>/:]+:)?${name}(?=[\\s>]|$)`, "gi");
    endTag.lastIndex = tagEnd;
    const contentEnd = endTag.exec(text)?.index ?? text.length;
    const content = text.slice(tagEnd, contentEnd).trim();
    if (content !== "" && content !== "=") ranges.push([tagEnd, contentEnd]);
    // Go on after the content: a start tag inside it is part of this secret, and reading each one
    // again would take time growing with the square of the text.
    START_TAG.lastIndex = contentEnd;
  }
  START_TAG.lastIndex = 0;
  for (let match = TOKEN_ATTRIBUTE.exec(text); match !== null; match = TOKEN_ATTRIBUTE.exec(text)) {
    const valueStart = match.index + match[0].length;
    const close = text.indexOf(match[1]!, valueStart);
    const valueEnd = close === -1 ? text.length : close;
    if (valueEnd > valueStart) ranges.push([valueStart, valueEnd]);
    // Go on after the value: a value never closed runs to the end, and scanning it again for each
    // `token=` inside would take time growing with the square of the text.
    if (close === -1) break;
    TOKEN_ATTRIBUTE.lastIndex = valueEnd + 1;
  }
  TOKEN_ATTRIBUTE.lastIndex = 0;
  return ranges;
}

/** Just after the `>` that ends a start tag begun before `from` (quotes respected), or -1. */
function endOfStartTag(text: string, from: number): number {
  const stop = tagStop(text, from);
  return stop === -1 || text[stop] === "<" ? -1 : stop + 1;
}

function applyMasks(text: string, ranges: readonly Range[]): string {
  if (ranges.length === 0) return text;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of sorted) {
    // Ranges the conservative reading finds may overlap: one mask covers both.
    if (start < at) {
      at = Math.max(at, end);
      continue;
    }
    out += text.slice(at, start) + REDACTION_MASK;
    at = end;
  }
  return out + text.slice(at);
}
