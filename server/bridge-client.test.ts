import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BridgeClient } from "../lib/bridge/client";
import type { SessionState } from "../lib/bridge/protocol";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { TEST_SERVER } from "../scripts/lib/instances";
import { allowlistFrom } from "./allowlist";
import { createBridge } from "./bridge";
import { bundledServerFromEnv, defaultAllowlist } from "./config";
import { waitFor } from "../test/helpers";
import { serveBridge, PageWebSocket } from "../test/bridge-server";

// The page's BridgeClient, run in Node against the real bridge and the test ejabberd. A
// browser would send its page's origin; this WebSocket does the same.
globalThis.WebSocket = PageWebSocket as unknown as typeof WebSocket;

const bundled = bundledServerFromEnv({ XMPP_PORT_PLAIN: String(TEST_SERVER.ports.plain) });
const bridge = createBridge({ server: bundled, allowlist: allowlistFrom(`127.0.0.1:${TEST_SERVER.ports.plain}`, defaultAllowlist(bundled)) });
let http: Server;
let url: string;

beforeAll(async () => {
  ({ http, url } = await serveBridge(bridge));
});

afterAll(async () => {
  await bridge.close();
  http.close();
});

describe("BridgeClient", () => {
  it("survives a dropped bridge connection: it reattaches and the seqs have no gap", async () => {
    const client = new BridgeClient(url);
    const entries: TranscriptEntry[] = [];
    const states: SessionState[] = [];
    const links: string[] = [];
    const summary = await client.open(
      { mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: true, account: { kind: "existing", jid: "alice@localhost", password: "alice" } },
      { onEntries: (batch) => entries.push(...batch), onState: (state) => states.push(state), onLink: (link) => links.push(link) },
    );
    await waitFor(() => states.includes("online"), "online");

    // Drop every bridge socket, as a flaky network would, then keep using the session.
    for (const socket of bridgeSockets()) socket.terminate();
    await waitFor(() => links.includes("down") && links.at(-1) === "up", "the link to come back");
    await client.send(summary.sessionId, "<iq type='get' id='after-drop' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    await waitFor(() => entries.some((entry) => entry.attrs?.id === "after-drop" && entry.dir === "in"), "the ping result");

    expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, index) => index + 1));
    await client.close(summary.sessionId);
    client.dispose();
  });
});

/** The server side of every open bridge socket. */
function bridgeSockets(): { terminate(): void }[] {
  return [...bridge.sockets()];
}
