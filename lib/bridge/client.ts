import { BRIDGE_PATH, unfoldDone, type ClientMessage, type OpenRequest, type ServerMessage, type SessionState, type SessionSummary } from "./protocol";
import type { TranscriptEntry } from "../xmpp/entry";
import type { ProxyInfo, ProxyStartRequest } from "./protocol-proxy";
import type { HeldStanza, InterceptFilter, ProxyDirection } from "../proxy/intercept";

export interface SessionEvents {
  onEntries(entries: TranscriptEntry[]): void;
  /**
   * The text of a message that brought new entries, exactly as the socket delivered it, before
   * onEntries: a tab that stores its transcript hands this to its storage thread as it is,
   * rather than cloning every entry object again on this one.
   */
  onBatch?(text: string): void;
  onState(state: SessionState, detail: { jid?: string; message?: string }): void;
  /** The link to the bridge itself dropped or came back; the session lives on meanwhile. */
  onLink?(link: "up" | "down"): void;
  /**
   * Entries `from`..`to` are held neither here nor by the bridge any more: this tab had
   * acknowledged them as stored, and its storage lost them since.
   */
  onGap?(from: number, to: number): void;
  /** Proxy mode: the stanzas this connection holds now (intercept). */
  onHeld?(held: HeldStanza[]): void;
}

export interface ProxyEvents {
  /** A client connected through the proxy; the answer receives its session's entries. */
  onConnection(session: SessionSummary): SessionEvents;
  onClosed(message: string): void;
}

/** A proxy this page took back (after a reload, say): its info, the filter it holds by, why it stopped if it has. */
export interface AttachedProxy {
  proxy: ProxyInfo;
  intercept: InterceptFilter | null;
  stopped: string | null;
}

type Pending = {
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
  /**
   * Runs inside the dispatch of the reply, before any later message is handled: a session's
   * first entries may arrive right behind its "opened" reply, before an awaiting caller resumes.
   */
  onReply?: (message: ServerMessage) => void;
  /** The socket it went out on: only that socket's close means its answer will not come. */
  socket: WebSocket;
};
type OmitDistributive<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Tracked {
  token: string;
  events: SessionEvents;
  /** The highest seq received: a reattach asks for what came after it. */
  lastSeq: number;
  /** attach() has its own request out for this session: a reconnect leaves the session to it. */
  attaching?: boolean;
  /** attach()'s caller, once a drop cut its request off: the reconnect's attach settles it. */
  waiting?: { resolve(summary: SessionSummary): void; reject(error: Error): void };
}

const RECONNECT_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];

/** A request whose answer never came because the link to the bridge dropped first; the session itself may live on. */
class LinkLostError extends Error {
  constructor() {
    super("The connection to the bridge was lost; try again.");
  }
}

/** Shown when the bridge came back as a new process: its sessions (and their sockets) died with the old one. */
export const BRIDGE_RESTARTED_MESSAGE =
  "The playground server restarted, so this session has ended (its XMPP connection lived in the server). Your transcript is kept in this browser; connect to start a new session.";

/**
 * The page's end of the bridge: one WebSocket to the origin the page came from, requests
 * matched to replies by ref, entries routed to their session. When the socket drops it
 * reconnects and reattaches every session from its last seq, so nothing is missed.
 */
export class BridgeClient {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly sessions = new Map<string, Tracked>();
  /** Proxies this page started or took back, with the token that takes them back after a dropped link. */
  private readonly proxies = new Map<string, { token: string; events: ProxyEvents }>();
  private nextRef = 1;
  private reconnectAttempt = 0;
  private disposed = false;
  private bridgeInstance: string | null = null;

  constructor(private readonly url: string = defaultBridgeUrl()) {}

  /** The bridge process this client last spoke to (from its hello), once connected. */
  get instance(): string | null {
    return this.bridgeInstance;
  }

  async open(request: Omit<OpenRequest, "op" | "ref">, events: SessionEvents): Promise<SessionSummary> {
    const reply = await this.request({ op: "open", ...request }, (message) => {
      if (message.op === "opened") this.sessions.set(message.sessionId, { token: message.token, events, lastSeq: 0 });
    });
    if (reply.op !== "opened") throw new Error("the bridge answered an open request with something else");
    return reply;
  }

  /**
   * Reattaches to a session this tab opened before (after a reload, say). A drop before the
   * bridge answers does not end it: the session may live on there, and the reconnect that drop
   * scheduled attaches it with every other tracked session (reattachAll), whose outcome is
   * this call's. So one attach of a session is out at a time.
   */
  async attach(sessionId: string, token: string, afterSeq: number, events: SessionEvents): Promise<SessionSummary> {
    const tracked: Tracked = { token, events, lastSeq: afterSeq };
    this.sessions.set(sessionId, tracked);
    for (;;) {
      tracked.attaching = true;
      try {
        const summary = await this.requestAttach(sessionId, tracked);
        tracked.attaching = false;
        return summary;
      } catch (error) {
        tracked.attaching = false;
        const lost = error instanceof LinkLostError && !this.disposed && this.sessions.get(sessionId) === tracked;
        if (!lost) {
          if (this.sessions.get(sessionId) === tracked) this.sessions.delete(sessionId);
          throw error;
        }
        // Cut off with a socket a newer link had already replaced: nothing reconnects, ask over that link.
        if (this.socket?.readyState === WebSocket.OPEN) continue;
        return await new Promise<SessionSummary>((resolve, reject) => (tracked.waiting = { resolve, reject }));
      }
    }
  }

  async startProxy(request: Omit<ProxyStartRequest, "op" | "ref">, events: ProxyEvents): Promise<ProxyInfo> {
    const reply = await this.request({ op: "proxy-start", ...request }, (message) => {
      if (message.op === "proxy-started") this.proxies.set(message.proxy.proxyId, { token: message.proxy.token, events });
    });
    if (reply.op !== "proxy-started") throw new Error("the bridge answered a proxy request with something else");
    return reply.proxy;
  }

  /**
   * Takes back a proxy this tab started (after a reload): its client connections so far are
   * attached from the first entry, later ones arrive as for a proxy just started.
   */
  async attachProxy(proxyId: string, token: string, events: ProxyEvents): Promise<AttachedProxy> {
    const reply = await this.request({ op: "proxy-attach", proxyId, token }, (message) => {
      if (message.op === "proxy-attached" && message.stopped === null) this.proxies.set(proxyId, { token, events });
    });
    if (reply.op !== "proxy-attached") throw new Error("the bridge answered a proxy request with something else");
    for (const session of reply.sessions) {
      if (this.sessions.has(session.sessionId)) continue;
      // One that ended and was let go meanwhile is simply not shown again.
      await this.attach(session.sessionId, session.token, 0, events.onConnection(session)).catch(() => undefined);
    }
    return { proxy: reply.proxy, intercept: reply.intercept, stopped: reply.stopped };
  }

  async stopProxy(proxyId: string): Promise<void> {
    await this.request({ op: "proxy-stop", proxyId });
  }

  async setIntercept(proxyId: string, filter: InterceptFilter | null): Promise<void> {
    await this.request({ op: "proxy-intercept", proxyId, filter });
  }

  async inject(sessionId: string, direction: ProxyDirection, xml: string): Promise<void> {
    await this.request({ op: "inject", sessionId, direction, xml });
  }

  async release(sessionId: string, heldId: number, action: "forward" | "drop", xml?: string): Promise<void> {
    await this.request({ op: "release", sessionId, heldId, action, ...(xml === undefined ? {} : { xml }) });
  }

  async send(sessionId: string, xml: string): Promise<void> {
    await this.request({ op: "send", sessionId, xml });
  }

  /** Raw mode: drop the connection without ending the stream, and dial again. */
  async reconnect(sessionId: string): Promise<void> {
    await this.request({ op: "reconnect", sessionId });
  }

  async close(sessionId: string): Promise<void> {
    await this.request({ op: "close", sessionId });
  }

  /**
   * Tells the bridge this tab stored the session's entries up to `seq`, so it may forget
   * them. Only over a live link: a later ack covers what a dropped one missed.
   */
  acknowledge(sessionId: string, seq: number): void {
    if (this.socket?.readyState !== WebSocket.OPEN || !this.sessions.has(sessionId)) return;
    this.socket.send(JSON.stringify({ op: "ack", ref: String(this.nextRef++), sessionId, seq }));
  }

  async reveal(sessionId: string): Promise<Map<number, string>> {
    const reply = await this.request({ op: "reveal", sessionId });
    if (reply.op !== "secrets") throw new Error("the bridge answered a reveal request with something else");
    return new Map(Object.entries(reply.secrets).map(([seq, raw]) => [Number(seq), raw]));
  }

  /** Stops listening; the sessions stay on the bridge until they time out or are reattached. */
  dispose(): void {
    this.disposed = true;
    for (const tracked of this.sessions.values()) tracked.waiting?.reject(new Error("This page stopped listening to the bridge."));
    this.socket?.close();
    this.socket = null;
  }

  private async request(message: OmitDistributive<ClientMessage, "ref">, onReply?: (message: ServerMessage) => void): Promise<ServerMessage> {
    const socket = await this.connect();
    const ref = String(this.nextRef++);
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { resolve, reject, socket, ...(onReply ? { onReply } : {}) });
      socket.send(JSON.stringify({ ...message, ref }));
    });
  }

  /** Asks the bridge to attach this tab to a tracked session, for what came after its last seq. */
  private async requestAttach(sessionId: string, tracked: Tracked): Promise<SessionSummary> {
    const reply = await this.request({ op: "attach", sessionId, token: tracked.token, afterSeq: tracked.lastSeq });
    if (reply.op !== "attached") throw new Error("the bridge answered an attach request with something else");
    return reply;
  }

  private connect(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    this.opening ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.url);
      let greeted = false;
      const unreachable = () => {
        this.opening = null;
        reject(new Error("Cannot reach the playground's bridge. Is the playground server still running (npm run playground)?"));
      };
      // Usable once the bridge said which process it is: a reattach must know that first.
      socket.onmessage = (event) => {
        const text = String(event.data);
        const message = JSON.parse(text) as ServerMessage;
        if (message.op === "hello" && !greeted) {
          greeted = true;
          this.socket = socket;
          this.opening = null;
          this.reconnectAttempt = 0;
          this.greet(message.instance);
          resolve(socket);
          return;
        }
        this.dispatch(message, text);
      };
      socket.onerror = unreachable;
      socket.onclose = () => {
        if (greeted) this.onSocketClosed(socket);
        else unreachable();
      };
    });
    return this.opening;
  }

  /**
   * A different instance than before means the bridge process restarted: the sessions this
   * tab tracked are gone with it, so each ends with a message saying so (its entries stay).
   */
  private greet(instance: string): void {
    const previous = this.bridgeInstance;
    this.bridgeInstance = instance;
    if (previous === null || previous === instance) return;
    this.endProxies(BRIDGE_RESTARTED_MESSAGE);
    for (const [sessionId, tracked] of [...this.sessions]) {
      this.sessions.delete(sessionId);
      tracked.events.onLink?.("up");
      this.end(tracked, BRIDGE_RESTARTED_MESSAGE);
    }
  }

  private deliverEntries(message: Extract<ServerMessage, { op: "entries" }>, text: string): void {
    const tracked = this.sessions.get(message.sessionId);
    if (tracked === undefined) return;
    // A reattach may resend what already arrived: keep each seq once.
    const fresh = message.entries.filter((entry) => entry.seq > tracked.lastSeq);
    if (fresh.length === 0) return;
    if (fresh[0]!.seq > tracked.lastSeq + 1) tracked.events.onGap?.(tracked.lastSeq + 1, fresh[0]!.seq - 1);
    tracked.lastSeq = fresh.at(-1)!.seq;
    tracked.events.onBatch?.(text);
    tracked.events.onEntries(fresh);
  }

  private dispatch(message: ServerMessage, text: string): void {
    switch (message.op) {
      case "hello":
        return;
      case "entries": {
        this.deliverEntries(message, text);
        // The sends it completes, after its entries (protocol.ts).
        for (const done of unfoldDone(message).slice(1)) this.dispatch(done, text);
        return;
      }
      case "state": {
        const { state, jid, message: text } = message;
        this.sessions.get(message.sessionId)?.events.onState(state, { ...(jid ? { jid } : {}), ...(text ? { message: text } : {}) });
        return;
      }
      case "error":
        console.warn(message.message);
        return;
      case "proxy-connection": {
        const proxy = this.proxies.get(message.proxyId);
        if (proxy === undefined) return;
        this.sessions.set(message.session.sessionId, { token: message.session.token, events: proxy.events.onConnection(message.session), lastSeq: 0 });
        return;
      }
      case "proxy-closed":
        this.proxies.get(message.proxyId)?.events.onClosed(message.message);
        this.proxies.delete(message.proxyId);
        return;
      case "held":
        this.sessions.get(message.sessionId)?.events.onHeld?.(message.held);
        return;
      default: {
        const pending = this.pending.get(message.ref);
        if (pending === undefined) return;
        this.pending.delete(message.ref);
        if (message.op === "failed") {
          pending.reject(new Error(message.message));
        } else {
          pending.onReply?.(message);
          pending.resolve(message);
        }
      }
    }
  }

  /** A tracked session ended (already forgotten): its events say so, and an attach() waiting on it fails with the reason. */
  private end(tracked: Tracked, message: string): void {
    tracked.events.onState("closed", { message });
    tracked.waiting?.reject(new Error(message));
    delete tracked.waiting;
  }

  private endProxies(message: string): void {
    for (const proxy of this.proxies.values()) proxy.events.onClosed(message);
    this.proxies.clear();
  }

  private onSocketClosed(socket: WebSocket): void {
    // Also for a socket already replaced (a request made while it was closing opened a new one):
    // what went out on it is never answered.
    for (const [ref, pending] of this.pending) {
      if (pending.socket !== socket) continue;
      this.pending.delete(ref);
      pending.reject(new LinkLostError());
    }
    if (this.socket !== socket) return;
    this.socket = null;
    if (this.disposed) return;
    for (const tracked of this.sessions.values()) tracked.events.onLink?.("down");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnectAttempt, RECONNECT_DELAYS_MS.length - 1)]!;
    this.reconnectAttempt++;
    setTimeout(() => void this.reattachAll(), delay);
  }

  private async reattachAll(): Promise<void> {
    if (this.disposed) return;
    try {
      await this.connect();
    } catch {
      this.scheduleReconnect();
      return;
    }
    for (const [sessionId, tracked] of [...this.sessions]) {
      if (tracked.attaching) continue;
      try {
        const summary = await this.requestAttach(sessionId, tracked);
        tracked.events.onLink?.("up");
        tracked.waiting?.resolve(summary);
        delete tracked.waiting;
      } catch (error) {
        // The link dropped again before the bridge answered: the session lives on there, and the
        // reconnect that drop scheduled (onSocketClosed) attaches it and the rest from their last seq.
        if (error instanceof LinkLostError) return;
        this.sessions.delete(sessionId);
        this.end(tracked, error instanceof Error ? error.message : String(error));
      }
    }
    // The bridge kept this tab's proxies running while the link was down (server/proxy/proxy-hub.ts).
    for (const [proxyId, { token, events }] of [...this.proxies]) {
      try {
        const attached = await this.attachProxy(proxyId, token, events);
        if (attached.stopped !== null) throw new Error(attached.stopped);
      } catch (error) {
        if (error instanceof LinkLostError) return;
        this.proxies.delete(proxyId);
        events.onClosed(error instanceof Error ? error.message : String(error));
      }
    }
  }
}

function defaultBridgeUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}${BRIDGE_PATH}`;
}

let tabBridge: BridgeClient | null = null;

/** This tab's one connection to the bridge, shared by every pane and page; made on first use. */
export function bridgeOfThisTab(): BridgeClient {
  tabBridge ??= new BridgeClient();
  return tabBridge;
}
