import net from "node:net";
import tls from "node:tls";
import { randomBytes } from "node:crypto";
import { DirectionReader, type ReadFrame } from "../xmpp/direction-reader";
import { Transcript, type TranscriptOptions } from "../xmpp/transcript";
import { SessionStateEmitter } from "../xmpp/session-state";
import type { SessionState } from "../bridge/protocol";
import type { StateListener, XmppSession } from "../xmpp/session";
import { pinnedLookup } from "../xmpp/pinned-lookup";
import { describeConnectionError } from "../xmpp/connection-errors";
import { streamErrorXml } from "../xmpp/stream-refusal";
import { NS_TLS } from "../xml/namespaces";
import { rewriteFeatures } from "./features-rewrite";
import { PROXY_VARIABLES, proxyStreamHeader, streamErrorWithText } from "./proxy-messages";
import type { ProxyUpstream, ClientSide } from "./proxy-types";
import { HoldQueue, matchesFilter, type InterceptFilter, type ProxyDirection } from "./intercept";
import type { EntryKind, EntryAttrs } from "../xmpp/entry";

export interface ProxyConnectionOptions {
  /** The accepted client socket, still plain (direct TLS is started here, so its failure is recorded). */
  client: net.Socket;
  clientSide: ClientSide;
  upstream: ProxyUpstream;
  /** The proxy's own certificate and key (PEM), presented to the client. */
  secureContext: tls.SecureContext;
  /** SHA-256 fingerprint of that certificate, named when a client refuses it. */
  fingerprint: string;
  idleMs: number;
  transcript?: TranscriptOptions;
  /** The proxy's intercept filter now, or null when nothing is held (read for each stanza). */
  intercept?: () => InterceptFilter | null;
}

const PROCEED = `<proceed xmlns='${NS_TLS}'/>`;
const CLOSE_GRACE_MS = 1000;

/**
 * One client through the proxy: its socket, the socket to the server, and one transcript of
 * what the client sent ("out") and what it received ("in"), byte for byte on the client's
 * socket after TLS. Each direction is framed into top-level elements with the transcript's
 * own reader, so the proxy forwards whole elements and can act on the few it must:
 * <starttls/> and <proceed/> (RFC 6120 section 5.4) and <stream:features/> (-PLUS removed).
 * Every change to what the server sent is an event entry saying what and why.
 */
export class ProxyConnection implements XmppSession {
  readonly transcript: Transcript;
  readonly id = randomBytes(6).toString("hex");
  /** Stanzas the intercept filter stopped, waiting for the person to forward or drop them. */
  readonly held = new HoldQueue();
  private readonly status = new SessionStateEmitter();
  private readonly fromClient: DirectionReader;
  private fromServer: DirectionReader;
  private readonly framing: { maxFrameLength?: number; limitHint?: string };
  private client: net.Socket;
  private upstream: net.Socket | undefined;
  private upstreamReady = false;
  /** Why the server could not be reached, once known. */
  private upstreamFailure: string | undefined;
  /** Client text waiting for the server connection to open. */
  private readonly queued: string[] = [];
  /**
   * What one chunk read from a side makes for the other, written as one write: splitting a
   * chunk into a write per element changes the TCP segments, and ejabberd read a keepalive
   * sent with <auth/> as coming before the restarted stream's XML declaration.
   */
  private readonly toServerBatch: string[] = [];
  private readonly toClientBatch: string[] = [];
  private clientSecure = false;
  /** The client sent <starttls/>; its socket is paused until it is wrapped in TLS. */
  private clientTlsPending = false;
  /** The client's TLS handshake began (direct TLS, or after <proceed/>). */
  private clientTlsStarted = false;
  private upstreamSecure: boolean;
  /** The client sent <starttls/> and the proxy passed it on: the server's answer decides. */
  private awaitingProceed = false;
  /** The client opened its stream; a stream error may now be written to it. */
  private clientOpened = false;
  /** The client has seen a stream header for its current stream (the server's or the proxy's). */
  private headerSentToClient = false;
  private ended = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly opened: Promise<string>;

  constructor(private readonly options: ProxyConnectionOptions) {
    this.transcript = new Transcript({ ...options.transcript, writesAreWhole: false });
    this.framing = options.transcript?.maxFrameLength === undefined ? {} : { maxFrameLength: options.transcript.maxFrameLength, limitHint: options.transcript.limitHint ?? "" };
    this.fromClient = new DirectionReader("out", this.framing);
    this.fromServer = new DirectionReader("in", this.framing);
    this.client = options.client;
    this.upstreamSecure = options.upstream.transport === "tls";
    this.client.setNoDelay(true);
    const who = `${options.client.remoteAddress ?? "?"}:${options.client.remotePort ?? "?"}`;
    this.transcript.recordEvent("connected", `client ${who} connected to the proxy (${options.clientSide})`);
    this.attachClient(this.client);
    if (options.clientSide === "tls") this.upgradeClient();
    this.touch();
    this.opened = this.dial();
  }

  get currentState(): SessionState {
    return this.status.current;
  }

  onState(listener: StateListener): () => void {
    return this.status.listen(listener);
  }

  /** Resolves once the server connection is open (and secure, for direct TLS); rejects with why not. */
  connect(): Promise<string> {
    return this.opened;
  }

  send(): Promise<void> {
    return Promise.reject(new Error("A proxied connection carries a client's stream: inject toward the server or the client instead."));
  }

  /**
   * Writes `xml` into one direction as if its peer had sent it: toward the server as the
   * client, toward the client as the server. Recorded as injected in that direction's lane.
   * Only between whole elements (the proxy forwards whole elements), so a stream stays parseable
   * unless the person injects something that is not.
   */
  inject(direction: ProxyDirection, xml: string): void {
    if (this.ended) throw new Error("This connection has closed; nothing can be injected into it.");
    if (direction === "to-server") {
      if (this.upstreamFailure !== undefined) throw new Error(`Not injected: ${this.upstreamFailure}.`);
      this.flushUpstream();
      this.transcript.recordInjected("out", xml);
      this.toUpstream(xml);
      this.flushUpstream();
      return;
    }
    if (!this.headerSentToClient || this.clientTlsPending || !this.client.writable) {
      throw new Error("Not injected: the client has no open stream from the server yet (it is between streams or setting up TLS); try again in a moment.");
    }
    this.flushClient();
    this.transcript.recordInjected("in", xml);
    this.writeTo(this.client, xml, () => this.upstream);
  }

  /** Forwards a held stanza (as it was, or as edited) or drops it; false if it is not held any more. */
  release(id: number, action: "forward" | "drop", edited?: string): boolean {
    const stanza = this.held.take(id);
    if (stanza === undefined) return false;
    const toward = stanza.direction === "to-server" ? "the server" : "the client";
    if (action === "drop") {
      this.transcript.recordEvent("intercepted", `dropped held stanza #${id} on its way to ${toward}: ${stanza.raw}`);
      return true;
    }
    if (this.ended) return true;
    const text = edited ?? stanza.raw;
    const how = text === stanza.raw ? "as it was" : `edited, as: ${text}`;
    this.transcript.recordEvent("intercepted", `forwarded held stanza #${id} to ${toward} ${how}`);
    if (stanza.direction === "to-server") {
      this.toUpstream(text);
      this.flushUpstream();
    } else {
      this.toClient(text);
      this.flushClient();
    }
    return true;
  }

  /** The filter holds this stanza: it waits in `held`, and the lanes say so. */
  private intercepted(direction: ProxyDirection, kind: EntryKind, attrs: EntryAttrs | undefined, raw: string): boolean {
    const filter = this.options.intercept?.();
    if (filter === null || filter === undefined || !matchesFilter(filter, direction, { kind, ...(attrs ? { attrs } : {}), raw })) return false;
    const stanza = this.held.hold(direction, kind, raw);
    const from = direction === "to-server" ? "from the client" : "from the server";
    this.transcript.recordEvent("intercepted", `held stanza #${stanza.id} ${from}: it waits for you to forward, edit or drop it`);
    return true;
  }

  close(reason = "closed by you"): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.closeBoth(reason);
    return new Promise((resolve) => (this.status.current === "closed" ? resolve() : this.status.listen((state) => state === "closed" && resolve())));
  }

  // --- the server side ---

  private dial(): Promise<string> {
    const { host, port, addresses, transport } = this.options.upstream;
    this.transcript.recordEvent("connecting", `connecting to the server ${host}:${port} (${transport})`);
    const lookup = { lookup: pinnedLookup(addresses) };
    const socket = transport === "tls" ? tls.connect({ host, port, ...lookup, ...this.serverName() }) : net.connect({ host, port, ...lookup });
    this.upstream = socket;
    this.attachUpstream(socket);
    return new Promise<string>((resolve, reject) => {
      const ready = () => {
        socket.setNoDelay(true);
        this.upstreamReady = true;
        if (socket instanceof tls.TLSSocket) this.recordTls("the server", socket);
        this.transcript.recordEvent("connected", `connected to the server ${host}:${port}`);
        this.status.set("online", {});
        if (this.queued.length > 0) this.writeTo(socket, this.queued.splice(0).join(""), () => this.client);
        resolve(`${host}:${port}`);
      };
      socket.once(transport === "tls" ? "secureConnect" : "connect", ready);
      socket.once("error", (error) => {
        if (this.upstreamReady) return;
        const why = describeConnectionError(error, { host, port, tlsName: this.options.upstream.domain, bundled: false });
        this.upstreamFailed(why);
        reject(new Error(why));
      });
    });
  }

  /**
   * The server is down or refused: RFC 6120 section 4.9.3.15, <remote-connection-failed/>
   * is what a proxy answers when it cannot reach the server for the client. It needs the
   * client's stream header first (section 4.9.1.1), so it waits for that if need be.
   */
  private upstreamFailed(why: string): void {
    if (this.upstreamFailure !== undefined || this.ended) return;
    this.upstreamFailure = `the proxy could not reach the server: ${why}`;
    if (this.clientOpened) this.answerClient("remote-connection-failed", this.upstreamFailure);
  }

  private attachUpstream(socket: net.Socket): void {
    socket.on("data", this.onUpstreamData);
    socket.on("close", this.onUpstreamClose);
    socket.on("error", () => undefined);
  }

  private detachUpstream(socket: net.Socket): void {
    socket.off("data", this.onUpstreamData);
    socket.off("close", this.onUpstreamClose);
  }

  private readonly onUpstreamData = (chunk: Buffer): void => {
    if (this.ended) return;
    this.touch();
    for (const frame of this.fromServer.push(chunk)) this.fromServerFrame(frame);
    this.flushClient();
  };

  private readonly onUpstreamClose = (): void => {
    // Before it opened: the error event said why, if there was one (the first reason wins).
    if (!this.upstreamReady) return this.upstreamFailed("the server closed the connection before it opened");
    // Whatever the server left unfinished still reaches the client, then the client's socket ends too.
    for (const frame of this.fromServer.end()) this.toClient(frame.raw);
    this.flushClient();
    this.finish("the server closed the connection");
  };

  private fromServerFrame(frame: ReadFrame): void {
    const description = this.fromServer.describe(frame);
    if (this.awaitingProceed && description.kind === "tls") {
      this.awaitingProceed = false;
      // RFC 6120 section 5.4.2.3: the server's TLS starts right after <proceed/>; the client's only once the server's is up.
      if (description.name === "proceed") return this.upgradeUpstream(frame.raw);
    }
    if (description.kind === "stream-open") this.headerSentToClient = true;
    if (description.kind === "features") return this.toClient(this.rewrittenFeatures(frame.raw));
    if (this.intercepted("to-client", description.kind, description.attrs, frame.raw)) return;
    this.toClient(frame.raw);
  }

  private rewrittenFeatures(raw: string): string {
    const { clientSide } = this.options;
    const rewrite = rewriteFeatures(raw, {
      offerStarttls: clientSide === "starttls" && !this.clientSecure,
      // A client side that is already TLS, or plain by choice, has nothing to upgrade here.
      stripStarttls: clientSide !== "starttls" || this.clientSecure,
    });
    const changes: string[] = [];
    if (rewrite.removed.length > 0) {
      changes.push(`removed ${rewrite.removed.join(", ")}: channel binding (RFC 5802 section 6, RFC 9266) ties SASL to the TLS session, and TLS ends at this proxy, so the server would see another session and the login would fail`);
    }
    if (rewrite.addedStarttls) changes.push("added <starttls/>: the proxy offers TLS to the client with its own certificate (RFC 6120 section 5.3.1)");
    if (rewrite.removedStarttls) changes.push("removed <starttls/>: the proxy itself secures the connection to the server, and this client side does not upgrade");
    if (changes.length > 0) this.transcript.recordEvent("rewritten", `the proxy changed the server's features: ${changes.join("; ")}. The server sent: ${raw}`);
    return rewrite.raw;
  }

  private upgradeUpstream(proceed: string): void {
    const plain = this.upstream;
    if (plain === undefined) return;
    this.detachUpstream(plain);
    const secure = tls.connect({ socket: plain, ...this.serverName() });
    this.upstream = secure;
    this.attachUpstream(secure);
    let established = false;
    secure.once("secureConnect", () => {
      established = true;
      this.upstreamSecure = true;
      this.recordTls("the server", secure);
      this.proceedToClient(proceed);
    });
    secure.once("error", (error) => {
      if (established) return;
      const { host, port, domain } = this.options.upstream;
      this.answerClient("remote-connection-failed", `TLS with the server failed: ${describeConnectionError(error, { host, port, tlsName: domain, bundled: false })}`);
    });
  }

  private toUpstream(text: string): void {
    if (this.upstreamFailure === undefined) this.toServerBatch.push(text);
  }

  private flushUpstream(): void {
    if (this.toServerBatch.length === 0) return;
    const text = this.toServerBatch.splice(0).join("");
    if (this.upstreamFailure !== undefined) return;
    if (!this.upstreamReady || this.upstream === undefined) this.queued.push(text);
    else this.writeTo(this.upstream, text, () => this.client);
  }

  // --- the client side ---

  private attachClient(socket: net.Socket): void {
    socket.on("data", this.onClientData);
    socket.on("close", this.onClientClose);
    socket.on("error", () => undefined);
  }

  private detachClient(socket: net.Socket): void {
    socket.off("data", this.onClientData);
    socket.off("close", this.onClientClose);
  }

  private readonly onClientData = (chunk: Buffer): void => {
    if (this.ended) return;
    this.touch();
    this.transcript.record("out", chunk);
    for (const frame of this.fromClient.push(chunk)) {
      if (!this.fromClientFrame(frame)) break;
    }
    this.flushUpstream();
  };

  private readonly onClientClose = (): void => {
    this.finish(this.clientTlsStarted && !this.clientSecure ? this.handshakeRefusal() : "the client closed the connection");
  };

  /** Returns false when the frames after this one must not be read as they are (TLS starts, or the stream ended). */
  private fromClientFrame(frame: ReadFrame): boolean {
    const description = this.fromClient.describe(frame);
    if (description.kind === "malformed" && description.violation !== undefined) {
      // RFC 6120 section 4.9.1.1: what the server would answer, from the proxy, which sees it first.
      this.answerClient(description.violation, `the client sent ${description.error ?? "XML that breaks the stream's rules"}`, streamErrorXml(description.violation).join(""));
      return false;
    }
    if (description.kind === "stream-open") {
      this.clientOpened = true;
      this.headerSentToClient = false;
      if (this.upstreamFailure !== undefined) {
        this.answerClient("remote-connection-failed", this.upstreamFailure);
        return false;
      }
    }
    if (description.kind === "tls" && description.name === "starttls" && this.options.clientSide === "starttls" && !this.clientSecure) {
      this.startClientTls(frame.raw);
      return false;
    }
    if (this.intercepted("to-server", description.kind, description.attrs, frame.raw)) return true;
    this.toUpstream(frame.raw);
    return true;
  }

  /**
   * RFC 6120 section 5.4: the client asked for TLS. A server that speaks STARTTLS gets the
   * client's <starttls/> and the proxy waits for its <proceed/>; one already on TLS (or plain
   * by choice) is not asked, and the proxy answers <proceed/> itself, saying so.
   */
  private startClientTls(starttls: string): void {
    this.detachClient(this.client);
    this.client.pause();
    this.clientTlsPending = true;
    if (this.options.upstream.transport === "starttls" && !this.upstreamSecure) {
      this.awaitingProceed = true;
      this.toUpstream(starttls);
      this.flushUpstream();
      return;
    }
    const why = this.upstreamSecure ? "the connection to the server is direct TLS already" : "the connection to the server is plain TCP by the operator's choice";
    this.transcript.recordEvent("rewritten", `the proxy answered <starttls/> itself: ${why}`);
    this.proceedToClient(PROCEED);
    this.redial();
  }

  /**
   * After TLS the client opens a new stream (RFC 6120 section 5.4.3.3), but the server's
   * stream was never secured, so it cannot take a second header: the proxy ends it and
   * opens a fresh connection, which sees the client's new stream as its first.
   */
  private redial(): void {
    const old = this.upstream;
    if (old !== undefined) {
      this.detachUpstream(old);
      if (this.upstreamReady && old.writable) old.end("</stream:stream>");
      setTimeout(() => old.destroy(), CLOSE_GRACE_MS).unref();
    }
    this.upstreamReady = false;
    this.fromServer = new DirectionReader("in", this.framing);
    this.transcript.recordEvent("rewritten", "the proxy opens a new connection to the server for the client's stream after TLS: the first one cannot take a second stream header");
    this.dial().catch(() => undefined);
  }

  private proceedToClient(proceed: string): void {
    this.toClient(proceed);
    // RFC 6120 section 5.4.2.3: <proceed/> is the last plaintext; TLS starts right after it.
    this.flushClient();
    this.upgradeClient();
  }

  /** The client's TLS, the proxy as server with its own certificate; the client restarts the stream after it (RFC 6120 section 5.4.3.3). */
  private upgradeClient(): void {
    const plain = this.client;
    this.detachClient(plain);
    this.clientTlsStarted = true;
    this.clientTlsPending = false;
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.options.secureContext });
    this.client = secure;
    this.attachClient(secure);
    secure.once("secure", () => {
      this.clientSecure = true;
      this.recordTls("the client", secure);
    });
    secure.on("error", (error) => {
      if (!this.clientSecure) this.transcript.recordEvent("closing", `${this.handshakeRefusal()} (${error.message})`);
    });
  }

  private handshakeRefusal(): string {
    return `the client closed during TLS: it may not trust the proxy's certificate (SHA-256 fingerprint ${this.options.fingerprint}); trust that certificate in the client`;
  }

  private toClient(text: string): void {
    if (text !== "") this.toClientBatch.push(text);
  }

  /** One write to the client, recorded as it goes: the transcript's "in" is what the client's socket carried. */
  private flushClient(): void {
    if (this.toClientBatch.length === 0) return;
    const text = this.toClientBatch.splice(0).join("");
    if (this.client.destroyed || !this.client.writable) return;
    this.transcript.record("in", text);
    this.writeTo(this.client, text, () => this.upstream);
  }

  /**
   * A side that reads slower than the other writes: the proxy stops reading the writer until
   * the reader drains, so nothing piles up in the proxy (TCP's own flow control does the rest).
   */
  private writeTo(target: net.Socket, text: string, source: () => net.Socket | undefined): void {
    if (target.write(text)) return;
    const reader = source();
    reader?.pause();
    target.once("drain", () => {
      // Only the socket that still carries the stream, and not while the client's TLS is being set up.
      if (!this.ended && !this.clientTlsPending && source() === reader) reader?.resume();
    });
  }

  /**
   * Speaks for the server to the client: a stream header if the client has none yet, the
   * stream error and the end of the stream; the server's side gets the end of ours.
   */
  private answerClient(condition: string, why: string, errorXml = streamErrorWithText(condition, why)): void {
    if (this.ended) return;
    this.transcript.recordEvent("closing", `closing the client's stream with <${condition}/>: ${why}`, condition);
    if (!this.headerSentToClient) this.toClient(proxyStreamHeader(this.options.upstream.domain, this.id));
    this.headerSentToClient = true;
    this.toClient(errorXml);
    this.flushClient();
    this.flushUpstream();
    this.client.end();
    if (this.upstreamReady && this.upstream !== undefined && this.upstream.writable) this.upstream.end("</stream:stream>");
    this.finish(why);
  }

  private closeBoth(reason: string, condition?: string): void {
    if (this.ended) return;
    if (condition !== undefined && this.clientOpened) return this.answerClient(condition, reason);
    if (this.clientOpened) this.toClient("</stream:stream>");
    this.flushClient();
    this.flushUpstream();
    this.client.end();
    if (this.upstreamReady && this.upstream?.writable) this.upstream.end("</stream:stream>");
    this.finish(reason);
  }

  // --- shared ---

  /** Idle: nothing either way for idleMs; the client hears what a server says then (RFC 6120 section 4.9.3.4). */
  private touch(): void {
    if (this.ended) return;
    this.idleTimer?.refresh();
    this.idleTimer ??= setTimeout(() => {
      this.closeBoth(`no traffic for ${Math.round(this.options.idleMs / 1000)} s, the proxy's idle limit (${PROXY_VARIABLES.idleSeconds})`, "connection-timeout");
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  private finish(message: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.transcript.end();
    const dropped = this.held.takeAll();
    if (dropped.length > 0) this.transcript.recordEvent("intercepted", `dropped ${dropped.length} held stanza(s): the connection closed before they were forwarded`);
    this.transcript.recordEvent("closed", `closed: ${message}`);
    this.status.set("closed", { message });
    // Both sockets go: a peer that never answers our end does not keep them.
    const client = this.client;
    const upstream = this.upstream;
    if (!client.writableEnded) client.end();
    upstream?.end();
    setTimeout(() => {
      client.destroy();
      upstream?.destroy();
    }, CLOSE_GRACE_MS).unref();
  }

  private recordTls(side: string, socket: tls.TLSSocket): void {
    this.transcript.recordEvent("tls-established", `TLS established with ${side} (${socket.getProtocol() ?? "unknown version"})`);
  }

  private serverName(): { servername?: string } {
    const name = this.options.upstream.domain;
    // SNI carries host names only (RFC 6066 section 3).
    return net.isIP(name) === 0 ? { servername: name } : {};
  }
}
