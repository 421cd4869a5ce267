import { client, type Client } from "@xmpp/client";
import { WebSocket as NodeWebSocket } from "ws";
import { Transcript, type TranscriptOptions } from "./transcript";
import { tapConnection } from "./wire-tap";
import { findRestrictedXml, restrictedXmlRefusal } from "../xml/restricted-xml";
import { droppedBytesMessage, libraryRefusalMessage, refusalMessage, streamErrorXml } from "./stream-refusal";
import type { StreamViolation } from "./framing";
import type { SaslMechanism, SessionState, Transport } from "../bridge/protocol";
import type { TranscriptEntry } from "./entry";
import type { StateListener, XmppSession } from "./session";
import { SessionStateEmitter } from "./session-state";
import { describeConnectionError, describeUnexpectedClose, type ConnectionContext } from "./connection-errors";
import { pinClientSockets } from "./pinned-lookup";

export interface ServerAddress {
  host: string;
  port: number;
  /** The HTTP path of XMPP over WebSocket, for the websocket transport. */
  path?: string;
  /**
   * The addresses the allowlist checked for `host`: the socket dials only these, never a
   * fresh lookup of the name (server/allowlist.ts). `host` stays the TLS server name.
   */
  addresses?: readonly string[];
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
  /** Limits of the transcript, such as the longest element accepted from the server. */
  transcript?: TranscriptOptions;
}

/** How long a refused stream waits for the server's FIN after ours before dropping the socket. */
const REFUSAL_GRACE_MS = 1000;

// @xmpp/websocket expects the browser's global WebSocket, which Node 20 lacks without a flag.
globalThis.WebSocket ??= NodeWebSocket as unknown as typeof WebSocket;


/**
 * A connection negotiated by @xmpp/client (STARTTLS, SASL, resource binding), with every
 * byte of it recorded in a Transcript through the wire tap.
 */
export class GuidedSession implements XmppSession {
  readonly transcript: Transcript;
  private readonly entity: Client;
  private readonly status = new SessionStateEmitter();
  private secure = false;
  private streamError: string | undefined;
  private serverClosedStream = false;
  private lastError: string | undefined;
  /** Set once the server broke the stream's rules: why the session ended it. */
  private refusal: string | undefined;
  private droppedBytes = 0;
  /** Set while the session ends: what the transcript flushes then is recorded, not answered. */
  private ending = false;
  private readonly refused: Promise<never>;
  /** Resolves once the socket of a refused stream has closed (or was dropped after the grace period). */
  private refusalDone: Promise<void> = Promise.resolve();
  private signalRefusal: (error: Error) => void = () => undefined;
  private lastErrorCause: unknown;

  constructor(private readonly options: GuidedSessionOptions) {
    this.transcript = new Transcript(options.transcript);
    this.refused = new Promise<never>((_, reject) => {
      this.signalRefusal = reject;
    });
    this.refused.catch(() => undefined);
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
    if (options.server.addresses) pinClientSockets(this.entity, options.server.addresses);
    // RFC 6121 §2.1.6: a client acknowledges a roster push with an empty result. Without a
    // handler, @xmpp/client would answer every push with service-unavailable.
    this.entity.iqCallee.set("jabber:iq:roster", "query", () => true);
    tapConnection(this.entity, {
      received: (data) => {
        if (this.refusal !== undefined) {
          this.droppedBytes += typeof data === "string" ? Buffer.byteLength(data) : data.length;
          return false;
        }
        this.noticeTls();
        this.transcript.record("in", data);
        // Recording runs the entry listeners: if this chunk broke the rules, the library never sees it.
        return this.refusal === undefined;
      },
      sent: (text) => {
        this.noticeTls();
        this.transcript.record("out", text);
      },
      rejected: (error) => {
        // Once the server sent a stream error the stream is over (RFC 6120 section 4.9.1.1) and
        // the library has reset its parser: a </stream:stream> arriving in a later chunk is an
        // unmatched end tag to it, not bad XML from the server. Our own framer judged the bytes.
        if (this.streamError !== undefined || this.serverClosedStream) return;
        this.refuse(libraryRefusalMessage(error), "not-well-formed");
      },
    });
    this.transcript.onEntry((entry) => this.onEntry(entry));
    this.entity.on("status", (status: string) => this.onStatus(status));
    this.entity.on("error", (error: unknown) => {
      this.lastError = describeError(error, this.context());
      this.lastErrorCause = error;
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
      const jid = String(await Promise.race([this.entity.start(), this.refused]));
      this.transcript.recordEvent(`online as ${jid}`);
      if (this.options.initialPresence) await this.entity.write("<presence/>");
      this.status.set("online", { jid });
      return jid;
    } catch (error) {
      const message = this.refusal ?? this.lastError ?? describeError(error, this.context());
      if (this.refusal === undefined) await this.entity.stop().catch(() => undefined);
      else await this.refusalDone;
      this.finish(message);
      throw new Error(message);
    }
  }

  /** Writes exactly the text given: one stanza, several, or not even XML. */
  async send(xml: string): Promise<void> {
    if (this.status.current !== "online" || this.refusal !== undefined) throw new Error("the session is not connected; connect again to send");
    const restricted = findRestrictedXml(xml);
    if (restricted !== null) throw new Error(restrictedXmlRefusal(restricted));
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
    // Bytes after the server ended its stream (a stream error or </stream:stream>, RFC 6120
    // sections 4.4 and 4.9.1.1) are recorded, but there is no stream left to refuse them on.
    const streamOver = this.streamError !== undefined || this.serverClosedStream;
    if (entry.dir === "in" && entry.kind === "stream-error") this.streamError = entry.error ?? "undefined-condition";
    if (entry.dir === "in" && entry.kind === "stream-close") this.serverClosedStream = true;
    if (entry.dir === "in" && entry.violation !== undefined && !streamOver) this.refuse(refusalMessage(entry, entry.violation), entry.violation);
  }

  /**
   * The server broke the stream's rules: say so, send the stream error the rule names, close
   * our side, and read nothing more (RFC 6120 section 4.9.1.1).
   */
  private refuse(message: string, condition: StreamViolation): void {
    if (this.refusal !== undefined || this.ending || this.status.current === "closed") return;
    this.refusal = message;
    this.transcript.recordEvent(`closing the stream: ${message}`, condition);
    this.signalRefusal(new Error(message));
    const socket = this.entity.socket as { end?(): void; destroy?(): void; once?(event: "close", listener: () => void): void } | null;
    this.refusalDone = new Promise<void>((resolve) => {
      socket?.once?.("close", resolve);
      setTimeout(resolve, 2 * REFUSAL_GRACE_MS).unref();
    });
    const pieces = streamErrorXml(condition, this.options.transport === "websocket");
    void pieces
      .reduce((written, piece) => written.then(() => this.entity.write(piece)), Promise.resolve())
      .catch(() => undefined)
      .finally(() => {
        socket?.end?.();
        setTimeout(() => socket?.destroy?.(), REFUSAL_GRACE_MS).unref();
      });
  }

  private onStatus(status: string): void {
    if (status === "connect") {
      // Without this every round trip waits for Nagle's 40 ms delayed ACK.
      const socket = this.entity.socket;
      socket?.setNoDelay?.(true);
      socket?.socket?.setNoDelay?.(true);
    }
    if (status === "disconnect" && this.status.current === "online") {
      // Once online, any loss of the socket without a stream error is the server going away.
      this.finish(this.refusal ?? (this.streamError ? `the server ended the stream: ${this.streamError}` : describeUnexpectedClose(this.context(), this.lastErrorCause)));
    }
  }

  /** What this session dials, for messages that name it. */
  private context(): ConnectionContext {
    const { server, transport, domain, username } = this.options;
    // STARTTLS checks the certificate against the domain; direct TLS against the host dialled.
    return { host: server.host, port: server.port, jid: `${username}@${domain}`, tlsName: transport === "starttls" ? domain : server.host };
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
    this.ending = true;
    this.transcript.end();
    if (this.droppedBytes > 0) this.transcript.recordEvent(droppedBytesMessage(this.droppedBytes));
    this.transcript.recordEvent(`closed: ${message}`, this.streamError);
    this.status.set("closed", { message });
  }

}

function serviceUri(server: ServerAddress, transport: Transport): string {
  const bracket = (host: string) => (host.includes(":") ? `[${host}]` : host);
  const host = bracket(server.host);
  // Always a full URI: a bare domain would make @xmpp/client discover endpoints itself
  // (SRV records, XEP-0156 over HTTP, which follows redirects) and dial what it found.
  switch (transport) {
    case "websocket":
      // ws:// carries no TLS name to keep, so the checked address goes in the URL itself.
      return `ws://${bracket(server.addresses?.[0] ?? server.host)}:${server.port}${server.path ?? "/ws"}`;
    case "tls":
      return `xmpps://${host}:${server.port}`;
    case "starttls":
    case "plain":
      // @xmpp/client upgrades whenever STARTTLS is offered: "plain" relies on a listener without TLS.
      return `xmpp://${host}:${server.port}`;
  }
}

/** Turns library and socket errors into a sentence that says what to do (see connection-errors.ts). */
export function describeError(error: unknown, context?: ConnectionContext): string {
  return describeConnectionError(error, context);
}
