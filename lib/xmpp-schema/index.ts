import { MUC_ELEMENTS } from "./muc";
import { NAMESPACES } from "./namespaces";
import { NS_STREAM } from "../xml/namespaces";
import { REGISTER_ELEMENTS } from "./register";
import { SERVICE_ELEMENTS } from "./services";
import { STANZA_ERROR_CONDITIONS, STANZA_ERROR_ELEMENTS } from "./stanza-errors";
import { STANZA_ELEMENTS } from "./stanzas";
import { ERROR_CONDITION_ELEMENTS, SASL_FAILURE_CONDITIONS, STREAM_ERROR_CONDITIONS } from "./stream-errors";
import { STREAM_ELEMENTS } from "./stream";
import { STREAM_MANAGEMENT_ELEMENTS } from "./stream-management";
import { VCARD_ELEMENTS } from "./vcard";
import type { AttributeSpec, ConditionSpec, ElementRef, ElementSpec, NamespaceSpec } from "./types";

/**
 * The curated XMPP schema and its lookups. Headless and small: the Monaco language
 * module, the validator and the explanation panel all read from here.
 */

export type * from "./types";
export * from "./namespaces";
export { STANZA_TYPES, MESSAGE_TYPES, PRESENCE_TYPES, IQ_TYPES } from "./stanzas";
export { STANZA_ERROR_CONDITIONS, STANZA_ERROR_TYPES } from "./stanza-errors";
export { STREAM_ERROR_CONDITIONS, SASL_FAILURE_CONDITIONS } from "./stream-errors";
export { AFFILIATIONS, ROLES, STATUS_CODES } from "./muc";
export { SUBSCRIPTION_STATES } from "./services";

export const ELEMENTS: readonly ElementSpec[] = [
  ...STREAM_ELEMENTS,
  ...STANZA_ELEMENTS,
  ...STANZA_ERROR_ELEMENTS,
  ...ERROR_CONDITION_ELEMENTS,
  ...SERVICE_ELEMENTS,
  ...VCARD_ELEMENTS,
  ...MUC_ELEMENTS,
  ...REGISTER_ELEMENTS,
  ...STREAM_MANAGEMENT_ELEMENTS,
];

const key = (name: string, ns: string) => `{${ns}}${name}`;
const BY_KEY = new Map(ELEMENTS.map((spec) => [key(spec.name, spec.ns), spec]));
const NAMESPACE_BY_URI = new Map(NAMESPACES.map((spec) => [spec.uri, spec]));

export function findElement(name: string, ns: string): ElementSpec | undefined {
  return BY_KEY.get(key(name, ns));
}

/** Every definition with this local name, whatever its namespace: for "did you mean xmlns=...". */
export function elementsNamed(name: string): ElementSpec[] {
  return ELEMENTS.filter((spec) => spec.name === name);
}

export function elementsIn(ns: string): ElementSpec[] {
  return ELEMENTS.filter((spec) => spec.ns === ns);
}

/** The elements that may stand directly inside `parent`. */
export function childrenOf(parent: ElementRef): ElementSpec[] {
  return ELEMENTS.filter((spec) => allowedIn(spec, parent));
}

export function allowedIn(spec: ElementSpec, parent: ElementRef): boolean {
  return spec.parents.some((candidate) => candidate.name === parent.name && candidate.ns === parent.ns);
}

export function isStreamLevel(parent: ElementRef): boolean {
  return parent.name === "stream" && parent.ns === NS_STREAM;
}

export function findAttribute(spec: ElementSpec, name: string): AttributeSpec | undefined {
  return spec.attributes.find((attribute) => attribute.name === name);
}

export function namespaceInfo(uri: string): NamespaceSpec | undefined {
  return NAMESPACE_BY_URI.get(uri);
}

export function isKnownNamespace(uri: string): boolean {
  return NAMESPACE_BY_URI.has(uri);
}

export function stanzaErrorCondition(name: string): ConditionSpec | undefined {
  return STANZA_ERROR_CONDITIONS.find((spec) => spec.name === name);
}

export function streamErrorCondition(name: string): ConditionSpec | undefined {
  return STREAM_ERROR_CONDITIONS.find((spec) => spec.name === name);
}

export function saslFailureCondition(name: string): ConditionSpec | undefined {
  return SASL_FAILURE_CONDITIONS.find((spec) => spec.name === name);
}
