import type { AttributeSpec, ContentSpec, ElementRef, ElementSpec, ValueSpec } from "./types";

/** Compact constructors: the data modules read like a table, not like boilerplate. */

export function element(
  name: string,
  ns: string,
  parents: ElementRef | readonly ElementRef[],
  doc: string,
  spec: string,
  options: { attributes?: readonly AttributeSpec[]; content?: ContentSpec } = {},
): ElementSpec {
  return {
    name,
    ns,
    parents: Array.isArray(parents) ? parents : [parents as ElementRef],
    attributes: options.attributes ?? [],
    content: options.content ?? { kind: "elements" },
    doc,
    spec,
  };
}

export const ref = (name: string, ns: string): ElementRef => ({ name, ns });

export const EMPTY: ContentSpec = { kind: "empty" };
export const TEXT: ContentSpec = { kind: "text" };
export const ANY: ContentSpec = { kind: "any" };

export const textOf = (values: readonly ValueSpec[]): ContentSpec => ({ kind: "text", values });

export function jidAttribute(name: string, doc: string, required = false): AttributeSpec {
  return { name, doc, kind: "jid", ...(required ? { required } : {}) };
}

export function attribute(name: string, doc: string, options: { values?: readonly ValueSpec[]; required?: boolean } = {}): AttributeSpec {
  return { name, doc, ...options };
}

/** `[value, doc]` pairs read better in the data files than objects. */
export const values = (pairs: readonly (readonly [string, string])[]): ValueSpec[] => pairs.map(([value, doc]) => ({ value, doc }));
