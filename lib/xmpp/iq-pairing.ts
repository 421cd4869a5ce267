import type { TranscriptEntry } from "./entry";
import { sameJid } from "./jid-match";

interface PendingRequest {
  seq: number;
  at: number;
  to: string | undefined;
}

/**
 * Links each iq result or error to the request it answers (RFC 6120 section 8.2.3:
 * the response carries the request's id). Requests are kept per direction, since both
 * sides may ask; a response travels the other way.
 */
export class IqPairing {
  private readonly pending = new Map<string, PendingRequest>();

  /** Sets `pair` and `rttMs` on a response entry whose request was seen. */
  observe(entry: TranscriptEntry): void {
    if (entry.kind !== "iq" && entry.kind !== "bind") return;
    if (entry.dir === "event" || entry.attrs === undefined) return;
    const { id, type, to, from } = entry.attrs;
    if (id === undefined) return;
    if (type === "get" || type === "set") {
      this.pending.set(key(entry.dir, id), { seq: entry.seq, at: entry.at, to });
      return;
    }
    if (type !== "result" && type !== "error") return;
    const requestDir = entry.dir === "in" ? "out" : "in";
    const request = this.pending.get(key(requestDir, id));
    if (request === undefined || !addressedBack(request.to, from)) return;
    this.pending.delete(key(requestDir, id));
    entry.pair = request.seq;
    entry.rttMs = Math.round((entry.at - request.at) * 1000) / 1000;
  }

  /** Requests still waiting for an answer, oldest first. */
  unanswered(): { seq: number; at: number; id: string }[] {
    return [...this.pending.entries()].map(([key, { seq, at }]) => ({ seq, at, id: key.slice(key.indexOf(" ") + 1) }));
  }
}

function key(dir: "in" | "out", id: string): string {
  return `${dir} ${id}`;
}

/**
 * A reply to a request sent to a JID comes from that JID (RFC 6120 section 8.2.3), compared
 * as a JID: case-insensitive in the localpart and domainpart, exact in the resourcepart
 * (RFC 7622 sections 3.2 to 3.4). A request with no `to` goes to the account's own server
 * or bare JID, whose replies may name either or nothing (RFC 6120 section 10.3).
 */
function addressedBack(to: string | undefined, from: string | undefined): boolean {
  return to === undefined || from === undefined || sameJid(from, to);
}
