import { client, type Client } from "@xmpp/client";
import { WebSocket as NodeWebSocket } from "ws";
import { Transcript } from "./transcript";
import { tapConnection } from "./wire-tap";
import type { SaslMechanism, SessionState, Transport } from "../bridge/protocol";
import type { TranscriptEntry } from "./entry";
import type { StateListener, XmppSession } from "./session";
import { SessionStateEmitter } from "./session-state";

export interface ServerAddress {
  host: string;
  port: number;
  /** The HTTP path of XMPP over WebSocket, for the websocket transport. */
  path?: string;
}

export interface GuidedSessionOptions {
  server: ServerAddress;
  transport: Transport;
  /** The XMPP domain (the JID's domainpart), which may differ from the host to dial. */
  domain: string;
  username: string;
  password: string;
  mechanism: SaslMechanism;
  resource?: string;
  /**
   * Send `<presence/>` once bound (RFC 6121 section 4.2). Without it the server treats the
   * account as unavailable and keeps chat messages to its bare JID offline.
   */
  initialPresence?: boolean;
}

// @xmpp/websocket expects the browser's global WebSocket, which Node 20 lacks without a flag.
globalThis.WebSocket ??= NodeWebSocket as unknown as typeof WebSocket;


/**
 * A connection negotiated by @xmpp/client (STARTTLS, SASL, resource binding), with every
 * byte of it recorded in a Transcript through the wire tap.
 */
export class GuidedSession implements XmppSession {
  readonly transcript = new Transcript();
  private readonly entity: Client;
  private readonly status = new SessionStateEmitter();
  private secure = false;
  private streamError: string | undefined;
  private lastError: string | undefined;

  constructor(private readonly options: GuidedSessionOptions) {
    this.entity = client({
      service: serviceUri(options.server, options.transport),
      domain: options.domain,
      ...(options.resource ? { resource: options.resource } : {}),
      credentials: (authenticate, offered) => {
        if (!offered.includes(options.mechanism)) {
          throw new Error(`the server does not offer SASL ${options.mechanism} here (it offers ${offered.join(", ") || "nothing"})`);
        }
        return authenticate({ username: options.username, password: options.password }, options.mechanism);
      },
    });
    // A silent reconnect would replay the login; the user reconnects when they choose.
    this.entity.reconnect.stop();
    // RFC 6121 §2.1.6: a client acknowledges a roster push with an empty result. Without a
    // handler, @xmpp/client would answer every push with service-unavailable.
    this.entity.iqCallee.set("jabber:iq:roster", "query", () => true);
    tapConnection(this.entity, {
      received: (data) => {
        this.noticeTls();
        this.transcript.record("in", data);
      },
      sent: (text) => {
        this.noticeTls();
        this.transcript.record("out", text);
      },
    });
    this.transcript.onEntry((entry) => this.onEntry(entry));
    this.entity.on("status", (status: string) => this.onStatus(status));
    this.entity.on("error", (error: unknown) => {
      this.lastError = describeError(error);
    });
  }

  get currentState(): SessionState {
    return this.status.current;
  }

  onState(listener: StateListener): () => void {
    return this.status.listen(listener);
  }

  /** Connects, negotiates and binds; resolves with the bound full JID. */
  async connect(): Promise<string> {
    const { host, port } = this.options.server;
    this.transcript.recordEvent(`connecting to ${host}:${port} (${this.options.transport})`);
    try {
      const jid = String(await this.entity.start());
      this.transcript.recordEvent(`online as ${jid}`);
      if (this.options.initialPresence) await this.entity.write("<presence/>");
      this.status.set("online", { jid });
      return jid;
    } catch (error) {
      const message = this.lastError ?? describeError(error);
      await this.entity.stop().catch(() => undefined);
      this.finish(message);
      throw new Error(message);
    }
  }

  /** Writes exactly the text given: one stanza, several, or not even XML. */
  async send(xml: string): Promise<void> {
    if (this.status.current !== "online") throw new Error("the session is not connected; connect again to send");
    await this.entity.write(xml);
  }

  /** Closes the stream politely (RFC 6120 section 4.4), then the socket. */
  async close(): Promise<void> {
    if (this.status.current === "closed") return;
    await this.entity.stop().catch(() => undefined);
    this.finish("closed by you");
  }

  private onEntry(entry: TranscriptEntry): void {
    if (entry.dir === "in" && entry.kind === "sasl" && entry.name === "success") {
      this.transcript.recordEvent("authenticated");
    }
    if (entry.dir === "in" && entry.kind === "stream-error") this.streamError = entry.error ?? "undefined-condition";
  }

  private onStatus(status: string): void {
    if (status === "connect") {
      // Without this every round trip waits for Nagle's 40 ms delayed ACK.
      const socket = this.entity.socket;
      socket?.setNoDelay?.(true);
      socket?.socket?.setNoDelay?.(true);
    }
    if (status === "disconnect" && this.status.current === "online") {
      this.finish(this.streamError ? `the server ended the stream: ${this.streamError}` : this.lastError ?? "the connection closed");
    }
  }

  private noticeTls(): void {
    const secure = this.entity.socket !== null && (this.entity.socket as { secure?: boolean }).secure === true;
    if (secure && !this.secure && this.options.transport !== "websocket") {
      this.transcript.recordEvent("TLS established");
    }
    this.secure = secure;
  }

  private finish(message: string): void {
    if (this.status.current === "closed") return;
    this.transcript.end();
    this.transcript.recordEvent(`closed: ${message}`, this.streamError);
    this.status.set("closed", { message });
  }

}

function serviceUri(server: ServerAddress, transport: Transport): string {
  const host = server.host.includes(":") ? `[${server.host}]` : server.host;
  switch (transport) {
    case "websocket":
      return `ws://${host}:${server.port}${server.path ?? "/ws"}`;
    case "tls":
      return `xmpps://${host}:${server.port}`;
    case "starttls":
    case "plain":
      // @xmpp/client upgrades whenever STARTTLS is offered: "plain" relies on a listener without TLS.
      return `xmpp://${host}:${server.port}`;
  }
}

/** Turns library and socket errors into a sentence that says what to do. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, condition } = error as Error & { code?: string; condition?: string };
  if (condition === "not-authorized") return "wrong username or password (SASL not-authorized, RFC 6120 section 6.5.10)";
  if (code === "ECONNREFUSED") return `${error.message}: nothing is listening there; is the server running? (npm run server:status)`;
  if (code === "ENOTFOUND") return `${error.message}: the host name does not resolve`;
  if (condition !== undefined) return `${condition}: ${error.message}`;
  return error.message;
}
