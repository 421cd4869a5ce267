import type net from "node:net";
import tls from "node:tls";
import type { Transcript } from "../xmpp/transcript";
import { listenTo, recordTls, stopListening, writeWithBackpressure, type SocketHandlers } from "./socket-flow";

export interface ClientLinkOptions {
  socket: net.Socket;
  /** The proxy's own certificate and key, presented to the client. */
  secureContext: tls.SecureContext;
  /** SHA-256 fingerprint of that certificate, named when a client refuses it. */
  fingerprint: string;
  transcript: Transcript;
  onData(chunk: Buffer): void;
  onClose(): void;
  /** The server's socket: paused while the client's side drains (socket-flow.ts). */
  upstream: () => net.Socket | undefined;
  mayResume: () => boolean;
}

/**
 * The client's socket as the proxy holds it: plain, then TLS with the proxy's certificate
 * (direct TLS from the first byte, or after <proceed/>). Everything written to it is recorded
 * as it goes, so the transcript's "in" is exactly what the client's socket carried.
 */
export class ClientLink {
  socket: net.Socket;
  secure = false;
  /** The client sent <starttls/>; its socket is paused until it is wrapped in TLS. */
  tlsPending = false;
  /** The client's TLS handshake began (direct TLS, or after <proceed/>). */
  tlsStarted = false;
  /** What one chunk read from the server makes for the client, written as one write (as UpstreamLink's batch). */
  private readonly batch: string[] = [];

  constructor(private readonly options: ClientLinkOptions) {
    this.socket = options.socket;
    this.socket.setNoDelay(true);
    this.attach(this.socket);
  }

  get closedDuringTls(): boolean {
    return this.tlsStarted && !this.secure;
  }

  push(text: string): void {
    if (text !== "") this.batch.push(text);
  }

  /** One write to the client, recorded as it goes. */
  flush(): void {
    if (this.batch.length === 0) return;
    const text = this.batch.splice(0).join("");
    if (this.socket.destroyed || !this.socket.writable) return;
    // The bytes leave first and are recorded while the client reads them: neither the record
    // nor a tab's message about it is on the way to the client.
    this.write(text);
    this.options.transcript.record("in", text);
  }

  /** Whether something may be written between the server's elements now (a stream is open, no TLS being set up). */
  get writable(): boolean {
    return !this.tlsPending && this.socket.writable;
  }

  /** Text the person injected toward the client, recorded as injected (after what is waiting). */
  inject(text: string): void {
    this.flush();
    this.options.transcript.recordInjected("in", text);
    this.write(text);
  }

  /** The client asked for TLS (RFC 6120 section 5.4.2.1): nothing more is read until its socket is wrapped. */
  holdForTls(): void {
    this.detach(this.socket);
    this.socket.pause();
    this.tlsPending = true;
  }

  /** The client's TLS, the proxy as server with its own certificate; the client restarts the stream after it (RFC 6120 section 5.4.3.3). */
  upgrade(): void {
    const plain = this.socket;
    this.detach(plain);
    this.tlsStarted = true;
    this.tlsPending = false;
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.options.secureContext });
    this.socket = secure;
    this.attach(secure);
    secure.once("secure", () => {
      this.secure = true;
      recordTls(this.options.transcript, "the client", secure);
    });
    secure.on("error", (error) => {
      if (!this.secure) this.options.transcript.recordEvent("closing", `${this.refusal()} (${error.message})`);
    });
  }

  refusal(): string {
    return `the client closed during TLS: it may not trust the proxy's certificate (SHA-256 fingerprint ${this.options.fingerprint}); trust that certificate in the client`;
  }

  private write(text: string): void {
    writeWithBackpressure(this.socket, text, this.options.upstream, this.options.mayResume);
  }

  private readonly onData = (chunk: Buffer): void => this.options.onData(chunk);
  private readonly onClose = (): void => this.options.onClose();

  private readonly handlers: SocketHandlers = { onData: this.onData, onClose: this.onClose };

  private attach(socket: net.Socket): void {
    listenTo(socket, this.handlers);
  }

  private detach(socket: net.Socket): void {
    stopListening(socket, this.handlers);
  }
}
