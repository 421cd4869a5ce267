import { WebSocket } from "ws";
import { unfoldDone, type OpenRequest, type ServerMessage } from "../lib/bridge/protocol";

/**
 * One simulated browser tab for the load case: a Node WebSocket speaking the bridge
 * protocol (lib/bridge/protocol.ts) exactly as the page's BridgeClient does, with one
 * session. It checks what it receives as it goes: every transcript seq once and in order,
 * and each peer's numbered chat messages with no loss, repeat or reordering.
 */

/** Body of a load message: who sent it, its number in that sender's sequence, when (epoch ms). */
const BODY = /<body>load (\d+) (\d+) (\d+)<\/body>/;
/** The page stores its transcript in IndexedDB in batches this far apart, then acks them. */
const ACK_EVERY_MS = 300;

export class LoadTab {
  sessionId = "";
  jid = "";
  state = "connecting";
  closedMessage: string | undefined;
  /** Messages this tab asked the bridge to send. */
  sent = 0;
  /** Distinct chat messages received from the peer, and how their numbering went. */
  received = 0;
  /** Arrived after a higher number from the same sender. */
  reordered = 0;
  /** Arrived a second time. */
  repeated = 0;
  /** From someone other than the peer, or whose id and body disagree. */
  strays = 0;
  peerIndex = -1;
  /** The bridge process that answered (its hello): which app process holds this tab's session. */
  instance = "";
  /** The browser cookie this tab sent, when it sent one (the cluster case's sticky routing). */
  cookie = "";
  /** The WebSocket itself closed (its app process died, say). */
  socketClosed = false;
  /** Transcript seqs that did not follow the previous one by exactly one. */
  seqBreaks = 0;
  lastSeq = 0;
  /** Milliseconds from the peer's send request to this tab's receiving the entry. */
  readonly latencies: number[] = [];
  private lastAckAt = 0;
  private readonly seenFromPeer = new Set<number>();
  private highestFromPeer = -1;
  private nextRef = 1;
  private readonly pending = new Map<string, (message: ServerMessage) => void>();
  private readonly ready: Promise<void>;

  constructor(
    readonly index: number,
    url: string,
    /** Acknowledge received entries, as a page whose storage works does. */
    private readonly acknowledges = true,
    // A page from the app's own server sends its Origin; the bridge refuses sockets without one.
    private readonly socket = new WebSocket(url, { origin: new URL(url).origin.replace("ws:", "http:") }),
  ) {
    this.ready = new Promise((resolve, reject) => socket.once("open", () => resolve()).once("error", reject));
    socket.on("message", (data) => {
      for (const message of unfoldDone(JSON.parse(String(data)) as ServerMessage)) this.dispatch(message);
    });
    socket.on("close", () => (this.socketClosed = true));
  }

  /** Opens a session (by default with a disposable account, XEP-0077) and waits until it is online. */
  async open(request: Omit<OpenRequest, "op" | "ref"> = { mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: true, account: { kind: "fresh" } }): Promise<void> {
    await this.ready;
    const reply = await this.request({ op: "open", ...request });
    if (reply.op !== "opened") throw new Error(`tab ${this.index} could not open a session: ${reply.op === "failed" ? reply.message : reply.op}`);
    this.sessionId = reply.sessionId;
    this.jid = reply.account?.jid ?? "";
    if (reply.state === "online") this.state = "online";
    const deadline = Date.now() + 30_000;
    while (this.state !== "online") {
      if (this.state === "closed" || Date.now() > deadline) throw new Error(`tab ${this.index} did not come online: ${this.closedMessage ?? "timeout"}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends the next numbered chat message to `peer`, without waiting for the bridge's reply. */
  chat(peer: string): void {
    const n = this.sent++;
    const xml = `<message to='${peer}' type='chat' id='l${this.index}-${n}'><body>load ${this.index} ${n} ${Date.now()}</body></message>`;
    void this.request({ op: "send", sessionId: this.sessionId, xml });
  }

  async close(): Promise<void> {
    if (this.state !== "closed" && !this.socketClosed) await this.request({ op: "close", sessionId: this.sessionId });
    this.socket.close();
  }

  private request(message: Record<string, unknown>): Promise<ServerMessage> {
    const ref = String(this.nextRef++);
    return new Promise((resolve) => {
      this.pending.set(ref, resolve);
      this.socket.send(JSON.stringify({ ...message, ref }));
    });
  }

  private dispatch(message: ServerMessage): void {
    switch (message.op) {
      case "entries":
        for (const entry of message.entries) {
          if (entry.seq !== this.lastSeq + 1) this.seqBreaks++;
          this.lastSeq = entry.seq;
          if (entry.dir === "in" && entry.kind === "message") this.onChat(entry.raw, entry.attrs?.id);
        }
        // As the page does once a batch is in its storage: the bridge may forget those entries.
        if (this.acknowledges && this.sessionId !== "" && Date.now() - this.lastAckAt >= ACK_EVERY_MS) {
          this.lastAckAt = Date.now();
          this.socket.send(JSON.stringify({ op: "ack", ref: "ack", sessionId: this.sessionId, seq: this.lastSeq }));
        }
        return;
      case "state":
        this.state = message.state;
        if (message.state === "closed") this.closedMessage = message.message;
        return;
      case "hello":
        this.instance = message.instance;
        return;
      case "error":
      case "proxy-connection":
      case "proxy-closed":
      case "held":
        return;
      default: {
        const resolve = this.pending.get(message.ref);
        this.pending.delete(message.ref);
        resolve?.(message);
      }
    }
  }

  private onChat(raw: string, id: string | undefined): void {
    const match = BODY.exec(raw);
    if (match === null) return;
    // Content check: the stanza id the sender wrote must agree with the body it wrote.
    if (Number(match[1]) !== this.peerIndex || id !== `l${match[1]}-${match[2]}`) {
      this.strays++;
      return;
    }
    const n = Number(match[2]);
    this.latencies.push(Date.now() - Number(match[3]));
    if (this.seenFromPeer.has(n)) {
      this.repeated++;
      return;
    }
    this.seenFromPeer.add(n);
    this.received++;
    if (n < this.highestFromPeer) this.reordered++;
    this.highestFromPeer = Math.max(this.highestFromPeer, n);
  }
}
