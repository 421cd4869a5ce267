import { REDACTION_MASK } from "./entry";

/**
 * SASL elements carry credentials: PLAIN's <auth> is base64 of the password itself
 * (RFC 4616), and SCRAM exchanges are enough for an offline guess. Their text content
 * is masked before anything reaches a view, an export or a log.
 */
const SECRET_SASL_ELEMENTS = new Set(["auth", "challenge", "response", "success"]);

export function isSecretSaslElement(name: string): boolean {
  return SECRET_SASL_ELEMENTS.has(name);
}

/**
 * Masks the character data of a single-level element such as
 * `<auth xmlns='...' mechanism='PLAIN'>AGFsaWNlAGFsaWNl</auth>`, keeping the tags.
 * Returns the input unchanged when there is no content to hide.
 */
export function maskElementContent(raw: string): string {
  const startTagEnd = endOfStartTag(raw);
  if (startTagEnd === -1 || raw[startTagEnd - 1] === "/") return raw;
  const endTagStart = raw.lastIndexOf("</");
  if (endTagStart <= startTagEnd) return raw;
  const content = raw.slice(startTagEnd, endTagStart);
  // "=" alone is how SASL writes an empty response (RFC 6120 section 6.4.2): nothing secret.
  if (content.trim() === "" || content.trim() === "=") return raw;
  return raw.slice(0, startTagEnd) + REDACTION_MASK + raw.slice(endTagStart);
}

function endOfStartTag(raw: string): number {
  let quote: string | null = null;
  for (let i = raw.indexOf("<"); i >= 0 && i < raw.length; i++) {
    const ch = raw[i];
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ">") {
      return i + 1;
    }
  }
  return -1;
}

/**
 * Passwords also travel inside iq stanzas: in-band registration and password change
 * (XEP-0077 section 3) and legacy non-SASL auth (XEP-0078). Their <password/> text is masked.
 */
const PASSWORD_NAMESPACES = ["jabber:iq:register", "jabber:iq:auth"];
const PASSWORD_ELEMENT = /(<password(?:\s[^>]*)?>)([^<]+)(<\/password>)/g;

export function maskIqPasswords(raw: string): string {
  if (!PASSWORD_NAMESPACES.some((ns) => raw.includes(ns))) return raw;
  return raw.replace(PASSWORD_ELEMENT, (_match, open: string, _secret: string, close: string) => open + REDACTION_MASK + close);
}
