import type { Client } from "@xmpp/client";
import { WebSocket as NodeWebSocket } from "ws";
import { pinnedLookup } from "./pinned-lookup";

/** The parts of @xmpp/websocket's Socket this module relies on (0.14: lib/Socket.js). */
interface XmppWebSocketSocket {
  url: string | null;
  secure: boolean;
  _attachSocket(socket: unknown): void;
}
type SocketClass = new () => XmppWebSocketSocket;
type TransportClass = (new (...args: never[]) => unknown) & { prototype: { Socket?: SocketClass; socketParameters(service: string): unknown } };

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Makes @xmpp/client's WebSocket transport dial only `addresses`, the ones the allowlist
 * checked (server/allowlist.ts, rule 3), while the URL keeps the name: the Host header, TLS SNI
 * and the certificate check of wss:// use it (RFC 6125). The library opens its socket with the
 * global WebSocket, which takes no lookup; this swaps in a transport whose socket is the `ws`
 * package's, given the pinned lookup. Throws if the library's shape changed, so an upgrade
 * cannot silently drop the pinning.
 */
export function pinWebSocketTransport(entity: Client, addresses: readonly string[]): void {
  const transports = (entity as unknown as { transports?: TransportClass[] }).transports;
  const index = transports?.findIndex((Transport) => Transport.prototype.socketParameters("ws://probe/") !== undefined) ?? -1;
  const Base = index >= 0 ? transports?.[index] : undefined;
  const BaseSocket = Base?.prototype.Socket;
  if (transports === undefined || Base === undefined || typeof BaseSocket?.prototype._attachSocket !== "function") {
    throw new Error("@xmpp/client's WebSocket transport changed shape; lib/xmpp/websocket-pinning.ts must be updated for this version");
  }
  const lookup = pinnedLookup(addresses);
  class PinnedSocket extends BaseSocket {
    connect(url: string): void {
      this.url = url;
      // As the library judges it: wss://, or a loopback name whose traffic never leaves the machine.
      const parsed = new URL(url);
      this.secure = parsed.protocol === "wss:" || LOOPBACK_NAMES.has(parsed.hostname);
      this._attachSocket(new NodeWebSocket(url, ["xmpp"], { lookup, followRedirects: false }));
    }
  }
  class PinnedTransport extends (Base as unknown as new (...args: never[]) => object) {}
  Object.assign(PinnedTransport.prototype, { Socket: PinnedSocket });
  transports[index] = PinnedTransport as unknown as TransportClass;
}
