import net from "node:net";
import tls from "node:tls";
import { findRestrictedXml, restrictedXmlRefusal } from "../xml/restricted-xml";
import type { TranscriptEntry } from "./entry";
import { describeConnectionError, describeSaslFailure, type ConnectionContext } from "./connection-errors";
import { pinnedLookup } from "./pinned-lookup";
import { socketAcceptsWrites } from "./wire-tap";
import { ReadPacer } from "./read-pacer";
import { clearTextAuthRefusal } from "./transport-policy";
import { CLOSED_BY_YOU, SessionCore, type SessionCoreOptions } from "./session-core";

export interface RawSessionOptions extends SessionCoreOptions {
  /** The TLS server name, when not the domain. "websocket" transport is refused: XMPP over WebSocket frames the stream differently (RFC 7395). */
  tlsServername?: string;
}

/** How long close() waits for the server to answer our FIN before dropping the socket. */
const CLOSE_GRACE_MS = 1000;

/**
 * Raw mode: a bare TCP (or TLS) socket and nothing else. The person at the keyboard types
 * the stream header, SASL, binding, even STARTTLS; this class only carries the bytes,
 * records them, and upgrades the socket when the server says <proceed/>.
 */
export class RawSession extends SessionCore {
  private socket: net.Socket | undefined;
  /** Set once the server's <proceed/> arrives, until the socket is upgraded. */
  private proceedReceived = false;
  /** Pending while a STARTTLS handshake runs; send() waits for it. */
  private upgrade: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private tlsFailure: string | undefined;
  /** The full JID the last bind result named, for a resumed session (XEP-0198 §5). */
  private boundAs: string | undefined;
  /** A large read is recorded a piece per turn, so other sessions are served between pieces. */
  private readonly pacer = new ReadPacer((piece) => this.receive(piece, true), () => this.socket ?? null);

  constructor(private readonly options: RawSessionOptions) {
    super(options);
    if (options.transport === "websocket") {
      throw new Error("raw mode needs a TCP transport (plain, starttls or tls): over WebSocket the stream is framed by <open/> and <close/> (RFC 7395), so choose guided mode for it");
    }
  }

  /** Opens the socket (and TLS for direct TLS); the stream itself is the user's to open. */
  async connect(): Promise<string> {
    if (this.socket !== undefined) throw new Error("this session has connected once already; open a new session to connect again");
    return this.dial();
  }

  /**
   * Drops the connection without a closing tag, as a lost network does (the server keeps a
   * stream-managed session for resumption, XEP-0198 §5), then dials the same target again.
   * One session and one transcript go on; the framers start over for the new stream.
   */
  async reconnect(): Promise<void> {
    const old = this.socket;
    if (this.status.current !== "online" || old === undefined || this.closing !== undefined || this.refusal !== undefined || this.streamOver) {
      throw new Error("the session is not connected; start a new session");
    }
    this.detach(old);
    this.pacer.flush((piece) => this.receive(piece, false), false);
    old.destroy();
    this.transcript.resetDirection("out");
    this.transcript.resetDirection("in");
    this.transcript.recordEvent("dropped", "dropped the connection without ending the stream, as a lost network would");
    this.socket = undefined;
    this.proceedReceived = false;
    this.upgrade = undefined;
    await this.dial();
  }

  private async dial(): Promise<string> {
    const { host, port } = this.options.server;
    const { transport } = this.options;
    this.refuseTargetBeforeDial();
    this.transcript.recordEvent("connecting", `connecting to ${host}:${port} (${transport})`);
    // Only the addresses the allowlist checked, if it gave any (server/allowlist.ts).
    const addresses = this.options.server.addresses;
    const pinned = addresses ? { lookup: pinnedLookup(addresses) } : {};
    const socket = transport === "tls" ? tls.connect({ host, port, ...pinned, ...this.serverName() }) : net.connect({ host, port, ...pinned });
    this.socket = socket;
    socket.once("connect", () => {
      // Without this every round trip waits for Nagle's 40 ms delayed ACK.
      socket.setNoDelay(true);
      this.transcript.recordEvent("connected", "connected");
    });
    this.attach(socket);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once(transport === "tls" ? "secureConnect" : "connect", () => resolve());
        socket.once("close", () => reject(new Error(this.lastError ?? "the connection closed before it opened")));
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.finish(message);
      throw new Error(message);
    }
    if (socket instanceof tls.TLSSocket) this.recordTlsEstablished(socket);
    const description = `connected to ${host}:${port} (${transport}); open the stream with a stream header (RFC 6120 section 4.2)`;
    this.status.set("online", {});
    return description;
  }

  /** Writes exactly the text given: a header alone, several stanzas, or not even XML. */
  async send(xml: string): Promise<void> {
    await this.upgrade;
    const socket = this.socket;
    // A socket the server already ended takes no bytes: recording them would show a send that never happened.
    if (this.status.current !== "online" || socket === undefined || this.closing !== undefined || this.refusal !== undefined || !socketAcceptsWrites(socket)) {
      throw new Error("the session is not connected; connect again to send");
    }
    // Raw mode sends anything, even XML that is not well-formed, except what XMPP forbids outright.
    const restricted = findRestrictedXml(xml);
    if (restricted !== null) throw new Error(restrictedXmlRefusal(restricted));
    // The person chose STARTTLS: credentials wait for TLS (RFC 6120 section 5.3.1, TLS before SASL).
    if (this.options.transport === "starttls" && !(socket instanceof tls.TLSSocket)) {
      const clearText = clearTextAuthRefusal(xml);
      if (clearText !== undefined) throw new Error(clearText);
    }
    this.transcript.record("out", xml);
    await new Promise<void>((resolve, reject) => {
      socket.write(xml, (error) => (error ? reject(new Error(describeConnectionError(error, this.context()))) : resolve()));
    });
  }

  /** Ends the socket; what goes on the wire before that (a closing tag or not) is the user's choice. */
  close(reason = CLOSED_BY_YOU): Promise<void> {
    this.closeRequested ??= reason;
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const socket = this.socket;
    if (this.status.current !== "closed" && socket !== undefined && !socket.closed) {
      await new Promise<void>((resolve) => {
        // The server may never answer our FIN; do not wait for it forever.
        const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
        socket.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
        if (socket.connecting) socket.destroy();
        else socket.end();
      });
    }
    this.finish(this.closeRequested ?? CLOSED_BY_YOU);
  }

  /** Listens on whichever socket currently carries the stream: the plain one, then the TLS one. */
  private attach(socket: net.Socket): void {
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  private detach(socket: net.Socket): void {
    socket.off("data", this.onData);
    socket.off("error", this.onError);
    socket.off("close", this.onClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.pacer.take(chunk);
  };

  private receive(chunk: Buffer | string, mayUpgrade: boolean): void {
    if (this.refusal !== undefined) {
      this.droppedBytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      return;
    }
    this.transcript.record("in", chunk);
    // Recording runs the entry listeners synchronously: if this chunk held <proceed/>, no
    // later chunk may be read as plaintext. What of this read still waits is recorded now, as
    // it always was, and the plain socket stays paused for TLS to take over.
    if (mayUpgrade && this.proceedReceived && this.upgrade === undefined) {
      this.pacer.flush((piece) => this.receive(piece, false), false);
      this.startTls();
    }
  }

  private readonly onError = (error: Error): void => {
    this.lastError = describeConnectionError(error, this.context());
    this.lastErrorCause = error;
  };

  private readonly onClose = (): void => {
    this.pacer.flush((piece) => this.receive(piece, false));
    this.finish(this.closeReason());
  };

  protected override failureReason(): string | undefined {
    return this.tlsFailure;
  }

  /**
   * RFC 6120 section 5.4.2.3: TLS negotiation begins right after the '>' of <proceed/>, so
   * the server sends nothing more in the clear, and both sides speak TLS over the same TCP
   * connection. The plain socket is paused and detached first: any bytes it still holds go
   * to TLS, never to us. The user then restarts the stream (section 5.4.3.3); the framer
   * takes a header at stream level as a restart, so the transcript needs no reset.
   */
  private startTls(): void {
    const plain = this.socket;
    if (plain === undefined || plain instanceof tls.TLSSocket) return;
    plain.pause();
    this.detach(plain);
    const secure = tls.connect({ socket: plain, ...this.serverName() });
    this.socket = secure;
    this.attach(secure);
    let established = false;
    this.upgrade = new Promise<void>((resolve) => {
      secure.once("secureConnect", () => {
        established = true;
        this.recordTlsEstablished(secure);
        resolve();
      });
      secure.once("close", () => resolve());
    });
    // A failed handshake surfaces as the socket's error, then close: say which step failed.
    secure.on("error", (error) => {
      if (!established) this.tlsFailure = this.lastError = `TLS negotiation failed: ${describeConnectionError(error, this.context())}`;
    });
  }

  private recordTlsEstablished(socket: tls.TLSSocket): void {
    this.transcript.recordEvent("tls-established", `TLS established (${socket.getProtocol() ?? "unknown version"})`);
  }

  /** What this session dials, for messages that name it. */
  protected context(): ConnectionContext {
    const { host, port } = this.options.server;
    return { host, port, tlsName: this.options.tlsServername ?? this.options.domain, bundled: this.options.bundledServer === true };
  }

  private serverName(): { servername?: string } {
    const name = this.options.tlsServername ?? this.options.domain;
    // SNI carries host names only (RFC 6066 section 3); Node warns when given an address.
    return net.isIP(name) === 0 ? { servername: name } : {};
  }

  /** What only raw mode does with the server's words: upgrade on <proceed/>, explain a SASL failure, note the bound JID. */
  protected onServerEntry(entry: TranscriptEntry): void {
    if (entry.kind === "tls" && entry.name === "proceed") this.proceedReceived = true;
    // The stream stays open for another try (RFC 6120 section 6.4.5); say what the refusal means.
    if (entry.kind === "sasl" && entry.name === "failure") {
      this.transcript.recordEvent("auth-failed", `authentication failed: ${describeSaslFailure(entry.error ?? "undefined-condition", this.context())} In raw mode the PLAIN payload is base64 of \\0username\\0password (RFC 4616).`, entry.error);
    }
    if (entry.kind === "bind" && entry.attrs?.type === "result") {
      const jid = boundJid(entry.raw);
      if (jid !== undefined && this.status.current === "online") {
        this.transcript.recordEvent("bound", `bound as ${jid}`);
        this.status.set("online", { jid });
        this.boundAs = jid;
      }
    }
    // XEP-0198 §5: a resumed session is the one bound before the connection was lost.
    if (entry.kind === "sm" && entry.name === "resumed" && this.boundAs !== undefined && this.status.current === "online") this.status.set("online", { jid: this.boundAs });
  }

  /** Raw mode is TCP only: one write, the error and the closing tag, then our FIN. */
  protected writeStreamEnd(pieces: readonly string[]): void {
    const socket = this.socket;
    if (socket === undefined) return;
    const end = pieces.join("");
    if (socketAcceptsWrites(socket)) {
      this.transcript.record("out", end);
      socket.end(end);
    }
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * The JID in a bind result (RFC 6120 sections 7.6.1, 7.7.1): `<bind><jid>local@domain/resource</jid></bind>`.
 * The entry already parsed as well-formed XML, so a pattern for the one text node suffices.
 */
export function boundJid(raw: string): string | undefined {
  const text = /<(?:[\w.-]+:)?jid(?:\s[^>]*)?>([^<]+)<\/(?:[\w.-]+:)?jid>/.exec(raw)?.[1];
  return text?.trim().replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? "");
}
