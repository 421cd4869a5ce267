import type { TranscriptEntry } from "../xmpp/entry";
import { TreeCache } from "../lessons/check";
import { descendantsAt } from "../lessons/xml-tree";
import { bareJid, expandVariables, type VariableValues } from "../xml/variables";
import type { Capture } from "./types";

/**
 * The values a script's text is written against, and the captures that add to them. One
 * variable engine (lib/xml/variables.ts) for scripts, lessons and the workbench.
 */

/** {{alice}} (bare JID), {{alice.full}} (the bound full JID, RFC 6120 §7.6.1) and {{domain}}. */
export function accountValues(account: string, boundJid: string, domain: string): Record<string, string> {
  return { [account]: bareJid(boundJid), [`${account}.full`]: boundJid, domain };
}

/** XML to send: values escaped (they land in attributes and text), a fresh id for each {{id}}. */
export function expandSend(text: string, values: VariableValues, newId?: () => string): string {
  return expandVariables(text, values, { escape: true, ...(newId ? { newId } : {}) }).text;
}

/** Reads one capture from the entry that met its expectation; a sentence saying why not when it cannot. */
export function captureValue(capture: Capture, entry: TranscriptEntry, trees = new TreeCache()): { value: string } | { problem: string } {
  const tree = trees.of(entry);
  if (tree === undefined) return { problem: `entry #${entry.seq} is not an element whose contents can be read` };
  const node = capture.path === undefined ? tree : descendantsAt(tree, capture.path)[0];
  const where = capture.path === undefined ? `<${tree.name}/>` : `<${capture.path}/> below <${tree.name}/>`;
  if (node === undefined) return { problem: `entry #${entry.seq} has no ${where}` };
  if (capture.attr !== undefined) {
    const value = node.attrs[capture.attr];
    return value === undefined ? { problem: `${where} of entry #${entry.seq} has no attribute ${capture.attr}` } : { value };
  }
  const text = node.text.trim();
  return text === "" ? { problem: `${where} of entry #${entry.seq} has no text` } : { value: text };
}
