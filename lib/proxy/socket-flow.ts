import net from "node:net";
import tls from "node:tls";
import type { Transcript } from "../xmpp/transcript";

/** How long a socket we ended may take to say goodbye before it is destroyed. */
export const CLOSE_GRACE_MS = 1000;

/**
 * A side that reads slower than the other writes: the proxy stops reading the writer until
 * the reader drains, so nothing piles up in the proxy (TCP's own flow control does the rest).
 * `mayResume` says whether reading may start again then (not once closed, nor while the
 * client's TLS is being set up); only the socket that still carries the stream is resumed.
 */
export function writeWithBackpressure(target: net.Socket, text: string, source: () => net.Socket | undefined, mayResume: () => boolean): void {
  if (target.write(text)) return;
  const reader = source();
  reader?.pause();
  target.once("drain", () => {
    if (mayResume() && source() === reader) reader?.resume();
  });
}

export function recordTls(transcript: Transcript, side: string, socket: tls.TLSSocket): void {
  transcript.recordEvent("tls-established", `TLS established with ${side} (${socket.getProtocol() ?? "unknown version"})`);
}

/** SNI carries host names only (RFC 6066 section 3). */
export function serverName(name: string): { servername?: string } {
  return net.isIP(name) === 0 ? { servername: name } : {};
}

/** Ends a socket now and destroys it after the grace time: a peer that never answers our end does not keep it. */
export function endThenDestroy(socket: net.Socket | undefined): void {
  if (socket === undefined) return;
  if (!socket.writableEnded) socket.end();
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}

/** The handlers a link keeps on whichever socket it holds now (plain, then TLS after an upgrade). */
export interface SocketHandlers {
  onData(chunk: Buffer): void;
  onClose(): void;
}

/** Listens on `socket`; its errors are left to the close that follows them. */
export function listenTo(socket: net.Socket, handlers: SocketHandlers): void {
  socket.on("data", handlers.onData);
  socket.on("close", handlers.onClose);
  socket.on("error", () => undefined);
}

/** Stops listening on a socket the link has handed over (to TLS, or replaced by a redial). */
export function stopListening(socket: net.Socket, handlers: SocketHandlers): void {
  socket.off("data", handlers.onData);
  socket.off("close", handlers.onClose);
}
