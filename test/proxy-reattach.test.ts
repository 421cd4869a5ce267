/**
 * A page that reloads keeps its proxy: the real bridge (with its ProxyHub) and the page's own
 * BridgeClient, run in Node, against the test ejabberd. A client logged in through the proxy
 * goes on while no page is attached; the reloaded page takes the proxy back with its token and
 * gets every connection whole, including one made while it was away.
 */
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { xml } from "@xmpp/client";
import { BridgeClient, type ProxyEvents } from "../lib/bridge/client";
import type { SessionSummary } from "../lib/bridge/protocol";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { streamFileChunks } from "../lib/transcript-files/export";
import { TEST_SERVER } from "../scripts/lib/instances";
import { ensureProxyCertificate } from "../scripts/lib/certificates";
import { createBridge } from "../server/bridge";
import { bundledServerFromEnv } from "../server/config";
import { ProxyHub } from "../server/proxy/proxy-hub";
import type { ManagedSession } from "../server/session-registry";
import { serveBridge, PageWebSocket } from "./bridge-server";
import { TEST_PROXY_SETTINGS, loggedInClient, ping, testAllowlist, type LoggedClient } from "./proxy-helpers";
import { waitFor, wireInStreamFile } from "./helpers";

globalThis.WebSocket = PageWebSocket as unknown as typeof WebSocket;

const bundled = bundledServerFromEnv({ XMPP_PORT_STARTTLS: String(TEST_SERVER.ports.starttls) });
const bridge = createBridge({
  server: bundled,
  allowlist: testAllowlist([TEST_SERVER]),
  proxies: new ProxyHub<ManagedSession>({ settings: TEST_PROXY_SETTINGS, maxProxies: 2, certificate: ensureProxyCertificate }),
});
let http: Server;
let url: string;
const pages: BridgeClient[] = [];
const clients: LoggedClient[] = [];

beforeAll(async () => {
  ({ http, url } = await serveBridge(bridge));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((logged) => logged.entity.stop().catch(() => undefined)));
  for (const page of pages.splice(0)) page.dispose();
});

afterAll(async () => {
  await bridge.close();
  http.close();
});

/** A page's view of a proxy: each connection's entries by session, and why it stopped. */
function pageView() {
  const connections = new Map<string, TranscriptEntry[]>();
  const closed: string[] = [];
  const events: ProxyEvents = {
    onConnection: (session: SessionSummary) => {
      const entries: TranscriptEntry[] = [];
      connections.set(session.sessionId, entries);
      return { onEntries: (batch) => entries.push(...batch), onState: () => undefined };
    },
    onClosed: (message) => closed.push(message),
  };
  return { connections, closed, events };
}

function newPage(): BridgeClient {
  const page = new BridgeClient(url);
  pages.push(page);
  return page;
}

const START = { upstream: { host: "127.0.0.1", port: TEST_SERVER.ports.starttls }, transport: "starttls", clientSide: "starttls" } as const;
const textOf = (entries: readonly TranscriptEntry[]) => entries.map((entry) => entry.raw).join("");

describe("a proxy across a reload of its page", () => {
  it("runs on while no page is attached; the reloaded page gets every connection whole, one made meanwhile too", async () => {
    const first = pageView();
    const before = newPage();
    const info = await before.startProxy(START, first.events);
    await before.setIntercept(info.proxyId, { toServer: true, toClient: false, kind: "message", jid: "", namespace: "", text: "hold-after-reload" });
    const alice = await loggedInClient(info.port, "alice", "alice");
    clients.push(alice);
    await waitFor(() => first.connections.size === 1, "the page hearing of alice's connection");

    // The reload: the page's socket goes; the proxy and alice's connection do not.
    before.dispose();
    const meanwhile = `sent while no page watched ${Date.now()}`;
    const me = (alice.entity.jid?.toString() ?? "").split("/")[0]!;
    // Available (RFC 6121 section 4.2): a message to her bare JID then reaches this resource.
    await alice.entity.send(xml("presence"));
    await alice.entity.send(xml("message", { to: me, type: "chat" }, xml("body", {}, meanwhile)));
    await waitFor(() => alice.stanzas.some((stanza) => stanza.getChildText("body") === meanwhile), "alice's message coming back");
    const bob = await loggedInClient(info.port, "bob", "bob");
    clients.push(bob);
    await ping(bob, "bob-while-away");

    // Another page (or a stranger) without the token gets nothing.
    await expect(newPage().attachProxy(info.proxyId, "not-the-token", pageView().events)).rejects.toThrow(/not yours/);

    const second = pageView();
    const after = newPage();
    const attached = await after.attachProxy(info.proxyId, info.token, second.events);
    expect(attached.stopped).toBeNull();
    expect(attached.proxy.address).toBe(info.address);
    expect(attached.intercept?.text).toBe("hold-after-reload");
    expect(second.connections.size).toBe(2);
    const [aliceId, bobId] = [...second.connections.keys()];
    await waitFor(() => textOf(second.connections.get(aliceId!)!).includes(meanwhile), "alice's lanes with the message sent meanwhile");
    await waitFor(() => textOf(second.connections.get(bobId!)!).includes("bob-while-away"), "bob's lanes");

    // Whole: the seqs run from 1 with no gap, and the streams are what alice wrote and read.
    const aliceEntries = second.connections.get(aliceId!)!;
    expect(aliceEntries.map((entry) => entry.seq)).toEqual(aliceEntries.map((_, index) => index + 1));
    // Credentials are masked in what the page gets (and so in its lanes and exports) until revealed.
    const plainAuth = Buffer.from("\0alice\0alice").toString("base64");
    const auth = aliceEntries.filter((entry) => entry.dir === "out" && entry.raw.startsWith("<auth"));
    expect(auth.map((entry) => entry.redacted)).toEqual([true]);
    expect(textOf(aliceEntries)).not.toContain(plainAuth);
    expect([...streamFileChunks(aliceEntries, "out")].join("")).not.toContain(plainAuth);
    const secrets = await after.reveal(aliceId!);
    expect([...secrets.values()].join("")).toContain(plainAuth);
    expect(wireInStreamFile([...streamFileChunks(aliceEntries, "out", secrets)].join(""))).toBe(alice.sent.join(""));
    expect(Buffer.from(wireInStreamFile([...streamFileChunks(aliceEntries, "in", secrets)].join("")), "utf8").equals(Buffer.concat(alice.received))).toBe(true);

    // And the page drives it again: a later client is told to it live, inject works, the stop is heard.
    await after.inject(aliceId!, "to-client", "<message from='localhost' type='headline'><body>after the reload</body></message>");
    await waitFor(() => alice.stanzas.some((stanza) => stanza.getChildText("body") === "after the reload"), "the injected message");
    await after.stopProxy(info.proxyId);
    await waitFor(() => second.closed.length === 1, "the proxy's stop");
    expect(second.closed).toEqual(["stopped by you"]);
    expect(first.closed).toEqual([]);
  });

  it("survives a dropped link too: the page takes its proxy back by itself and hears of clients after it", async () => {
    const view = pageView();
    const page = newPage();
    const info = await page.startProxy(START, view.events);
    for (const socket of bridge.sockets()) socket.terminate();
    // The page reconnects by itself (BridgeClient's reattach); the proxy is still its own.
    const alice = await loggedInClient(info.port, "alice", "alice");
    clients.push(alice);
    await waitFor(() => view.connections.size === 1, "the page hearing of a client that came after the drop", 10_000);
    await page.setIntercept(info.proxyId, null);
    expect(view.closed).toEqual([]);
    await page.stopProxy(info.proxyId);
  });
});
