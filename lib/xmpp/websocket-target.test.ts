import { describe, expect, it } from "vitest";
import { parseWebSocketField, websocketPathProblem, websocketUrl } from "./websocket-target";

const fields = { host: "127.0.0.1", port: 5280, defaultPath: "/ws" };

describe("parseWebSocketField", () => {
  it("takes a path with the host and port fields, over ws://", () => {
    expect(parseWebSocketField("/xmpp-websocket", fields)).toEqual({ host: "127.0.0.1", port: 5280, path: "/xmpp-websocket", tls: false });
    expect(parseWebSocketField("  ", fields)).toEqual({ host: "127.0.0.1", port: 5280, path: "/ws", tls: false });
  });

  it("takes a whole URL, whose host, port and scheme win over the fields", () => {
    expect(parseWebSocketField("wss://xmpp.example.org/xmpp-websocket", fields)).toEqual({ host: "xmpp.example.org", port: 443, path: "/xmpp-websocket", tls: true });
    expect(parseWebSocketField("ws://[::1]:5443/ws?v=1", fields)).toEqual({ host: "::1", port: 5443, path: "/ws?v=1", tls: false });
    expect(parseWebSocketField("WS://Example.org/", fields)).toEqual({ host: "example.org", port: 80, path: "/", tls: false });
  });

  it.each([
    ["https://xmpp.example.org/ws", /starts with ws:\/\/ or wss:\/\//],
    ["wss://user:secret@xmpp.example.org/ws", /credentials/],
    ["ws://xmpp.example.org/ws#top", /fragment/],
    ["xmpp-websocket", /must start with "\/"/],
    ["/a path", /percent-encode/],
    ["ws://", /not a URL/],
  ])("refuses %s with a message that says what to write", (typed, message) => {
    const parsed = parseWebSocketField(typed, fields);
    expect(parsed).toHaveProperty("error");
    expect((parsed as { error: string }).error).toMatch(message);
  });
});

describe("websocketPathProblem and websocketUrl", () => {
  it("accepts URL path characters only, within a bound", () => {
    expect(websocketPathProblem("/xmpp-websocket")).toBeNull();
    expect(websocketPathProblem("/a\"b")).toMatch(/characters/);
    expect(websocketPathProblem(`/${"a".repeat(2000)}`)).toMatch(/longer than/);
  });

  it("writes the name into the URL, bracketing IPv6", () => {
    expect(websocketUrl({ host: "xmpp.example.org", port: 443, path: "/xmpp-websocket", tls: true })).toBe("wss://xmpp.example.org:443/xmpp-websocket");
    expect(websocketUrl({ host: "::1", port: 5280, path: "/ws", tls: false })).toBe("ws://[::1]:5280/ws");
  });
});
