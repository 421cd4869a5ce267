import { namespaceInfo, saslFailureCondition, stanzaErrorCondition, streamErrorCondition } from "./index";
import { NS_SASL, NS_STANZA_ERRORS, NS_STREAM_ERRORS } from "./namespaces";
import type { AttributeSpec, ElementSpec, ValueSpec } from "./types";

/**
 * Schema entries as Markdown, for hovers and completion details. Everything is escaped:
 * element names typed by a person end up here too, and Markdown must not read them as HTML.
 */

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, "\\$&");
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const link = (url: string) => `[${escapeMarkdown(specName(url))}](${url})`;

/** "RFC 6120 section 8.2.3" or "XEP-0199", from a spec URL. */
export function specName(url: string): string {
  const rfc = /rfc(\d+)(?:#section-([\d.]+))?/.exec(url);
  if (rfc) return rfc[2] ? `RFC ${rfc[1]} section ${rfc[2]}` : `RFC ${rfc[1]}`;
  const xep = /xep-(\d{4})/.exec(url);
  if (xep) return `XEP-${xep[1]}`;
  return url.replace(/^https?:\/\//, "");
}

export function elementMarkdown(spec: ElementSpec): string {
  const lines = [`**${code(`<${spec.name}>`)}** in ${code(spec.ns)}`, "", escapeMarkdown(spec.doc)];
  const condition = conditionFor(spec);
  if (condition) lines.push("", `**Fix:** ${escapeMarkdown(condition.fix)}`);
  lines.push("", link(spec.spec));
  return lines.join("\n");
}

export function attributeMarkdown(element: ElementSpec, attribute: AttributeSpec, value?: string): string {
  const lines = [`**${code(attribute.name)}** on ${code(`<${element.name}>`)}${attribute.required ? " (required)" : ""}`, "", escapeMarkdown(attribute.doc)];
  const chosen = value === undefined ? undefined : attribute.values?.find((option) => option.value === value);
  if (chosen) lines.push("", `${code(chosen.value)}: ${escapeMarkdown(chosen.doc)}`);
  else if (attribute.values) lines.push("", valuesList(attribute.values));
  lines.push("", link(element.spec));
  return lines.join("\n");
}

export function valueMarkdown(option: ValueSpec, spec: string): string {
  return `${code(option.value)}: ${escapeMarkdown(option.doc)}\n\n${link(spec)}`;
}

export function namespaceMarkdown(uri: string): string {
  const info = namespaceInfo(uri);
  if (!info) return `${code(uri)} is not in this playground's schema: an extension the editor cannot check.`;
  return `**${code(uri)}**\n\n${escapeMarkdown(info.title)}\n\n${link(info.spec)}`;
}

export function valuesList(options: readonly ValueSpec[]): string {
  return options.map((option) => `- ${code(option.value)}: ${escapeMarkdown(option.doc)}`).join("\n");
}

function conditionFor(spec: ElementSpec) {
  if (spec.ns === NS_STANZA_ERRORS) return stanzaErrorCondition(spec.name);
  if (spec.ns === NS_STREAM_ERRORS) return streamErrorCondition(spec.name);
  if (spec.ns === NS_SASL) return saslFailureCondition(spec.name);
  return undefined;
}
