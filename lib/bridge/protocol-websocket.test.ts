import { describe, expect, it } from "vitest";
import { parseClientMessage } from "./protocol";

const open = { op: "open", ref: "1", mode: "guided", transport: "websocket", mechanism: "PLAIN", initialPresence: true, account: { kind: "existing", jid: "alice@localhost", password: "alice" } };

describe("an open request's WebSocket endpoint", () => {
  it("carries the path and the wss:// choice, and nothing else the tab put in server", () => {
    const parsed = parseClientMessage(JSON.stringify({ ...open, server: { host: "127.0.0.1", port: 5290, path: "/xmpp-websocket", tls: true, addresses: ["10.0.0.1"] } }));
    expect(parsed).toMatchObject({ op: "open", server: { host: "127.0.0.1", port: 5290, path: "/xmpp-websocket", tls: true } });
    expect((parsed as { server: object }).server).not.toHaveProperty("addresses");
  });

  it.each([
    ["a path on a TCP transport", { transport: "plain", server: { host: "h", port: 1, path: "/ws" } }, /websocket transport only/],
    ["a path without its slash", { server: { host: "h", port: 1, path: "ws" } }, /must start with "\/"/],
    ["a path with a space", { server: { host: "h", port: 1, path: "/x y" } }, /percent-encode/],
    ["tls that is not a boolean", { server: { host: "h", port: 1, tls: "yes" } }, /true \(wss:\/\/\) or false/],
  ])("refuses %s with a reason", (_name, change, reason) => {
    const parsed = parseClientMessage(JSON.stringify({ ...open, ...change }));
    expect((parsed as { invalid?: string }).invalid).toMatch(reason);
  });
});
