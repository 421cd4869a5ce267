import { BRIDGE_PATH, type ClientMessage, type OpenRequest, type ServerMessage, type SessionState } from "./protocol";
import type { TranscriptEntry } from "../xmpp/entry";

export interface SessionEvents {
  onEntries(entries: TranscriptEntry[]): void;
  onState(state: SessionState, detail: { jid?: string; message?: string }): void;
}

type Pending = { resolve: (message: ServerMessage) => void; reject: (error: Error) => void };
type OmitDistributive<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The page's end of the bridge: one WebSocket to the origin the page came from,
 * requests matched to replies by ref, entries routed to the session they belong to.
 */
export class BridgeClient {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly sessions = new Map<string, SessionEvents>();
  private nextRef = 1;

  constructor(private readonly url: string = defaultBridgeUrl()) {}

  /** Opens a session; its entries and state changes reach `events`. */
  async open(request: Omit<OpenRequest, "op" | "ref">, events: SessionEvents): Promise<string> {
    const reply = await this.request({ op: "open", ...request });
    if (reply.op !== "opened") throw new Error("the bridge answered an open request with something else");
    this.sessions.set(reply.sessionId, events);
    return reply.sessionId;
  }

  async send(sessionId: string, xml: string): Promise<void> {
    await this.request({ op: "send", sessionId, xml });
  }

  async close(sessionId: string): Promise<void> {
    await this.request({ op: "close", sessionId });
  }

  dispose(): void {
    this.socket?.close();
    this.socket = null;
  }

  private async request(message: OmitDistributive<ClientMessage, "ref">): Promise<ServerMessage> {
    const socket = await this.connect();
    const ref = String(this.nextRef++);
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { resolve, reject });
      socket.send(JSON.stringify({ ...message, ref }));
    });
  }

  private connect(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    this.opening ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.url);
      socket.onopen = () => {
        this.socket = socket;
        this.opening = null;
        resolve(socket);
      };
      socket.onerror = () => {
        this.opening = null;
        reject(new Error("Cannot reach the playground's bridge. Is the playground server still running (npm run playground)?"));
      };
      socket.onmessage = (event) => this.dispatch(JSON.parse(String(event.data)) as ServerMessage);
      socket.onclose = () => this.onSocketClosed(socket);
    });
    return this.opening;
  }

  private dispatch(message: ServerMessage): void {
    switch (message.op) {
      case "entries":
        this.sessions.get(message.sessionId)?.onEntries(message.entries);
        return;
      case "state": {
        const { state, jid, message: text } = message;
        this.sessions.get(message.sessionId)?.onState(state, { ...(jid ? { jid } : {}), ...(text ? { message: text } : {}) });
        return;
      }
      case "error":
        console.warn(message.message);
        return;
      default: {
        const pending = this.pending.get(message.ref);
        if (pending === undefined) return;
        this.pending.delete(message.ref);
        if (message.op === "failed") pending.reject(new Error(message.message));
        else pending.resolve(message);
      }
    }
  }

  private onSocketClosed(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    for (const pending of this.pending.values()) pending.reject(new Error("The connection to the bridge was lost."));
    this.pending.clear();
    for (const events of this.sessions.values()) events.onState("closed", { message: "the connection to the playground server was lost" });
    this.sessions.clear();
  }
}

function defaultBridgeUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}${BRIDGE_PATH}`;
}
