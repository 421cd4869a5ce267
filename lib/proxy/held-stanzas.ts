import type { Transcript } from "../xmpp/transcript";
import type { EntryAttrs, EntryKind } from "../xmpp/entry";
import { matchesFilter, type HoldQueue, type InterceptFilter, type ProxyDirection } from "./intercept";

/** A side a held stanza can be forwarded to: the text goes out with the next flush. */
export interface ForwardSide {
  push(text: string): void;
  flush(): void;
}

/**
 * Intercept on one proxied connection (mitmproxy's model: a filter holds, the person resumes,
 * edits or kills): what the filter matches waits here, and every step is an event entry.
 */
export class HeldStanzas {
  constructor(
    readonly queue: HoldQueue,
    private readonly transcript: Transcript,
    private readonly filter: () => InterceptFilter | null | undefined,
  ) {}

  /** True when the filter holds this stanza: it waits in the queue, and the lanes say so. */
  holds(direction: ProxyDirection, kind: EntryKind, attrs: EntryAttrs | undefined, raw: string): boolean {
    const filter = this.filter();
    if (filter === null || filter === undefined || !matchesFilter(filter, direction, { kind, ...(attrs ? { attrs } : {}), raw })) return false;
    const stanza = this.queue.hold(direction, kind, raw);
    const from = direction === "to-server" ? "from the client" : "from the server";
    this.transcript.recordEvent("intercepted", `held stanza #${stanza.id} ${from}: it waits for you to forward, edit or drop it`);
    return true;
  }

  /**
   * Forwards a held stanza (as it was, or as edited) or drops it; false if it is not held any
   * more. `sides` is null once the connection ended: a forward then goes nowhere.
   */
  release(id: number, action: "forward" | "drop", edited: string | undefined, sides: Record<ProxyDirection, ForwardSide> | null): boolean {
    const stanza = this.queue.take(id);
    if (stanza === undefined) return false;
    const toward = stanza.direction === "to-server" ? "the server" : "the client";
    if (action === "drop") {
      this.transcript.recordEvent("intercepted", `dropped held stanza #${id} on its way to ${toward}: ${stanza.raw}`);
      return true;
    }
    if (sides === null) return true;
    const text = edited ?? stanza.raw;
    const how = text === stanza.raw ? "as it was" : `edited, as: ${text}`;
    this.transcript.recordEvent("intercepted", `forwarded held stanza #${id} to ${toward} ${how}`);
    const side = sides[stanza.direction];
    side.push(text);
    side.flush();
    return true;
  }

  /** The connection closed: what is still held is dropped, and the lanes say how many. */
  dropAll(): void {
    const dropped = this.queue.takeAll();
    if (dropped.length > 0) this.transcript.recordEvent("intercepted", `dropped ${dropped.length} held stanza(s): the connection closed before they were forwarded`);
  }
}
