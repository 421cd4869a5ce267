import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { ServerMessage } from "../lib/bridge/protocol";
import { allowlistFrom } from "./allowlist";
import { createBridge } from "./bridge";
import { bundledServerFromEnv } from "./config";
import { pageOriginOf, serveBridge } from "../test/bridge-server";

// The refusal comes before any dial, so no XMPP server is needed.
const bridge = createBridge({ server: bundledServerFromEnv({}), allowlist: allowlistFrom("internal-xmpp.corp.example:5222", []) });
let http: Server;
let url: string;

beforeAll(async () => {
  ({ http, url } = await serveBridge(bridge));
});

afterAll(async () => {
  await bridge.close();
  await new Promise((resolve) => http.close(resolve));
});

/** Opens a session to a host off the allowlist and returns the bridge's refusal. */
async function refusalFor(headers: Record<string, string>): Promise<string> {
  const socket = new WebSocket(url, { headers: { origin: pageOriginOf(url), ...headers } });
  try {
    const reply = await new Promise<ServerMessage>((resolve, reject) => {
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as ServerMessage;
        if (message.op === "failed") resolve(message);
      });
      socket.once("error", reject);
      socket.once("open", () =>
        socket.send(
          JSON.stringify({
            op: "open",
            ref: "1",
            mode: "guided",
            transport: "plain",
            mechanism: "PLAIN",
            initialPresence: true,
            account: { kind: "existing", jid: "alice@example.org", password: "x" },
            server: { host: "example.org", port: 5222 },
          }),
        ),
      );
    });
    return reply.op === "failed" ? reply.message : "";
  } finally {
    socket.close();
  }
}

describe("the bridge's allowlist refusal", () => {
  it("lists the allowed hosts to a visitor on this machine", async () => {
    const message = await refusalFor({});
    expect(message).toContain("internal-xmpp.corp.example:5222");
    expect(message).toContain("XMPP_ALLOWED_HOSTS=example.org:5222");
  });

  it("hides them from a visitor a proxy forwarded, and names the variable", async () => {
    const message = await refusalFor({ "x-forwarded-for": "203.0.113.9" });
    expect(message).not.toContain("internal-xmpp");
    expect(message).toContain("XMPP_ALLOWED_HOSTS=example.org:5222");
  });
});
