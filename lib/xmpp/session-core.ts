import { Transcript, type TranscriptOptions } from "./transcript";
import { droppedBytesMessage, refusalMessage, streamErrorXml } from "./stream-refusal";
import type { StreamViolation } from "./framing";
import type { SessionState, Transport } from "../bridge/protocol";
import type { TranscriptEntry } from "./entry";
import type { StateListener, XmppSession } from "./session";
import { SessionStateEmitter } from "./session-state";
import { describeUnexpectedClose, type ConnectionContext } from "./connection-errors";
import { describeBareStreamClose, describeStreamError, streamErrorText } from "./stream-end";
import type { ServerAddress } from "./server-address";
import { clearTextTransport, plainTargetRefusal } from "./transport-policy";

/** What every session kind is told: where, how, and what the operator allows. */
export interface SessionCoreOptions {
  server: ServerAddress;
  transport: Transport;
  /** The XMPP domain (the JID's domainpart), which may differ from the host to dial. */
  domain: string;
  /** Limits of the transcript, such as the longest element accepted from the server. */
  transcript?: TranscriptOptions;
  /** Plain TCP beyond loopback, which the operator allows with BRIDGE_ALLOW_PLAIN_REMOTE (transport-policy.ts). */
  allowPlainRemote?: boolean;
  /** The playground's own server (whose demo accounts messages may suggest). */
  bundledServer?: boolean;
}

export const CLOSED_BY_YOU = "closed by you";

/** RFC 7395 section 3.6: over WebSocket the stream ends with <close/>, not a closing tag. */
const WEBSOCKET_CLOSE = "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>";

/**
 * What every session kind shares, whoever drives the stream (@xmpp/client in guided mode, the
 * person in raw mode, a proxy or a script later): the transcript and state, the rules once
 * the server ended its stream, refusing a server that breaks the rules (RFC 6120 section
 * 4.9.1.1), why the session closed, and the last words. A kind supplies the socket work:
 * connecting, sending, writing the end of the stream.
 */
export abstract class SessionCore implements XmppSession {
  readonly transcript: Transcript;
  protected readonly status = new SessionStateEmitter();
  /** The condition of the server's stream error, once it sent one. */
  protected streamError: string | undefined;
  /** The <text/> of the server's stream error, if it gave one (RFC 6120 section 4.9.2). */
  protected streamErrorText: string | undefined;
  /** The server sent </stream:stream> (or <close/> over WebSocket). */
  protected serverClosedStream = false;
  /** Set once the session ended the stream itself: why. */
  protected refusal: string | undefined;
  /** Bytes that arrived after the refusal: counted, not kept. */
  protected droppedBytes = 0;
  /** Set while the session ends: what the transcript flushes then is recorded, not answered. */
  protected ending = false;
  /** Why the session was asked to close (by the person, or the bridge's limits). */
  protected closeRequested: string | undefined;
  protected lastError: string | undefined;
  protected lastErrorCause: unknown;

  constructor(protected readonly core: SessionCoreOptions) {
    this.transcript = new Transcript(core.transcript);
    this.transcript.onEntry((entry) => this.observe(entry));
  }

  get currentState(): SessionState {
    return this.status.current;
  }

  onState(listener: StateListener): () => void {
    return this.status.listen(listener);
  }

  abstract connect(): Promise<string>;
  abstract send(xml: string): Promise<void>;
  abstract close(reason?: string): Promise<void>;

  /** What this session dials, for messages that name it. */
  protected abstract context(): ConnectionContext;

  /** Writes the end of our stream (`pieces`, in order), then ends the socket. */
  protected abstract writeStreamEnd(pieces: readonly string[]): void;

  /** Each entry from the server, after the shared rules ran; a kind adds its own. */
  protected abstract onServerEntry(entry: TranscriptEntry): void;

  /** A failure only this kind can explain (a failed TLS upgrade, say), for closeReason(). */
  protected failureReason(): string | undefined {
    return undefined;
  }

  /** Bytes after the server ended its stream (RFC 6120 sections 4.4, 4.9.1.1) are recorded, but there is no stream left to refuse them on. */
  protected get streamOver(): boolean {
    return this.streamError !== undefined || this.serverClosedStream;
  }

  /**
   * Plain TCP to a target the operator did not allow ends here, before any dial: the closing
   * event says why, and connect() rejects with it.
   */
  protected refuseTargetBeforeDial(): void {
    const clearText = clearTextTransport(this.core.transport, this.core.server);
    const refusal = clearText === undefined ? undefined : plainTargetRefusal(this.core.server, this.core.allowPlainRemote === true, clearText);
    if (refusal === undefined) return;
    this.finish(refusal);
    throw new Error(refusal);
  }

  /** The server broke the stream's rules: the stream error the rule names, then the end of our stream. */
  protected refuse(message: string, condition: StreamViolation): void {
    this.endStream(message, condition);
  }

  /**
   * Ends the stream from our side and reads nothing more: with the stream error `condition`
   * names when the server broke a rule (RFC 6120 section 4.9.1.1), with a bare end of stream
   * (RFC 6120 section 4.4) when the session declines to go on.
   */
  protected endStream(message: string, condition?: StreamViolation): void {
    if (this.refusal !== undefined || this.ending || this.status.current === "closed") return;
    this.refusal = message;
    this.transcript.recordEvent("closing", `closing the stream: ${message}`, condition);
    const overWebSocket = this.core.transport === "websocket";
    this.writeStreamEnd(condition !== undefined ? streamErrorXml(condition, overWebSocket) : [overWebSocket ? WEBSOCKET_CLOSE : "</stream:stream>"]);
  }

  /** Why the connection went, in order of what explains it best. */
  protected closeReason(): string {
    if (this.refusal !== undefined) return this.refusal;
    if (this.closeRequested !== undefined) return this.closeRequested;
    if (this.streamError !== undefined) return describeStreamError(this.streamError, this.streamErrorText);
    // RFC 6120 section 4.4 (RFC 7395 section 3.6 over WebSocket): the server closed its stream first.
    if (this.serverClosedStream) return describeBareStreamClose(this.core.transport === "websocket");
    const specific = this.failureReason();
    if (specific !== undefined) return specific;
    // Connected, then the socket went with no stream end: a FIN, a reset or a network error says how.
    if (this.status.current === "online") return describeUnexpectedClose(this.context(), this.lastErrorCause);
    return this.lastError ?? "the connection closed";
  }

  /** The last words: what the framers still held, the dropped bytes, and why it closed. */
  protected finish(message: string): void {
    if (this.status.current === "closed") return;
    this.ending = true;
    this.transcript.end();
    if (this.droppedBytes > 0) this.transcript.recordEvent("bytes-dropped", droppedBytesMessage(this.droppedBytes));
    this.transcript.recordEvent("closed", `closed: ${message}`, this.streamError);
    this.status.set("closed", { message });
  }

  /** The rules every kind keeps about what the server sends. */
  private observe(entry: TranscriptEntry): void {
    if (entry.dir !== "in") return;
    // The playground is the receiving entity whoever types: RFC 6120 obliges it, not the person.
    if (entry.violation !== undefined && !this.streamOver) return this.refuse(refusalMessage(entry, entry.violation), entry.violation);
    if (entry.kind === "sasl" && entry.name === "success") this.transcript.recordEvent("authenticated", "authenticated");
    if (entry.kind === "stream-error") {
      this.streamError = entry.error ?? "undefined-condition";
      this.streamErrorText = streamErrorText(entry.raw);
    }
    if (entry.kind === "stream-close") this.serverClosedStream = true;
    this.onServerEntry(entry);
  }
}
