/**
 * Bad input as the page hears it (issue 15, "Bad input"): the real bridge and the page's
 * BridgeClient in Node, real sockets, the test ejabberd. What the page shows is what arrives
 * here: a start's refusal (the panel's alert) and each connection's closing message and entries
 * (its status line and lanes). e2e/proxy.spec.ts shows one of them in Chromium.
 */
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BridgeClient, type ProxyEvents } from "../lib/bridge/client";
import type { SessionState } from "../lib/bridge/protocol";
import type { ProxyStartRequest } from "../lib/bridge/protocol-proxy";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { CERTS, TEST_SERVER, fromRepoRoot } from "../scripts/lib/instances";
import { ensureProxyCertificate } from "../scripts/lib/certificates";
import { allowlistFrom } from "../server/allowlist";
import { createBridge } from "../server/bridge";
import { bundledServerFromEnv } from "../server/config";
import { ProxyHub } from "../server/proxy/proxy-hub";
import type { ManagedSession } from "../server/session-registry";
import { serveBridge, PageWebSocket } from "./bridge-server";
import { TEST_PROXY_SETTINGS, refusedPort } from "./proxy-helpers";
import { waitFor } from "./helpers";

globalThis.WebSocket = PageWebSocket as unknown as typeof WebSocket;

const HEADER = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
const running: { close(): Promise<void> }[] = [];
const pages: BridgeClient[] = [];

afterEach(() => {
  for (const page of pages.splice(0)) page.dispose();
});

afterAll(async () => {
  for (const item of running.splice(0)) await item.close();
});

/** A bridge with proxies, allowing the given upstream ports, its proxies listening on `ports`. */
async function bridgeWith(upstreamPorts: number[], ports = TEST_PROXY_SETTINGS.ports): Promise<BridgeClient> {
  const bridge = createBridge({
    server: bundledServerFromEnv({ XMPP_PORT_STARTTLS: String(TEST_SERVER.ports.starttls) }),
    allowlist: allowlistFrom(undefined, upstreamPorts.map((port) => `127.0.0.1:${port}`)),
    proxies: new ProxyHub<ManagedSession>({ settings: { ...TEST_PROXY_SETTINGS, ports }, maxProxies: 2, certificate: ensureProxyCertificate }),
  });
  const { http, url } = await serveBridge(bridge);
  running.push({
    close: async () => {
      await bridge.close();
      http.close();
    },
  });
  const page = new BridgeClient(url);
  pages.push(page);
  return page;
}

/** One client connection as the page holds it: its lanes and its status line. */
function watched() {
  const connection = { entries: [] as TranscriptEntry[], states: [] as [SessionState, string | undefined][] };
  const events: ProxyEvents = {
    onConnection: () => ({ onEntries: (batch) => connection.entries.push(...batch), onState: (state, detail) => connection.states.push([state, detail.message]) }),
    onClosed: () => undefined,
  };
  const closedWith = () => connection.states.find(([state]) => state === "closed")?.[1];
  return { connection, events, closedWith };
}

const start = (port: number, transport: ProxyStartRequest["transport"], clientSide: ProxyStartRequest["clientSide"]) => ({ upstream: { host: "127.0.0.1", port }, transport, clientSide });

function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

describe("bad input, as the page is told it", () => {
  it("a server that is down: the client gets <remote-connection-failed/>, the page the reason", async () => {
    const dead = await refusedPort();
    const page = await bridgeWith([dead]);
    const view = watched();
    const proxy = await page.startProxy(start(dead, "starttls", "starttls"), view.events);
    const answer = await rawExchange(proxy.port, HEADER);
    expect(answer).toContain("<remote-connection-failed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    await waitFor(() => view.closedWith() !== undefined, "the connection's closing message");
    expect(view.closedWith()).toMatch(/^the proxy could not reach the server: connection refused .*nothing is listening on 127\.0\.0\.1:\d+/);
    expect(view.connection.entries.some((entry) => entry.code === "closing" && entry.raw.includes("<remote-connection-failed/>"))).toBe(true);
  });

  it("a client that does not trust the proxy's certificate: the page says it closed during TLS, with the fingerprint to trust", async () => {
    const page = await bridgeWith([TEST_SERVER.ports.directTls]);
    const view = watched();
    const proxy = await page.startProxy(start(TEST_SERVER.ports.directTls, "tls", "tls"), view.events);
    // A client that trusts the servers' certificate only, not the proxy's.
    const client = tls.connect({ host: "127.0.0.1", port: proxy.port, servername: "localhost", ca: readFileSync(fromRepoRoot(CERTS.cert)) });
    await new Promise<Error>((resolve) => client.once("error", resolve));
    await waitFor(() => view.closedWith() !== undefined, "the connection's closing message");
    expect(view.closedWith()).toBe(`the client closed during TLS: it may not trust the proxy's certificate (SHA-256 fingerprint ${proxy.fingerprint}); trust that certificate in the client`);
  });

  it("a client set for direct TLS at a STARTTLS proxy: the page says so and which setting to change", async () => {
    const page = await bridgeWith([TEST_SERVER.ports.starttls]);
    const view = watched();
    const proxy = await page.startProxy(start(TEST_SERVER.ports.starttls, "starttls", "starttls"), view.events);
    const client = tls.connect({ host: "127.0.0.1", port: proxy.port, servername: "localhost" });
    await new Promise<Error>((resolve) => client.once("error", resolve));
    await waitFor(() => view.closedWith() !== undefined, "the connection's closing message");
    expect(view.closedWith()).toMatch(/^the client began a TLS handshake at once \(direct TLS, XEP-0368\).*set the client to STARTTLS, or start a proxy whose client side is direct TLS$/);
  });

  it("garbage from the client: a malformed entry in its lane and the stream error a server sends", async () => {
    const page = await bridgeWith([TEST_SERVER.ports.plain]);
    const view = watched();
    const proxy = await page.startProxy(start(TEST_SERVER.ports.plain, "plain", "plain"), view.events);
    const answer = await rawExchange(proxy.port, `${HEADER}<message><body>a</wrong></message>`);
    expect(answer).toContain("<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    await waitFor(() => view.closedWith() !== undefined, "the connection's closing message");
    expect(view.connection.entries.filter((entry) => entry.kind === "malformed").map((entry) => [entry.dir, entry.violation])).toEqual([["out", "not-well-formed"]]);
    expect(view.connection.entries.some((entry) => entry.dir === "in" && entry.raw.includes("<not-well-formed"))).toBe(true);
    expect(view.closedWith()).toMatch(/^the client sent /);
  });

  it("a port in use: the start is refused naming the port and the command that shows who holds it", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const page = await bridgeWith([TEST_SERVER.ports.starttls], { first: port, last: port });
      await expect(page.startProxy(start(TEST_SERVER.ports.starttls, "starttls", "starttls"), watched().events)).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is already in use, so the proxy cannot listen there. See who holds it: ss -ltnp 'sport = :${port}'`,
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
