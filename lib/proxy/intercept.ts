import { walkXml } from "../xml/walk-xml";
import { CLIENT_STREAM_CONTEXT } from "../xml/parse-element";
import type { EntryAttrs, EntryKind } from "../xmpp/entry";

/**
 * Intercept, as mitmproxy does it for HTTP (its intercept addon: a filter decides which flows
 * stop; a stopped flow is resumed, edited or killed), for XMPP stanzas in a proxied stream.
 */

/** Toward the server (what the client sent) or toward the client (what the server sent). */
export type ProxyDirection = "to-server" | "to-client";

export interface InterceptFilter {
  toServer: boolean;
  toClient: boolean;
  /** "message", "presence" or "iq"; empty: any stanza. */
  kind: string;
  /** Part of the to or from JID, any case; empty: any. */
  jid: string;
  /** A namespace anywhere in the stanza (exact); empty: any. */
  namespace: string;
  /** Part of the raw text, any case; empty: any. */
  text: string;
}

/**
 * Only stanzas are held (RFC 6120 section 8): holding stream negotiation (features, TLS,
 * SASL, bind) would stall the client's login while the person reads.
 */
export const HOLDABLE_KINDS: readonly EntryKind[] = ["message", "presence", "iq"];

/** What the filter sees of one top-level element, as the transcript describes it. */
export interface StanzaView {
  kind: EntryKind;
  attrs?: EntryAttrs;
  raw: string;
}

export function matchesFilter(filter: InterceptFilter, direction: ProxyDirection, stanza: StanzaView): boolean {
  if (!(direction === "to-server" ? filter.toServer : filter.toClient)) return false;
  if (!HOLDABLE_KINDS.includes(stanza.kind)) return false;
  if (filter.kind !== "" && filter.kind !== stanza.kind) return false;
  if (filter.jid !== "") {
    const wanted = filter.jid.toLowerCase();
    const jids = [stanza.attrs?.to, stanza.attrs?.from].filter((jid): jid is string => jid !== undefined);
    if (!jids.some((jid) => jid.toLowerCase().includes(wanted))) return false;
  }
  if (filter.text !== "" && !stanza.raw.toLowerCase().includes(filter.text.toLowerCase())) return false;
  if (filter.namespace !== "" && !namespacesOf(stanza.raw).has(filter.namespace)) return false;
  return true;
}

/** Every namespace an element of `raw` is in, at any depth. */
function namespacesOf(raw: string): Set<string> {
  const found = new Set<string>();
  const { prefixes, defaultNs } = CLIENT_STREAM_CONTEXT;
  walkXml(raw, { namespaces: { ...prefixes, "": defaultNs } }, { open: (tag) => void found.add(tag.uri) });
  return found;
}

/** A filter from an untrusted message, or why it is not one. */
export function parseInterceptFilter(value: unknown): InterceptFilter | { invalid: string } {
  if (typeof value !== "object" || value === null) return { invalid: "the filter is not an object" };
  const record = value as Record<string, unknown>;
  if (typeof record.toServer !== "boolean" || typeof record.toClient !== "boolean") return { invalid: "the filter needs toServer and toClient (true or false)" };
  const strings = ["kind", "jid", "namespace", "text"] as const;
  for (const key of strings) if (typeof record[key] !== "string") return { invalid: `the filter's ${key} must be a string (empty for any)` };
  const kind = record.kind as string;
  if (kind !== "" && !HOLDABLE_KINDS.includes(kind as EntryKind)) return { invalid: `the filter's kind must be message, presence, iq or empty, not "${kind}"` };
  return { toServer: record.toServer, toClient: record.toClient, kind, jid: record.jid as string, namespace: record.namespace as string, text: record.text as string };
}

export interface HeldStanza {
  id: number;
  direction: ProxyDirection;
  kind: EntryKind;
  raw: string;
}

export type HeldListener = (held: readonly HeldStanza[]) => void;

/**
 * The stanzas one connection holds, in the order they came. Nothing waits behind a held
 * stanza: the rest of the stream flows (a held message does not stop the pings after it).
 */
export class HoldQueue {
  private readonly held = new Map<number, HeldStanza>();
  private readonly listeners = new Set<HeldListener>();
  private nextId = 1;

  hold(direction: ProxyDirection, kind: EntryKind, raw: string): HeldStanza {
    const stanza = { id: this.nextId++, direction, kind, raw };
    this.held.set(stanza.id, stanza);
    this.changed();
    return stanza;
  }

  /** Takes a held stanza out of the queue to forward or drop it; undefined if it is not held (any more). */
  take(id: number): HeldStanza | undefined {
    const stanza = this.held.get(id);
    if (stanza === undefined) return undefined;
    this.held.delete(id);
    this.changed();
    return stanza;
  }

  /** Every held stanza goes, as when the connection ends. */
  takeAll(): HeldStanza[] {
    const all = this.list();
    this.held.clear();
    if (all.length > 0) this.changed();
    return all;
  }

  list(): HeldStanza[] {
    return [...this.held.values()];
  }

  onChange(listener: HeldListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }
}
