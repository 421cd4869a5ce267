import { randomBytes } from "node:crypto";
import { DirectionReader, type DescribedFrame, type ReadFrame } from "../xmpp/direction-reader";
import { Transcript } from "../xmpp/transcript";
import { SessionStateEmitter } from "../xmpp/session-state";
import type { SessionState } from "../bridge/protocol";
import type { StateListener, XmppSession } from "../xmpp/session";
import { streamErrorXml } from "../xmpp/stream-refusal";
import { NS_TLS } from "../xml/namespaces";
import { describeFeaturesRewrite, rewriteFeatures } from "./features-rewrite";
import { PROXY_VARIABLES, proxyStreamHeader, streamErrorWithText } from "./proxy-messages";
import type { ProxyConnectionOptions } from "./proxy-types";
import { HoldQueue, type ProxyDirection } from "./intercept";
import { HeldStanzas } from "./held-stanzas";
import { ClientLink } from "./client-link";
import { UpstreamLink } from "./upstream-link";
import { endThenDestroy } from "./socket-flow";

const PROCEED = `<proceed xmlns='${NS_TLS}'/>`;
const WRONG_TLS_MODE =
  "the client began a TLS handshake at once (direct TLS, XEP-0368), but this proxy expects XML first from its clients (STARTTLS or plain): set the client to STARTTLS, or start a proxy whose client side is direct TLS";

/**
 * One client through the proxy: its socket (client-link.ts), the socket to the server
 * (upstream-link.ts), and one transcript of what the client sent ("out") and what it received
 * ("in"), byte for byte on the client's socket after TLS. Each direction is framed into
 * top-level elements with the transcript's own reader, so the proxy forwards whole elements and
 * can act on the few it must: <starttls/> and <proceed/> (RFC 6120 section 5.4) and
 * <stream:features/> (-PLUS removed). Every change to what the server sent is an event entry
 * saying what and why.
 */
export class ProxyConnection implements XmppSession {
  readonly transcript: Transcript;
  readonly id = randomBytes(6).toString("hex");
  /** Stanzas the intercept filter stopped, waiting for the person to forward or drop them. */
  readonly held = new HoldQueue();
  private readonly holding: HeldStanzas;
  private readonly status = new SessionStateEmitter();
  private fromServer: DirectionReader;
  private readonly framing: { maxFrameLength?: number; limitHint?: string };
  private readonly client: ClientLink;
  private readonly server: UpstreamLink;
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
    this.fromServer = new DirectionReader("in", this.framing);
    this.holding = new HeldStanzas(this.held, this.transcript, () => options.intercept?.());
    // Neither side is read again after a drain once the connection ended, nor while the client's TLS is set up.
    const mayResume = () => !this.ended && !this.client.tlsPending;
    this.client = new ClientLink({
      socket: options.client,
      secureContext: options.secureContext,
      fingerprint: options.fingerprint,
      transcript: this.transcript,
      onData: this.onClientData,
      onClose: () => this.finish(this.client.closedDuringTls ? this.client.refusal() : "the client closed the connection"),
      upstream: () => this.server.socket,
      mayResume,
    });
    this.server = new UpstreamLink({
      upstream: options.upstream,
      transcript: this.transcript,
      events: {
        onOpen: () => this.status.set("online", {}),
        onData: this.onUpstreamData,
        onClose: this.onUpstreamClose,
        onFailed: (why) => this.upstreamFailed(why),
      },
      client: () => this.client.socket,
      mayResume,
    });
    const who = `${options.client.remoteAddress ?? "?"}:${options.client.remotePort ?? "?"}`;
    this.transcript.recordEvent("connected", `client ${who} connected to the proxy (${options.clientSide})`);
    if (options.clientSide === "tls") this.client.upgrade();
    this.touch();
    this.opened = this.server.dial();
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
      if (this.server.failure !== undefined) throw new Error(`Not injected: ${this.server.failure}.`);
      this.server.flush();
      this.transcript.recordInjected("out", xml);
      this.server.push(xml);
      this.server.flush();
      return;
    }
    if (!this.headerSentToClient || !this.client.writable) {
      throw new Error("Not injected: the client has no open stream from the server yet (it is between streams or setting up TLS); try again in a moment.");
    }
    this.client.inject(xml);
  }

  /** Forwards a held stanza (as it was, or as edited) or drops it; false if it is not held any more. */
  release(id: number, action: "forward" | "drop", edited?: string): boolean {
    return this.holding.release(id, action, edited, this.ended ? null : { "to-server": this.server, "to-client": this.client });
  }

  close(reason = "closed by you"): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.closeBoth(reason);
    return new Promise((resolve) => (this.status.current === "closed" ? resolve() : this.status.listen((state) => state === "closed" && resolve())));
  }

  // --- what the server sends ---

  /**
   * The server is down or refused: RFC 6120 section 4.9.3.15, <remote-connection-failed/>
   * is what a proxy answers when it cannot reach the server for the client. It needs the
   * client's stream header first (section 4.9.1.1), so it waits for that if need be.
   */
  private upstreamFailed(why: string): void {
    if (this.server.failure !== undefined || this.ended) return;
    this.server.failure = `the proxy could not reach the server: ${why}`;
    if (this.clientOpened) this.answerClient("remote-connection-failed", this.server.failure);
  }

  private readonly onUpstreamData = (chunk: Buffer): void => {
    if (this.ended) return;
    this.touch();
    for (const frame of this.fromServer.push(chunk)) this.fromServerFrame(frame);
    this.client.flush();
  };

  private readonly onUpstreamClose = (): void => {
    // Whatever the server left unfinished still reaches the client, then the client's socket ends too.
    for (const frame of this.fromServer.end()) this.client.push(frame.raw);
    this.client.flush();
    this.finish("the server closed the connection");
  };

  private fromServerFrame(frame: ReadFrame): void {
    const description = this.fromServer.describe(frame);
    if (this.awaitingProceed && description.kind === "tls") {
      this.awaitingProceed = false;
      // RFC 6120 section 5.4.2.3: the server's TLS starts right after <proceed/>; the client's only once the server's is up.
      if (description.name === "proceed") {
        return this.server.startTls(
          () => this.proceedToClient(frame.raw),
          (why) => this.answerClient("remote-connection-failed", `TLS with the server failed: ${why}`),
        );
      }
    }
    if (description.kind === "stream-open") this.headerSentToClient = true;
    if (description.kind === "features") return this.client.push(this.rewrittenFeatures(frame.raw));
    if (this.holding.holds("to-client", description.kind, description.attrs, frame.raw)) return;
    this.client.push(frame.raw);
  }

  private rewrittenFeatures(raw: string): string {
    const { clientSide } = this.options;
    const secure = this.client.secure;
    const rewrite = rewriteFeatures(raw, {
      offerStarttls: clientSide === "starttls" && !secure,
      // A client side that is already TLS, or plain by choice, has nothing to upgrade here.
      stripStarttls: clientSide !== "starttls" || secure,
    });
    const said = describeFeaturesRewrite(rewrite, raw);
    if (said !== undefined) this.transcript.recordEvent("rewritten", said);
    return rewrite.raw;
  }

  // --- what the client sends ---

  private readonly onClientData = (chunk: Buffer): void => {
    if (this.ended) return;
    this.touch();
    // The transcript's own reading of the client's bytes is what the proxy acts on: one parse
    // per element. A tab hears of them once they are on their way to the server.
    const frames = this.transcript.recordQuietly("out", chunk);
    try {
      // A TLS record (content type 22, handshake: RFC 8446 section 5.1) before any XML: the client speaks direct TLS to a listener that does not.
      if (!this.clientOpened && !this.client.tlsStarted && chunk[0] === 0x16) return this.finish(WRONG_TLS_MODE);
      for (const frame of frames) {
        if (!this.fromClientFrame(frame)) break;
      }
      this.server.flush();
    } finally {
      this.transcript.announce("out");
    }
  };

  /** Returns false when the frames after this one must not be read as they are (TLS starts, or the stream ended). */
  private fromClientFrame(frame: DescribedFrame): boolean {
    const { description } = frame;
    if (description.kind === "malformed" && description.violation !== undefined) {
      // RFC 6120 section 4.9.1.1: what the server would answer, from the proxy, which sees it first.
      this.answerClient(description.violation, `the client sent ${description.error ?? "XML that breaks the stream's rules"}`, streamErrorXml(description.violation).join(""));
      return false;
    }
    if (description.kind === "stream-open") {
      this.clientOpened = true;
      this.headerSentToClient = false;
      if (this.server.failure !== undefined) {
        this.answerClient("remote-connection-failed", this.server.failure);
        return false;
      }
    }
    if (description.kind === "tls" && description.name === "starttls" && this.options.clientSide === "starttls" && !this.client.secure) {
      this.startClientTls(frame.raw);
      return false;
    }
    if (this.holding.holds("to-server", description.kind, description.attrs, frame.raw)) return true;
    this.server.push(frame.raw);
    return true;
  }

  /**
   * RFC 6120 section 5.4: the client asked for TLS. A server that speaks STARTTLS gets the
   * client's <starttls/> and the proxy waits for its <proceed/>; one already on TLS (or plain
   * by choice) is not asked, and the proxy answers <proceed/> itself, saying so.
   */
  private startClientTls(starttls: string): void {
    this.client.holdForTls();
    if (this.options.upstream.transport === "starttls" && !this.server.secure) {
      this.awaitingProceed = true;
      this.server.push(starttls);
      this.server.flush();
      return;
    }
    const why = this.server.secure ? "the connection to the server is direct TLS already" : "the connection to the server is plain TCP by the operator's choice";
    this.transcript.recordEvent("rewritten", `the proxy answered <starttls/> itself: ${why}`);
    this.proceedToClient(PROCEED);
    this.fromServer = new DirectionReader("in", this.framing);
    this.server.redial();
  }

  private proceedToClient(proceed: string): void {
    this.client.push(proceed);
    // RFC 6120 section 5.4.2.3: <proceed/> is the last plaintext; TLS starts right after it.
    this.client.flush();
    this.client.upgrade();
  }

  // --- ending ---

  /**
   * Speaks for the server to the client: a stream header if the client has none yet, the
   * stream error and the end of the stream; the server's side gets the end of ours.
   */
  private answerClient(condition: string, why: string, errorXml = streamErrorWithText(condition, why)): void {
    if (this.ended) return;
    this.transcript.recordEvent("closing", `closing the client's stream with <${condition}/>: ${why}`, condition);
    if (!this.headerSentToClient) this.client.push(proxyStreamHeader(this.options.upstream.domain, this.id));
    this.headerSentToClient = true;
    this.client.push(errorXml);
    this.endBoth(why);
  }

  private closeBoth(reason: string, condition?: string): void {
    if (this.ended) return;
    if (condition !== undefined && this.clientOpened) return this.answerClient(condition, reason);
    if (this.clientOpened) this.client.push("</stream:stream>");
    this.endBoth(reason);
  }

  private endBoth(reason: string): void {
    this.client.flush();
    this.server.flush();
    this.client.socket.end();
    this.server.endStream();
    this.finish(reason);
  }

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
    this.holding.dropAll();
    this.transcript.recordEvent("closed", `closed: ${message}`);
    this.status.set("closed", { message });
    // Both sockets go: a peer that never answers our end does not keep them.
    endThenDestroy(this.client.socket);
    this.server.abandon();
  }
}
