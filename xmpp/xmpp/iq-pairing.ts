import type { TranscriptEntry } from "./entry";

interface PendingRequest {
  seq: number;
  at: number;
  dir: "in" | "out";
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
    if (entry.dir === "event") return;
    const id = entry.attrs?.id;
    const type = entry.attrs?.type;
    if (id === undefined || type === undefined) return;
    if (type === "get" || type === "set") {
      this.pending.set(key(entry.dir, id), { seq: entry.seq, at: entry.at, dir: entry.dir, to: entry.attrs?.to });
      return;
    }
    if (type !== "result" && type !== "error") return;
    const requestDir = entry.dir === "in" ? "out" : "in";
    const request = this.pending.get(key(requestDir, id));
    if (request === undefined || !addressedBack(request, entry)) return;
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
 * A reply to a request sent to a JID comes from that JID. A request with no `to` goes to
 * the account's own server or bare JID, whose replies may name either or nothing.
 */
function addressedBack(request: PendingRequest, response: TranscriptEntry): boolean {
  if (request.to === undefined) return true;
  return response.attrs?.from === undefined || response.attrs.from.toLowerCase() === request.to.toLowerCase();
}
