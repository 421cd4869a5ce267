import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import { BRIDGE_PATH } from "../lib/bridge/protocol";
import type { createBridge } from "../server/bridge";

/** A bridge served on loopback, as server/main.ts serves it, for tests that speak to it over WebSocket. */
export interface ServedBridge {
  http: Server;
  /** The bridge's WebSocket address: ws://127.0.0.1:PORT/bridge. */
  url: string;
}

export async function serveBridge(bridge: ReturnType<typeof createBridge>, port = 0): Promise<ServedBridge> {
  const http = createServer();
  http.on("upgrade", (request, socket, head) => bridge.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  return { http, url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}${BRIDGE_PATH}` };
}

/** The Origin a page loaded from the bridge's own server sends; the bridge refuses others. */
export function pageOriginOf(bridgeUrl: string): string {
  return new URL(bridgeUrl).origin.replace("ws:", "http:");
}

/** A Node WebSocket that sends its page's Origin, as a browser would: for BridgeClient run in Node. */
export class PageWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[]) {
    super(address, protocols, { origin: pageOriginOf(address) });
  }
}
