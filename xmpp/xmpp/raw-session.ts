import net from "node:net";
import tls from "node:tls";
import { Transcript, type TranscriptOptions } from "./transcript";
import { findRestrictedXml, restrictedXmlRefusal } from "../xml/restricted-xml";
import { droppedBytesMessage, refusalMessage, streamErrorXml } from "./stream-refusal";
import type { StreamViolation } from "./framing";
import { describeError, type ServerAddress } from "./guided-session";
import type { SessionState, Transport } from "../bridge/protocol";
import type { TranscriptEntry } from "./entry";
import type { StateListener, XmppSession } from "./session";
import { SessionStateEmitter } from "./session-state";
import { describeSaslFailure, describeUnexpectedClose, type ConnectionContext } from "./connection-errors";
import { pinnedLookup } from "./pinned-lookup";

export interface RawSessionOptions {
  server: ServerAddress;
  /** "websocket" is refused: XMPP over WebSocket frames the stream differently (RFC 7395). */
  transport: Transport;
  /** The XMPP domain: the TLS server name unless `tlsServername` says otherwise. */
  domain: string;
  tlsServername?: string;
  /** Limits of the transcript, such as the longest element accepted from the server. */
  transcript?: TranscriptOptions;
}

/** How long close() waits for the server to answer our FIN before dropping the socket. */
const CLOSE_GRACE_MS = 1000;

/**
 * Raw mode: a bare TCP (or TLS) socket and nothing else. The person at the keyboard types
 * the stream header, SASL, binding, even STARTTLS; this class only carries the bytes,
 * records them, and upgrades the socket when the server says <proceed/>.
 */
export class RawSession implements XmppSession {
  readonly transcript: Transcript;
  private readonly status = new SessionStateEmitter();
  private socket: net.Socket | undefined;
  /** Set once the server's <proceed/> arrives, until the socket is upgraded. */
  private proceedReceived = false;
  /** Pending while a STARTTLS handshake runs; send() waits for it. */
  private upgrade: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private streamError: string | undefined;
  private lastError: string | undefined;
  /** Set once the server broke the stream's rules: why the session ended it. */
  private refusal: string | undefined;
  private droppedBytes = 0;
  /** Set while the session ends: what the transcript flushes then is recorded, not answered. */
  private ending = false;
  private lastErrorCause: unknown;
  private serverClosedStream = false;
  private tlsFailure: string | undefined;

  constructor(private readonly options: RawSessionOptions) {
    this.transcript = new Transcript(options.transcript);
    if (options.transport === "websocket") {
      throw new Error("raw mode needs a TCP transport (plain, starttls or tls): over WebSocket the stream is framed by <open/> and <close/> (RFC 7395), so choose guided mode for it");
    }
    this.transcript.onEntry((entry) => this.onEntry(entry));
  }

  get currentState(): SessionState {
    return this.status.current;
  }

  onState(listener: StateListener): () => void {
    return this.status.listen(listener);
  }

  /** Opens the socket (and TLS for direct TLS); the stream itself is the user's to open. */
  async connect(): Promise<string> {
    if (this.socket !== undefined) throw new Error("this session has connected once already; open a new session to connect again");
    const { host, port } = this.options.server;
    const { transport } = this.options;
    this.transcript.recordEvent(`connecting to ${host}:${port} (${transport})`);
    // Only the addresses the allowlist checked, if it gave any (server/allowlist.ts).
    const addresses = this.options.server.addresses;
    const pinned = addresses ? { lookup: pinnedLookup(addresses) } : {};
    const socket = transport === "tls" ? tls.connect({ host, port, ...pinned, ...this.serverName() }) : net.connect({ host, port, ...pinned });
    this.socket = socket;
    socket.once("connect", () => {
      // Without this every round trip waits for Nagle's 40 ms delayed ACK.
      socket.setNoDelay(true);
      this.transcript.recordEvent("connected");
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
    if (this.status.current !== "online" || socket === undefined || this.closing !== undefined || this.refusal !== undefined) {
      throw new Error("the session is not connected; connect again to send");
    }
    // Raw mode sends anything, even XML that is not well-formed, except what XMPP forbids outright.
    const restricted = findRestrictedXml(xml);
    if (restricted !== null) throw new Error(restrictedXmlRefusal(restricted));
    this.transcript.record("out", xml);
    await new Promise<void>((resolve, reject) => {
      socket.write(xml, (error) => (error ? reject(new Error(describeError(error, this.context()))) : resolve()));
    });
  }

  /** Ends the socket; what goes on the wire before that (a closing tag or not) is the user's choice. */
  close(): Promise<void> {
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
    this.finish("closed by you");
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
    if (this.refusal !== undefined) {
      this.droppedBytes += chunk.length;
      return;
    }
    this.transcript.record("in", chunk);
    // Recording runs the entry listeners synchronously: if this chunk held <proceed/>,
    // no later chunk may be read as plaintext.
    if (this.proceedReceived && this.upgrade === undefined) this.startTls();
  };

  private readonly onError = (error: Error): void => {
    this.lastError = describeError(error, this.context());
    this.lastErrorCause = error;
  };

  private readonly onClose = (): void => {
    if (this.refusal !== undefined) return this.finish(this.refusal);
    if (this.closing !== undefined) return this.finish("closed by you");
    this.finish(this.closeReason());
  };

  private closeReason(): string {
    if (this.streamError !== undefined) return `the server ended the stream: ${this.streamError}`;
    if (this.serverClosedStream) return "the server closed the stream (</stream:stream>) and the connection";
    if (this.tlsFailure !== undefined) return this.tlsFailure;
    // Connected, then the socket went without a word: the server stopped or the network dropped.
    if (this.status.current === "online") return describeUnexpectedClose(this.context(), this.lastErrorCause);
    return this.lastError ?? "the connection closed";
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
      if (!established) this.tlsFailure = this.lastError = `TLS negotiation failed: ${describeError(error, this.context())}`;
    });
  }

  private recordTlsEstablished(socket: tls.TLSSocket): void {
    this.transcript.recordEvent(`TLS established (${socket.getProtocol() ?? "unknown version"})`);
  }

  /** What this session dials, for messages that name it. */
  private context(): ConnectionContext {
    const { host, port } = this.options.server;
    return { host, port, tlsName: this.options.tlsServername ?? this.options.domain };
  }

  private serverName(): { servername?: string } {
    const name = this.options.tlsServername ?? this.options.domain;
    // SNI carries host names only (RFC 6066 section 3); Node warns when given an address.
    return net.isIP(name) === 0 ? { servername: name } : {};
  }

  private onEntry(entry: TranscriptEntry): void {
    if (entry.dir !== "in") return;
    // The playground is the receiving entity even in raw mode: RFC 6120 obliges it, not the person typing.
    // After the server ended its stream (RFC 6120 sections 4.4, 4.9.1.1) there is nothing left to refuse.
    const streamOver = this.streamError !== undefined || this.serverClosedStream;
    if (entry.violation !== undefined && !streamOver) return this.refuse(refusalMessage(entry, entry.violation), entry.violation);
    if (entry.kind === "tls" && entry.name === "proceed") this.proceedReceived = true;
    if (entry.kind === "sasl" && entry.name === "success") this.transcript.recordEvent("authenticated");
    // The stream stays open for another try (RFC 6120 section 6.4.5); say what the refusal means.
    if (entry.kind === "sasl" && entry.name === "failure") {
      this.transcript.recordEvent(`authentication failed: ${describeSaslFailure(entry.error ?? "undefined-condition", this.context())} In raw mode the PLAIN payload is base64 of \\0username\\0password (RFC 4616).`, entry.error);
    }
    if (entry.kind === "stream-error") this.streamError = entry.error ?? "undefined-condition";
    if (entry.kind === "stream-close") this.serverClosedStream = true;
    if (entry.kind === "bind" && entry.attrs?.type === "result") {
      const jid = boundJid(entry.raw);
      if (jid !== undefined && this.status.current === "online") {
        this.transcript.recordEvent(`bound as ${jid}`);
        this.status.set("online", { jid });
      }
    }
  }

  /**
   * The server broke the stream's rules: say so, send the stream error the rule names, close
   * our side, and read nothing more (RFC 6120 section 4.9.1.1).
   */
  private refuse(message: string, condition: StreamViolation): void {
    const socket = this.socket;
    if (this.refusal !== undefined || this.ending || this.status.current === "closed" || socket === undefined) return;
    this.refusal = message;
    this.transcript.recordEvent(`closing the stream: ${message}`, condition);
    // Raw mode is TCP only: one piece, the error and the closing tag.
    const error = streamErrorXml(condition).join("");
    this.transcript.record("out", error);
    socket.end(error);
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
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

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * The JID in a bind result (RFC 6120 sections 7.6.1, 7.7.1): `<bind><jid>local@domain/resource</jid></bind>`.
 * The entry already parsed as well-formed XML, so a pattern for the one text node suffices.
 */
export function boundJid(raw: string): string | undefined {
  const text = /<(?:[\w.-]+:)?jid(?:\s[^>]*)?>([^<]+)<\/(?:[\w.-]+:)?jid>/.exec(raw)?.[1];
  return text?.trim().replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? "");
}
