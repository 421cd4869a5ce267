/**
 * Proxy mode against the real test servers (test/vitest-global-setup.ts starts them): a client
 * of the test's own logs in through the proxy with STARTTLS, pings and sends a message; the
 * proxy's transcript equals what the client itself wrote and read on its socket, byte for byte.
 */
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { xml } from "@xmpp/client";
import type { ProxyServer } from "../lib/proxy/proxy-server";
import type { ProxyConnection } from "../lib/proxy/proxy-connection";
import { UpstreamLink } from "../lib/proxy/upstream-link";
import { Transcript } from "../lib/xmpp/transcript";
import { streamFileChunks } from "../lib/transcript-files/export";
import { wireInStreamFile } from "./helpers";
import { CERTS, TEST_PROSODY, TEST_SERVER, fromRepoRoot } from "../scripts/lib/instances";
import { TEST_PROXY_SETTINGS, refusedPort, loggedInClient, median, ping, startTestProxy, type LoggedClient } from "./proxy-helpers";
import { waitFor } from "./helpers";

const SERVERS = [TEST_SERVER, TEST_PROSODY];
const HEADER = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
const proxies: ProxyServer[] = [];
const clients: LoggedClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((logged) => logged.entity.stop().catch(() => undefined)));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

/** What the transcript says each side wrote, credentials revealed: the wire text of the exported stream files. */
function streams(connection: ProxyConnection): { out: string; in: string } {
  const entries = connection.transcript.since(0);
  const secrets = connection.transcript.revealSecrets();
  return { out: wireInStreamFile([...streamFileChunks(entries, "out", secrets)].join("")), in: wireInStreamFile([...streamFileChunks(entries, "in", secrets)].join("")) };
}

function events(connection: ProxyConnection): string[] {
  return connection.transcript.since(0).filter((entry) => entry.dir === "event").map((entry) => `${entry.code}: ${entry.raw}`);
}

// What each test server offers over TLS (ejabberd.yml and prosody.cfg.lua of the test bed): ejabberd offers channel binding.
const OFFERS = {
  ejabberd: { removed: ["SCRAM-SHA-512-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS"] },
  prosody: { removed: [] },
};

describe.each([
  ["ejabberd", TEST_SERVER],
  ["prosody", TEST_PROSODY],
] as const)("the proxy in front of %s (STARTTLS both ways)", (name, server) => {
  it("lets @xmpp/client log in, ping and send a message; the transcript is what the client wrote and read", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${server.ports.starttls}`, transport: "starttls" }, SERVERS);
    proxies.push(proxy);
    const alice = await loggedInClient(proxy.port, "alice", "alice");
    clients.push(alice);
    const jid = alice.entity.jid?.toString() ?? "";
    expect(jid).toMatch(/^alice@localhost\//);
    expect(alice.offered.filter((mechanism) => mechanism.endsWith("-PLUS"))).toEqual([]);

    await ping(alice, "proxy-ping-1");
    const body = `through the proxy to ${name} ${Date.now()}`;
    await alice.entity.send(xml("message", { to: jid, type: "chat", id: "proxy-m1" }, xml("body", {}, body)));
    await waitFor(() => alice.stanzas.some((stanza) => stanza.name === "message" && stanza.getChildText("body") === body), "alice's message coming back to her");

    const [connection] = proxy.history;
    expect(connection).toBeDefined();
    const recorded = streams(connection!);
    expect(recorded.out).toBe(alice.sent.join(""));
    expect(Buffer.from(recorded.in, "utf8").equals(Buffer.concat(alice.received))).toBe(true);
    const log = events(connection!);
    // Every -PLUS the server offered is gone from what the client saw, and the event says which and why.
    const rewrites = log.filter((line) => line.startsWith("rewritten: the proxy changed the server's features"));
    const removed = rewrites.flatMap((line) => /removed ([^:]+): channel binding/.exec(line)?.[1]?.split(", ") ?? []);
    expect(removed).toEqual(OFFERS[name].removed);
    for (const line of rewrites) expect(line).toContain("RFC 9266");
    expect(log.filter((line) => line.startsWith("tls-established")).map((line) => line.split(" (")[0])).toEqual([
      "tls-established: TLS established with the server",
      "tls-established: TLS established with the client",
    ]);
  });
});

describe("the proxy's cost, as information", () => {
  it("answers 50 pings through the proxy and 50 direct (TLS both ways in both); logs the medians", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.starttls}`, transport: "starttls" }, SERVERS);
    proxies.push(proxy);
    const proxied = await loggedInClient(proxy.port, "alice", "alice");
    const direct = await loggedInClient(TEST_SERVER.ports.starttls, "bob", "bob");
    clients.push(proxied, direct);
    const through: number[] = [];
    const straight: number[] = [];
    for (let round = 0; round < 50; round++) {
      through.push(await ping(proxied, `rtt-proxy-${round}`));
      straight.push(await ping(direct, `rtt-direct-${round}`));
    }
    expect(through.filter(Number.isFinite)).toHaveLength(50);
    expect(straight.filter(Number.isFinite)).toHaveLength(50);
    console.log(`ping round trip, median of 50: through the proxy ${median(through).toFixed(3)} ms, direct ${median(straight).toFixed(3)} ms`);
  });
});

describe("the proxy's other client and server sides", () => {
  it("gives each client through one proxy its own session and transcript", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.starttls}`, transport: "starttls" }, SERVERS);
    proxies.push(proxy);
    const alice = await loggedInClient(proxy.port, "alice", "alice");
    const bob = await loggedInClient(proxy.port, "bob", "bob");
    clients.push(alice, bob);
    await Promise.all([ping(alice, "two-alice"), ping(bob, "two-bob")]);
    expect(proxy.history).toHaveLength(2);
    const [first, second] = proxy.history;
    expect(first!.id).not.toBe(second!.id);
    expect(streams(first!).out).toBe(alice.sent.join(""));
    expect(streams(second!).out).toBe(bob.sent.join(""));
    expect(streams(first!).in).toContain("alice@localhost/");
    expect(streams(second!).in).not.toContain("alice@localhost/");
  });

  it("offers STARTTLS to the client of a plain server and answers <proceed/> itself, saying so", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.plain}`, transport: "plain" }, SERVERS);
    proxies.push(proxy);
    const alice = await loggedInClient(proxy.port, "alice", "alice");
    clients.push(alice);
    await ping(alice, "plain-upstream-ping");
    const connection = proxy.history[0]!;
    const log = events(connection);
    expect(log).toContain("rewritten: the proxy answered <starttls/> itself: the connection to the server is plain TCP by the operator's choice");
    expect(log.some((line) => line.startsWith("rewritten: the proxy changed the server's features: added <starttls/>"))).toBe(true);
    expect(log.filter((line) => line.startsWith("tls-established")).map((line) => line.split(" (")[0])).toEqual(["tls-established: TLS established with the client"]);
    expect(streams(connection).out).toBe(alice.sent.join(""));
  });

  it("takes direct TLS from the client (XEP-0368) to a direct TLS server, with no <starttls/> offered", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.directTls}`, transport: "tls", clientSide: "tls" }, SERVERS);
    proxies.push(proxy);
    const alice = await loggedInClient(proxy.port, "alice", "alice", true);
    clients.push(alice);
    await ping(alice, "direct-tls-ping");
    const connection = proxy.history[0]!;
    const recorded = streams(connection);
    expect(recorded.out).toBe(alice.sent.join(""));
    expect(Buffer.from(recorded.in, "utf8").equals(Buffer.concat(alice.received))).toBe(true);
    expect(recorded.in).not.toContain("<starttls");
    expect(recorded.in).not.toContain("-PLUS<");
  });
});

describe("the proxy's refusals", () => {
  it("answers <remote-connection-failed/> when the server is down", async () => {
    // A port of the allowlist that nothing listens on.
    const dead = await refusedPort();
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${dead}`, transport: "plain" }, [{ host: "127.0.0.1", ports: { starttls: dead, directTls: dead, plain: dead, http: dead } }]);
    proxies.push(proxy);
    const answer = await rawExchange(proxy.port, "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
    expect(answer).toMatch(/^<\?xml version='1.0'\?><stream:stream [^>]*>/);
    expect(answer).toContain("<remote-connection-failed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    expect(answer).toContain(`the proxy could not reach the server`);
    expect(answer.endsWith("</stream:stream>")).toBe(true);
  });
});

describe("the proxy's order of work", () => {
  it("hands a stanza to the other peer before the transcript's listeners (a watching tab) hear of it, both ways", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.plain}`, transport: "plain", clientSide: "plain" }, SERVERS);
    proxies.push(proxy);
    const client = net.connect({ host: "127.0.0.1", port: proxy.port });
    let read = "";
    client.setEncoding("utf8").on("data", (chunk: string) => (read += chunk));
    await new Promise((resolve) => client.once("connect", resolve));
    await waitFor(() => proxy.history.length === 1, "the proxied connection");
    const connection = proxy.history[0]!;
    // The proxy's own sockets: what each had been handed when the listeners were told.
    const sockets = connection as unknown as { client: { socket: net.Socket }; server: { socket?: net.Socket } };
    const told: { dir: "in" | "out"; handed: number; before: number }[] = [];
    let handed = { in: 0, out: 0 };
    const peerBytes = () => ({ in: sockets.client.socket.bytesWritten, out: sockets.server.socket?.bytesWritten ?? 0 });
    client.write(HEADER);
    await waitFor(() => read.includes("</stream:features>"), "the server's features through the proxy");
    handed = peerBytes();
    connection.transcript.onRecorded((dir) => {
      const now = peerBytes();
      told.push({ dir, handed: now[dir], before: handed[dir] });
      handed = now;
    });
    // What a server answers before authentication (RFC 6120 section 6.4): SASL.
    client.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from("\0alice\0alice").toString("base64")}</auth>`);
    await waitFor(() => read.includes("<success"), "the server's <success/> through the proxy");
    client.destroy();
    expect(told.map((event) => event.dir)).toEqual(["out", "in"]);
    for (const event of told) expect(event.handed).toBeGreaterThan(event.before);
  });
});

describe("the proxy's guards", () => {
  it("answers garbage from the client with the stream error a server sends, and records it as malformed", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.plain}`, transport: "plain", clientSide: "plain" }, SERVERS);
    proxies.push(proxy);
    const answer = await rawExchange(proxy.port, `${HEADER}<message><body>a</wrong></message>`);
    expect(answer).toContain("<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
    const entries = proxy.history[0]!.transcript.since(0);
    const malformed = entries.filter((entry) => entry.dir === "out" && entry.kind === "malformed");
    expect(malformed.map((entry) => [entry.raw, entry.violation])).toEqual([["<message><body>a</wrong></message>", "not-well-formed"]]);
    expect(streams(proxy.history[0]!).in).toBe(answer);
  });

  it("closes a client that stays silent past the idle limit with <connection-timeout/>, naming the variable", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.plain}`, transport: "plain", clientSide: "plain" }, SERVERS, { ...TEST_PROXY_SETTINGS, idleMs: 300 });
    proxies.push(proxy);
    const answer = await rawExchange(proxy.port, HEADER);
    expect(answer).toContain("<connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    expect(answer).toContain("PROXY_IDLE_SECONDS");
    expect(answer.endsWith("</stream:stream>")).toBe(true);
  });

  // The shared framer's limit bounds what it must hold unfinished (lib/xmpp/framing.ts): an element still open past it.
  it("cuts an element growing over the size limit with <policy-violation/>, as for every session", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.plain}`, transport: "plain", clientSide: "plain" }, SERVERS, { ...TEST_PROXY_SETTINGS, maxStanzaChars: 4096 });
    proxies.push(proxy);
    const answer = await rawExchange(proxy.port, `${HEADER}<message><body>${"x".repeat(8192)}`);
    expect(answer).toContain("<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
    const malformed = proxy.history[0]!.transcript.since(0).find((entry) => entry.dir === "out" && entry.kind === "malformed");
    expect(malformed?.error).toContain("PROXY_MAX_STANZA_CHARS");
  });

  it("says when a client closed during TLS, with the fingerprint to trust", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.directTls}`, transport: "tls", clientSide: "tls" }, SERVERS);
    proxies.push(proxy);
    // A client that trusts the servers' certificate only, not the proxy's.
    const client = tls.connect({ host: "127.0.0.1", port: proxy.port, servername: "localhost", ca: readFileSync(fromRepoRoot(CERTS.cert)) });
    const refused = await new Promise<Error>((resolve) => client.once("error", resolve));
    expect(refused.message).toMatch(/self[- ]signed certificate/);
    await waitFor(() => proxy.history[0]?.currentState === "closed", "the proxy to close the connection");
    const closed = events(proxy.history[0]!).find((line) => line.startsWith("closed:"));
    expect(closed).toBe(`closed: closed: the client closed during TLS: it may not trust the proxy's certificate (SHA-256 fingerprint ${proxy.fingerprint}); trust that certificate in the client`);
  });

  it("drops a dial still under way when its connection ends: it settles at once and records nothing more", async () => {
    const transcript = new Transcript({});
    const opened: string[] = [];
    const link = new UpstreamLink({
      upstream: { host: "127.0.0.1", port: TEST_SERVER.ports.directTls, addresses: ["127.0.0.1"], transport: "tls", domain: "localhost" },
      transcript,
      events: { onOpen: () => opened.push("open"), onData: () => undefined, onClose: () => undefined, onFailed: () => undefined },
      client: () => undefined,
      mayResume: () => false,
    });
    const dialled = link.dial();
    // The proxied connection ends while the server's TLS handshake is still under way.
    link.abandon();
    await expect(dialled).rejects.toThrow("the client left before the server answered");
    // Until its socket is gone (ended, then destroyed after the grace time), the handshake may finish: it must change nothing.
    const socket = link.socket!;
    if (!socket.destroyed) await new Promise((resolve) => socket.once("close", resolve));
    expect(opened).toEqual([]);
    expect(transcript.since(0).map((entry) => entry.code)).toEqual(["connecting"]);
  });

  it("refuses a server off the allowlist before it listens: it is not an open relay", async () => {
    await expect(startTestProxy({ upstream: "127.0.0.1:1", transport: "plain" }, SERVERS)).rejects.toThrow(/XMPP_ALLOWED_HOSTS/);
  });

  it("names a port in use and the command that shows who holds it", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      await expect(startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.starttls}`, transport: "starttls", listenPort: port }, SERVERS)).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is already in use, so the proxy cannot listen there. See who holds it: ss -ltnp 'sport = :${port}'`,
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it("tells a client over the connection limit why, naming the variable", async () => {
    const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.plain}`, transport: "plain", clientSide: "plain" }, SERVERS, { ...TEST_PROXY_SETTINGS, maxConnections: 1 });
    proxies.push(proxy);
    const first = net.connect({ host: "127.0.0.1", port: proxy.port });
    await waitFor(() => proxy.connections.size === 1, "the first client");
    const answer = await rawExchange(proxy.port, "");
    first.destroy();
    expect(answer).toContain("<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    expect(answer).toContain("PROXY_MAX_CONNECTIONS");
  });
});


/** Writes `text`, reads until the proxy ends the connection. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => text !== "" && socket.write(text));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
