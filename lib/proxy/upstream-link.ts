import net from "node:net";
import tls from "node:tls";
import type { Transcript } from "../xmpp/transcript";
import { pinnedLookup } from "../xmpp/pinned-lookup";
import { describeConnectionError } from "../xmpp/connection-errors";
import type { ProxyUpstream } from "./proxy-types";
import { CLOSE_GRACE_MS, endThenDestroy, listenTo, recordTls, serverName, stopListening, writeWithBackpressure, type SocketHandlers } from "./socket-flow";

export interface UpstreamEvents {
  /** The connection is open (and secure, for direct TLS); what the client sent meanwhile goes out right after. */
  onOpen(): void;
  onData(chunk: Buffer): void;
  /** It closed after it had opened. */
  onClose(): void;
  /** It could not open: refused, unreachable, or closed first; says why. */
  onFailed(why: string): void;
}

export interface UpstreamLinkOptions {
  upstream: ProxyUpstream;
  transcript: Transcript;
  events: UpstreamEvents;
  /** The client's socket: paused while the server's side drains (socket-flow.ts). */
  client: () => net.Socket | undefined;
  mayResume: () => boolean;
}

/**
 * The proxy's connection to the server for one client: dialled only to the addresses the
 * allowlist checked, upgraded to TLS when the client's <starttls/> is answered with
 * <proceed/>, redialled when the client's new stream cannot ride the old one. What the
 * client sends before it is open waits here, in order.
 */
export class UpstreamLink {
  socket: net.Socket | undefined;
  ready = false;
  secure: boolean;
  /** Why the server could not be reached, once known: nothing is sent there any more. */
  failure: string | undefined;
  private readonly queued: string[] = [];
  /** The proxied connection ended: a dial still under way comes to nothing, and says nothing. */
  private abandoned = false;
  /** Rejects the dial under way, if any: an abandoned one settles at once. */
  private rejectDial: ((error: Error) => void) | undefined;
  /**
   * What one chunk read from the client makes for the server, written as one write: splitting a
   * chunk into a write per element changes the TCP segments, and ejabberd read a keepalive
   * sent with <auth/> as coming before the restarted stream's XML declaration.
   */
  private readonly batch: string[] = [];

  constructor(private readonly options: UpstreamLinkOptions) {
    this.secure = options.upstream.transport === "tls";
  }

  /** Resolves once the server connection is open (and secure, for direct TLS); rejects with why not. */
  dial(): Promise<string> {
    const { host, port, addresses, transport, domain } = this.options.upstream;
    const { transcript, events } = this.options;
    transcript.recordEvent("connecting", `connecting to the server ${host}:${port} (${transport})`);
    const lookup = { lookup: pinnedLookup(addresses) };
    const socket = transport === "tls" ? tls.connect({ host, port, ...lookup, ...serverName(domain) }) : net.connect({ host, port, ...lookup });
    this.socket = socket;
    this.attach(socket);
    return new Promise<string>((resolve, reject) => {
      this.rejectDial = reject;
      const ready = () => {
        // The client left (a refused certificate, say) before the server answered: nothing opens after "closed".
        if (this.abandoned) {
          socket.destroy();
          return reject(new Error("the client left before the server answered"));
        }
        socket.setNoDelay(true);
        this.ready = true;
        if (socket instanceof tls.TLSSocket) recordTls(transcript, "the server", socket);
        transcript.recordEvent("connected", `connected to the server ${host}:${port}`);
        events.onOpen();
        if (this.queued.length > 0) this.write(socket, this.queued.splice(0).join(""));
        resolve(`${host}:${port}`);
      };
      socket.once(transport === "tls" ? "secureConnect" : "connect", ready);
      socket.once("error", (error) => {
        if (this.ready || this.abandoned) return;
        const why = describeConnectionError(error, { host, port, tlsName: domain, bundled: false });
        events.onFailed(why);
        reject(new Error(why));
      });
    });
  }

  /** Text for the server, sent with the rest of this read at the next flush. */
  push(text: string): void {
    if (this.failure === undefined) this.batch.push(text);
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const text = this.batch.splice(0).join("");
    if (this.failure !== undefined) return;
    if (!this.ready || this.socket === undefined) this.queued.push(text);
    else this.write(this.socket, text);
  }

  /** RFC 6120 section 5.4.2.3: the server's TLS starts right after its <proceed/>. */
  startTls(onSecure: () => void, onFailed: (why: string) => void): void {
    const plain = this.socket;
    if (plain === undefined) return;
    this.detach(plain);
    const { host, port, domain } = this.options.upstream;
    const secure = tls.connect({ socket: plain, ...serverName(domain) });
    this.socket = secure;
    this.attach(secure);
    let established = false;
    secure.once("secureConnect", () => {
      established = true;
      this.secure = true;
      recordTls(this.options.transcript, "the server", secure);
      onSecure();
    });
    secure.once("error", (error) => {
      if (!established) onFailed(describeConnectionError(error, { host, port, tlsName: domain, bundled: false }));
    });
  }

  /**
   * After TLS the client opens a new stream (RFC 6120 section 5.4.3.3), but the server's
   * stream was never secured, so it cannot take a second header: the proxy ends it and
   * opens a fresh connection, which sees the client's new stream as its first.
   */
  redial(): void {
    const old = this.socket;
    if (old !== undefined) {
      this.detach(old);
      if (this.ready && old.writable) old.end("</stream:stream>");
      setTimeout(() => old.destroy(), CLOSE_GRACE_MS).unref();
    }
    this.ready = false;
    this.options.transcript.recordEvent("rewritten", "the proxy opens a new connection to the server for the client's stream after TLS: the first one cannot take a second stream header");
    this.dial().catch(() => undefined);
  }

  /** The proxied connection ended: the socket goes (ended, then destroyed), and a dial under way with it. */
  abandon(): void {
    this.abandoned = true;
    if (!this.ready) this.rejectDial?.(new Error("the client left before the server answered"));
    endThenDestroy(this.socket);
  }

  /** Ends our stream to the server, if it is open. */
  endStream(): void {
    if (this.ready && this.socket !== undefined && this.socket.writable) this.socket.end("</stream:stream>");
  }

  private write(socket: net.Socket, text: string): void {
    writeWithBackpressure(socket, text, this.options.client, this.options.mayResume);
  }

  private readonly onData = (chunk: Buffer): void => this.options.events.onData(chunk);

  private readonly onClose = (): void => {
    if (this.abandoned) return;
    // Before it opened: the error event said why, if there was one (the first reason wins).
    if (!this.ready) this.options.events.onFailed("the server closed the connection before it opened");
    else this.options.events.onClose();
  };

  private readonly handlers: SocketHandlers = { onData: this.onData, onClose: this.onClose };

  private attach(socket: net.Socket): void {
    listenTo(socket, this.handlers);
  }

  private detach(socket: net.Socket): void {
    stopListening(socket, this.handlers);
  }
}
