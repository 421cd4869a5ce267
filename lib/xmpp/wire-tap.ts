import net from "node:net";
import type { Client } from "@xmpp/client";
import { ReadPacer, type Pausable } from "./read-pacer";

/**
 * @xmpp/client 0.14 has no event with the raw wire text, so the tap hooks two methods of
 * its Connection: `_onData` (private; every decoded chunk from the socket, after TLS) and
 * `write` (every string handed to the socket). Both are instance-patched before connect,
 * because the socket listeners bind `_onData` on first attach. If an upgrade renames
 * either, `tapConnection` throws, and wire-tap.test.ts fails, instead of recording nothing.
 */

export interface WireSink {
  /** Return false to keep the data from the library (the session is refusing the stream). */
  received(data: Buffer | string): boolean | void;
  sent(text: string): void;
  /**
   * The library could not take the data: its parser throws on some input (ltx throws on an
   * entity it does not know, such as `&lol;`). That must not escape into the socket's event
   * handler, where it would bring the whole bridge process down.
   */
  rejected?(error: unknown): void;
}

export class WireTapUnavailableError extends Error {
  constructor(missing: string) {
    super(`@xmpp/client no longer has Connection#${missing}; the wire tap in lib/xmpp/wire-tap.ts must be updated for this version`);
  }
}

export interface WireTap {
  /** The socket closed: what is still waiting for its turn (read-pacer.ts) is recorded now, and goes no further. */
  flush(): void;
}

export function tapConnection(entity: Client, sink: WireSink): WireTap {
  const onData = entity._onData;
  const write = entity.write;
  if (typeof onData !== "function") throw new WireTapUnavailableError("_onData");
  if (typeof write !== "function") throw new WireTapUnavailableError("write");

  const deliver = (data: Buffer | string) => {
    if (sink.received(data) === false) return;
    // Bytes can still arrive after the library dropped its parser (while a stream is being
    // torn down); it would throw on them, so they are recorded and go no further.
    if (entity.parser === null) return;
    try {
      onData.call(entity, data as Buffer);
    } catch (error) {
      sink.rejected?.(error);
    }
  };
  // A large read is recorded and parsed a piece per turn, so other sessions are served between pieces.
  const pacer = new ReadPacer(deliver, () => pausableSocket(entity.socket));
  entity._onData = function tappedOnData(this: Client, data: Buffer) {
    pacer.take(data);
  };
  entity.write = function tappedWrite(this: Client, text: string) {
    // Only what the socket accepts is recorded: the library also writes its closing tag to a
    // socket the peer already closed, or that never connected, and those bytes go nowhere.
    const accepted = socketAcceptsWrites(this.socket);
    // The bytes leave first and are recorded while the server reads them: the recording is
    // not on the round trip's path (its entry still comes before the answer's: one thread).
    const written = write.call(this, text);
    if (accepted) sink.sent(text);
    return written;
  };
  return { flush: () => pacer.flush((data) => void sink.received(data)) };
}

/**
 * The stream under the library's socket that can be paused: @xmpp/tcp's is a net.Socket;
 * @xmpp/tls and @xmpp/websocket wrap a TLS socket or a `ws` WebSocket in `.socket`.
 */
function pausableSocket(socket: unknown): Pausable | null {
  if (socket === null || typeof socket !== "object") return null;
  const inner = "socket" in socket ? (socket as { socket: unknown }).socket : socket;
  const candidate = inner as Partial<Pausable> | null;
  return candidate !== null && typeof candidate === "object" && typeof candidate.pause === "function" && typeof candidate.resume === "function" ? (candidate as Pausable) : null;
}

const WEBSOCKET_OPEN = 1;

/**
 * Whether bytes written now would go out. @xmpp/tcp's socket is a net.Socket; @xmpp/tls and
 * @xmpp/websocket wrap theirs in `.socket` (null once closed). A net or TLS socket takes
 * writes until it is ended or destroyed (after the peer's FIN it ends itself); a WebSocket
 * only while OPEN (RFC 6455 section 4.1): `ws` silently drops a send in any other state.
 */
export function socketAcceptsWrites(socket: unknown): boolean {
  if (socket === null || typeof socket !== "object") return false;
  const inner = "socket" in socket ? (socket as { socket: unknown }).socket : socket;
  if (inner instanceof net.Socket) return !inner.destroyed && inner.writable && !inner.writableEnded;
  if (inner !== null && typeof inner === "object" && "readyState" in inner) return (inner as { readyState: unknown }).readyState === WEBSOCKET_OPEN;
  return false;
}
