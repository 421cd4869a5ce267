import type { PositionedAttribute, PositionedElement } from "../xml/parse-positions";
import type { Diagnostic } from "../xml/validate-stanza";
import { allowedIn, childrenOf, elementsNamed, findAttribute, findElement, isKnownNamespace, NAMESPACES } from "./index";
import { NS_CLIENT, NS_SASL, NS_STREAM, NS_TLS, STREAM_LEVEL } from "./namespaces";
import { jidProblem } from "./jid-check";
import { STANZA_TYPES } from "./stanzas";
import type { ElementRef, ElementSpec } from "./types";

/**
 * Checks a well-formed top-level element against the curated schema: the rules of
 * RFC 6120 section 8 for stanzas, and "is this element where its spec puts it".
 * Only what the schema knows is judged; an unknown namespace is an extension, not a mistake.
 */

const STANZA_NAMES = ["message", "presence", "iq"] as const;
type StanzaName = (typeof STANZA_NAMES)[number];

/** Elements only a server sends (RFC 6120 sections 4.3.2, 5.4.2.3 and 6.4). */
const SERVER_ONLY = new Set([`{${NS_STREAM}}features`, `{${NS_TLS}}proceed`, `{${NS_TLS}}failure`, `{${NS_SASL}}challenge`, `{${NS_SASL}}success`, `{${NS_SASL}}failure`]);

export function checkTopLevel(element: PositionedElement): Diagnostic[] {
  const out: Diagnostic[] = [];
  const spec = findElement(element.name, element.ns);
  if (element.ns === NS_CLIENT && isStanzaName(element.name)) {
    checkStanza(element, element.name, out);
  } else if (spec && allowedIn(spec, STREAM_LEVEL)) {
    if (SERVER_ONLY.has(`{${spec.ns}}${spec.name}`)) {
      warn(out, nameRange(element), `<${element.qname}> is sent by the server, not by a client: the server will likely close the stream.`, "server-only");
    }
    checkElement(element, spec, out);
  } else if (spec) {
    error(out, nameRange(element), `<${element.qname}> cannot stand alone in the stream: put it inside ${listParents(spec)}.`, "misplaced");
  } else if (element.ns === NS_CLIENT && elementsNamed(element.name).length > 0) {
    const other = elementsNamed(element.name)[0]!;
    error(out, nameRange(element), `<${element.qname}> cannot stand alone in the stream: put it inside ${listParents(other)}, with xmlns="${other.ns}".`, "misplaced");
  } else if (element.ns === NS_CLIENT) {
    const guess = closest(element.name, STANZA_NAMES);
    error(out, nameRange(element), `<${element.qname}> is not a stanza: the top-level elements are <message>, <presence> and <iq>${guess ? `; did you mean <${guess}>?` : "."} The server would end the stream with unsupported-stanza-type.`, "unknown-stanza");
  } else {
    checkUnknown(element, STREAM_LEVEL, out);
  }
  return out;
}

function checkStanza(element: PositionedElement, name: StanzaName, out: Diagnostic[]): void {
  const spec = findElement(name, NS_CLIENT)!;
  checkAttributes(element, spec, out);
  const type = attr(element, "type");
  const children = element.children;
  if (name === "iq" && type) {
    if ((type.value === "get" || type.value === "set") && children.length !== 1) {
      if (children.length === 0) {
        error(out, nameRange(element), `An iq of type ${type.value} needs exactly one child, the query; add one, for example <ping xmlns="urn:xmpp:ping"/> (RFC 6120 section 8.2.3).`, "iq-child-count");
      } else {
        for (const extra of children.slice(1)) {
          error(out, nameRange(extra), `An iq of type ${type.value} carries exactly one child; send <${extra.qname}> in an iq of its own (RFC 6120 section 8.2.3).`, "iq-child-count");
        }
      }
    }
    if (type.value === "result" && children.length > 1) {
      for (const extra of children.slice(1)) error(out, nameRange(extra), `An iq of type result carries at most one child; remove <${extra.qname}> (RFC 6120 section 8.2.3).`, "iq-child-count");
    }
  }
  if (type?.value === "error" && !children.some((child) => child.name === "error" && child.ns === NS_CLIENT)) {
    warn(out, nameRange(element), `A ${name} of type error should carry an <error> child with a condition (RFC 6120 section 8.3.2).`, "error-without-condition");
  }
  checkChildren(element, out);
}

function checkElement(element: PositionedElement, spec: ElementSpec, out: Diagnostic[]): void {
  checkAttributes(element, spec, out);
  checkContent(element, spec, out);
  if (spec.name === "error" && spec.ns === NS_CLIENT && !element.children.some((child) => child.name !== "text")) {
    error(out, nameRange(element), `<error> needs a condition element, such as <bad-request xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/> (RFC 6120 section 8.3.2).`, "error-without-condition");
  }
  checkChildren(element, out);
}

function checkChildren(parent: PositionedElement, out: Diagnostic[]): void {
  const here: ElementRef = { name: parent.name, ns: parent.ns };
  for (const child of parent.children) {
    const spec = findElement(child.name, child.ns);
    if (spec && allowedIn(spec, here)) {
      checkElement(child, spec, out);
      continue;
    }
    if (spec && !elsewhereHere(child, here)) {
      error(out, nameRange(child), `<${child.qname}> does not belong inside <${parent.qname}>: it goes inside ${listParents(spec)}.`, "misplaced");
      continue;
    }
    checkUnknown(child, here, out);
  }
}

/** An element the schema does not define in its namespace: a wrong xmlns, a typo, or an extension. */
function checkUnknown(element: PositionedElement, parent: ElementRef, out: Diagnostic[]): void {
  const candidates = elementsNamed(element.name).filter((spec) => allowedIn(spec, parent));
  const declared = attr(element, "xmlns");
  const where = declared ? { offset: declared.valueOffset, length: declared.valueLength } : nameRange(element);
  if (isKnownNamespace(element.ns)) {
    if (candidates.length > 0) {
      const inherited = declared ? "" : ` (inherited from <${parent.name}>)`;
      const options = [...new Set(candidates.map((spec) => spec.ns))];
      const fix =
        options.length === 1
          ? `the <${element.name}> that goes here is defined in ${options[0]}: ${declared ? "change it to" : "add"} xmlns="${options[0]}".`
          : `the <${element.name}> that goes here is defined in one of ${options.join(", ")}: ${declared ? "change xmlns to" : "add the xmlns of"} the one you mean.`;
      error(out, where, `<${element.qname}> is in ${element.ns}${inherited}, but ${fix}`, "wrong-namespace");
    } else {
      const known = childrenOf(parent).filter((spec) => spec.ns === element.ns).map((spec) => `<${spec.name}>`);
      const hint = known.length > 0 ? ` Known here: ${[...new Set(known)].join(", ")}.` : "";
      warn(out, nameRange(element), `<${element.qname}> is not defined in ${element.ns}: the recipient will ignore it or answer with an error.${hint}`, "unknown-element");
    }
    return;
  }
  // Unknown namespace: fine for extensions, but a near miss of a known one is a typo.
  const near = closest(element.ns, candidates.length > 0 ? candidates.map((spec) => spec.ns) : NAMESPACES.map((spec) => spec.uri));
  if (near) {
    warn(out, where, `The namespace ${element.ns} is unknown here; did you mean ${near}?`, "namespace-typo");
  }
}

function checkAttributes(element: PositionedElement, spec: ElementSpec, out: Diagnostic[]): void {
  for (const attribute of spec.attributes) {
    if (attribute.required && !attr(element, attribute.name)) {
      error(out, nameRange(element), `<${element.qname}> needs ${/^[aeiou]/.test(attribute.name) ? "an" : "a"} ${attribute.name} attribute; add it. ${attribute.doc}`, "missing-attribute");
    }
  }
  for (const attribute of element.attributes) {
    // Namespace declarations, xml:lang (allowed on any element, XML 1.0 section 2.12) and
    // attributes of other namespaces are not the element's own to judge.
    if (isNamespaceDeclaration(attribute) || attribute.uri !== "") continue;
    const known = findAttribute(spec, attribute.name);
    const valueRange = { offset: attribute.valueOffset, length: attribute.valueLength };
    if (!known) {
      warn(out, { offset: attribute.offset, length: attribute.name.length }, `<${element.qname}> has no attribute ${attribute.name} in its spec; the recipient will ignore it. Known: ${spec.attributes.map((known) => known.name).join(", ") || "none"}.`, "unknown-attribute");
      continue;
    }
    const allowed = spec.name in STANZA_TYPES && spec.ns === NS_CLIENT && attribute.name === "type" ? STANZA_TYPES[spec.name as StanzaName] : known.values;
    if (allowed && !allowed.some((option) => option.value === attribute.value)) {
      error(out, valueRange, `${attribute.name}="${attribute.value}" is not allowed on <${element.qname}>: use one of ${allowed.map((option) => option.value).join(", ")}.`, "bad-value");
    }
    if (known.kind === "jid") {
      const problem = jidProblem(attribute.value);
      if (problem) error(out, valueRange, `${attribute.name} ${problem}`, "bad-jid");
    }
  }
}

function checkContent(element: PositionedElement, spec: ElementSpec, out: Diagnostic[]): void {
  const text = element.text.trim();
  const content = spec.content;
  if (content.kind === "empty" && (text !== "" || element.children.length > 0)) {
    warn(out, nameRange(element), `<${element.qname}> is empty by definition: write <${element.qname}/>.`, "not-empty");
  } else if (content.kind === "text") {
    if (element.children.length > 0) warn(out, nameRange(element.children[0]!), `<${element.qname}> holds text only, not elements.`, "text-only");
    if (content.values && !content.values.some((option) => option.value === text)) {
      error(out, textRange(element), `<${element.qname}> must contain one of ${content.values.map((option) => option.value).join(", ")}${text ? `, not "${text}"` : ""}.`, "bad-text");
    }
    const range = content.integer;
    if (range && !(/^[-+]?\d+$/.test(text) && Number(text) >= range.min && Number(text) <= range.max)) {
      error(out, textRange(element), `<${element.qname}> must contain a whole number from ${range.min} to ${range.max}${text ? `, not "${text}"` : ""}.`, "bad-text");
    }
  }
}

// -- helpers -------------------------------------------------------------------------

type Range = { offset: number; length: number };

function isStanzaName(name: string): name is StanzaName {
  return (STANZA_NAMES as readonly string[]).includes(name);
}

function attr(element: PositionedElement, name: string): PositionedAttribute | undefined {
  return element.attributes.find((attribute) => attribute.name === name);
}

function isNamespaceDeclaration(attribute: PositionedAttribute): boolean {
  return attribute.name === "xmlns" || attribute.name.startsWith("xmlns:");
}

/** A same-named element in another namespace fits here: let checkUnknown suggest that xmlns. */
function elsewhereHere(element: PositionedElement, parent: ElementRef): boolean {
  return elementsNamed(element.name).some((spec) => spec.ns !== element.ns && allowedIn(spec, parent)) && !attr(element, "xmlns");
}

/** The tag name of the start tag, where a marker is easiest to see. */
function nameRange(element: PositionedElement): Range {
  return { offset: element.start + 1, length: element.qname.length };
}

function textRange(element: PositionedElement): Range {
  const end = element.end === null ? element.startTagEnd : element.end - element.qname.length - 3;
  return end > element.startTagEnd ? { offset: element.startTagEnd, length: end - element.startTagEnd } : nameRange(element);
}

function listParents(spec: ElementSpec): string {
  const names = [...new Set(spec.parents.map((parent) => (parent.name === "stream" ? "the stream itself" : `<${parent.name}>`)))];
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** A close spelling (edit distance of at most 2, or 3 for long names): a likely typo. */
function closest(word: string, options: readonly string[]): string | undefined {
  let best: { option: string; distance: number } | undefined;
  for (const option of options) {
    if (option === word) continue;
    const distance = editDistance(word, option);
    const limit = option.length > 12 ? 3 : 2;
    if (distance <= limit && (!best || distance < best.distance)) best = { option, distance };
  }
  return best?.option;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function error(out: Diagnostic[], range: Range, message: string, code: string): void {
  out.push({ ...range, message, severity: "error", code });
}

function warn(out: Diagnostic[], range: Range, message: string, code: string): void {
  out.push({ ...range, message, severity: "warning", code });
}
