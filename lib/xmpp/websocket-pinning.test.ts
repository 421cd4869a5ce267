import { client } from "@xmpp/client";
import { describe, expect, it } from "vitest";
import { pinWebSocketTransport } from "./websocket-pinning";

describe("pinWebSocketTransport", () => {
  it("swaps the library's WebSocket transport for one whose socket is pinned, and leaves TCP and TLS alone", () => {
    const entity = client({ service: "ws://xmpp.example.org:5280/ws", domain: "example.org" });
    const transports = (entity as unknown as { transports: { prototype: { Socket?: unknown; socketParameters(s: string): unknown } }[] }).transports;
    const before = [...transports];
    pinWebSocketTransport(entity, ["93.184.216.34"]);
    const changed = transports.filter((transport, i) => transport !== before[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]?.prototype.socketParameters("wss://xmpp.example.org/ws")).toBe("wss://xmpp.example.org/ws");
    expect(changed[0]?.prototype.Socket).not.toBe(before.find((transport) => transport.prototype.socketParameters("ws://x/") !== undefined)?.prototype.Socket);
  });

  it("fails loudly when the library no longer has the shape it relies on", () => {
    expect(() => pinWebSocketTransport({ transports: [] } as never, ["127.0.0.1"])).toThrow(/websocket-pinning\.ts must be updated/);
  });
});
