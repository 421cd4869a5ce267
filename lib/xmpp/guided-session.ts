import tls from "node:tls";
import { client, xml, type Client, type XmlElement } from "@xmpp/client";
import { WebSocket as NodeWebSocket } from "ws";
import { tapConnection, type WireTap } from "./wire-tap";
import { findRestrictedXml, restrictedXmlRefusal } from "../xml/restricted-xml";
import { libraryRefusalMessage } from "./stream-refusal";
import type { SaslMechanism, Transport } from "../bridge/protocol";
import type { TranscriptEntry } from "./entry";
import { describeConnectionError, type ConnectionContext } from "./connection-errors";
import { pinClientSockets } from "./pinned-lookup";
import { pinWebSocketTransport } from "./websocket-pinning";
import { websocketUrl } from "./websocket-target";
import { answerServerPushes } from "./push-answers";
import type { ServerAddress } from "./server-address";
import { NS_TLS } from "../xml/namespaces";
import { missingStartTlsMessage, requiredStartTlsMessage, startTlsOffer } from "./transport-policy";
import { CLOSED_BY_YOU, SessionCore, type SessionCoreOptions } from "./session-core";

export interface GuidedSessionOptions extends SessionCoreOptions {
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

/** How long a refused stream waits for the server's FIN after ours before dropping the socket. */
const REFUSAL_GRACE_MS = 1000;

// @xmpp/websocket expects the browser's global WebSocket, which Node 20 lacks without a flag.
globalThis.WebSocket ??= NodeWebSocket as unknown as typeof WebSocket;

/**
 * A connection negotiated by @xmpp/client (STARTTLS, SASL, resource binding), with every
 * byte of it recorded in a Transcript through the wire tap. The rules every kind shares
 * live in SessionCore (session-core.ts).
 */
export class GuidedSession extends SessionCore {
  private readonly entity: Client;
  private readonly tap: WireTap;
  private secure = false;
  private readonly refused: Promise<never>;
  /** Resolves once the socket of a refused stream has closed (or was dropped after the grace period). */
  private refusalDone: Promise<void> = Promise.resolve();
  private signalRefusal: (error: Error) => void = () => undefined;
  /** True while @xmpp/client's own send() writes: the person's text goes through write() alone. */
  private librarySending = false;

  constructor(private readonly options: GuidedSessionOptions) {
    super(options);
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
    if (options.server.addresses && options.transport === "websocket") pinWebSocketTransport(this.entity, options.server.addresses);
    answerServerPushes(this.entity, `${options.username}@${options.domain}`);
    this.markLibrarySends();
    // @xmpp/client negotiates STARTTLS whenever the features offer it, with no option to
    // decline; plain TCP must stay plain, so the offer is hidden from the library (the
    // transcript keeps the server's bytes as they were). Prepended: before its middleware.
    if (options.transport === "plain") {
      this.entity.prependListener("element", (element: XmlElement) => {
        if (element.is("features", "http://etherx.jabber.org/streams")) element.remove("starttls", NS_TLS);
      });
    }
    this.tap = tapConnection(this.entity, {
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
        // Once online, whatever the library sends by itself answers the server (push results, pings).
        this.transcript.record("out", text, this.librarySending && this.status.current === "online");
      },
      rejected: (error) => {
        // Once the server sent a stream error the stream is over (RFC 6120 section 4.9.1.1) and
        // the library has reset its parser: a </stream:stream> arriving in a later chunk is an
        // unmatched end tag to it, not bad XML from the server. Our own framer judged the bytes.
        if (this.streamError !== undefined || this.serverClosedStream) return;
        this.refuse(libraryRefusalMessage(error), "not-well-formed");
      },
    });
    this.entity.on("status", (status: string) => this.onStatus(status));
    this.entity.on("error", (error: unknown) => {
      this.lastError = describeConnectionError(error, this.context());
      this.lastErrorCause = error;
    });
  }

  /** Connects, negotiates and binds; resolves with the bound full JID. */
  async connect(): Promise<string> {
    const { host, port } = this.options.server;
    this.refuseTargetBeforeDial();
    this.transcript.recordEvent("connecting", `connecting to ${host}:${port} (${this.options.transport})`);
    try {
      const jid = String(await Promise.race([this.entity.start(), this.refused]));
      this.transcript.recordEvent("online", `online as ${jid}`);
      // Sent as an element, not text: over WebSocket the transport then adds xmlns='jabber:client',
      // since each frame stands alone with its namespace declarations (RFC 7395 section 3.3.3).
      if (this.options.initialPresence) await this.entity.send(xml("presence"));
      this.status.set("online", { jid });
      return jid;
    } catch (error) {
      const message = this.refusal ?? this.lastError ?? describeConnectionError(error, this.context());
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
  async close(reason = CLOSED_BY_YOU): Promise<void> {
    if (this.status.current === "closed") return;
    // The server's </stream:stream> in answer to ours is not the server going away.
    this.closeRequested ??= reason;
    await this.entity.stop().catch(() => undefined);
    this.finish(reason);
  }

  protected onServerEntry(entry: TranscriptEntry): void {
    if (entry.kind === "features" && !this.secure) this.checkTlsOffer(entry);
  }

  /**
   * Runs on the features before the library reads them (the tap passes nothing on once the
   * session refuses), so a refusal here means no SASL byte was ever written.
   */
  private checkTlsOffer(entry: TranscriptEntry): void {
    const { transport } = this.options;
    if (transport !== "starttls" && transport !== "plain") return;
    const offer = startTlsOffer(entry);
    const where = formatTarget(this.options.server);
    if (transport === "starttls" && offer === "none") this.endStream(missingStartTlsMessage(where));
    if (transport === "plain" && offer === "required") this.endStream(requiredStartTlsMessage(where));
  }

  /** The library writes each piece (its parser state stays right); then the socket ends, with a grace period for the server's FIN. */
  protected writeStreamEnd(pieces: readonly string[]): void {
    this.signalRefusal(new Error(this.refusal));
    const socket = this.entity.socket as { end?(): void; destroy?(): void; once?(event: "close", listener: () => void): void } | null;
    this.refusalDone = new Promise<void>((resolve) => {
      socket?.once?.("close", resolve);
      setTimeout(resolve, 2 * REFUSAL_GRACE_MS).unref();
    });
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
    // Pieces of a large read still waiting for their turn (read-pacer.ts) are recorded before the end.
    if (status === "disconnect") this.tap.flush();
    if (status === "disconnect" && this.status.current === "online") {
      // Once online, any loss of the socket without a stream error is the server going away.
      this.finish(this.closeReason());
    }
  }

  /**
   * The library sends every element it builds through Connection#send, which calls write()
   * synchronously before its first await; the session's own writes (what the person typed,
   * the initial presence, a refusal) call write() directly. A flag around send() tells them apart.
   */
  private markLibrarySends(): void {
    const send = this.entity.send.bind(this.entity);
    this.entity.send = (element) => {
      this.librarySending = true;
      try {
        return send(element);
      } finally {
        this.librarySending = false;
      }
    };
  }

  /** What this session dials, for messages that name it. */
  protected context(): ConnectionContext {
    const { server, transport, domain, username } = this.options;
    // STARTTLS checks the certificate against the domain; direct TLS against the host dialled.
    return { host: server.host, port: server.port, jid: `${username}@${domain}`, tlsName: transport === "starttls" ? domain : server.host, bundled: this.options.bundledServer === true };
  }

  /**
   * Records TLS once its handshake is done. @xmpp/tls's wrapper says `secure` from the
   * start, handshake or not, and a TLS socket names its protocol before the handshake: only
   * `authorized`, set when the handshake verified the certificate, tells it happened.
   */
  private noticeTls(): void {
    const inner = (this.entity.socket as { socket?: unknown } | null)?.socket;
    const secure = inner instanceof tls.TLSSocket && inner.authorized;
    if (secure && !this.secure) this.transcript.recordEvent("tls-established", `TLS established (${inner.getProtocol() ?? "unknown version"})`);
    this.secure = secure;
  }

}

function formatTarget(server: ServerAddress): string {
  return `${server.host.includes(":") ? `[${server.host}]` : server.host}:${server.port}`;
}

function serviceUri(server: ServerAddress, transport: Transport): string {
  const bracket = (host: string) => (host.includes(":") ? `[${host}]` : host);
  const host = bracket(server.host);
  // Always a full URI: a bare domain would make @xmpp/client discover endpoints itself
  // (SRV records, XEP-0156 over HTTP, which follows redirects) and dial what it found.
  switch (transport) {
    case "websocket":
      // The name stays in the URL (Host header, SNI, certificate); pinWebSocketTransport dials the checked addresses.
      return websocketUrl({ host: server.host, port: server.port, path: server.path ?? "/ws", tls: server.tls === true });
    case "tls":
      return `xmpps://${host}:${server.port}`;
    case "starttls":
    case "plain":
      // "plain" never upgrades: the session hides the server's STARTTLS offer from the library.
      return `xmpp://${host}:${server.port}`;
  }
}
