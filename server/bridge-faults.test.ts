import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { BRIDGE_RESTARTED_MESSAGE, BridgeClient } from "../lib/bridge/client";
import { unfoldDone, type OpenRequest, type ServerMessage, type SessionState } from "../lib/bridge/protocol";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { TEST_SERVER } from "../scripts/lib/instances";
import { certificateFor, tlsListener, type OtherNameCertificate } from "../test/tls-targets";
import { waitFor } from "../test/helpers";
import { allowlistFrom } from "./allowlist";
import { createBridge } from "./bridge";
import { bundledServerFromEnv, defaultAllowlist } from "./config";
import { serveBridge, pageOriginOf, PageWebSocket } from "../test/bridge-server";

// Integration: the real bridge, dialling real targets that fail: the test ejabberd with a wrong
// password or a wrong name, a refused loopback port, a name that cannot resolve, a TLS listener
// with an untrusted certificate.
globalThis.WebSocket = PageWebSocket as unknown as typeof globalThis.WebSocket;

const UNKNOWN_HOST = "nowhere.invalid";
const bundled = bundledServerFromEnv({
  XMPP_PORT_STARTTLS: String(TEST_SERVER.ports.starttls),
  XMPP_PORT_TLS: String(TEST_SERVER.ports.directTls),
  XMPP_PORT_PLAIN: String(TEST_SERVER.ports.plain),
  XMPP_PORT_HTTP: String(TEST_SERVER.ports.http),
});
let certificate: OtherNameCertificate;
let listener: { port: number; close(): Promise<void> };
let bridge: ReturnType<typeof createBridge>;
let http: Server;
let url: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  certificate = await certificateFor("other-name.test");
  listener = await tlsListener(certificate);
  const extra = ["127.0.0.1:1", `${UNKNOWN_HOST}:5222`, `127.0.0.1:${listener.port}`];
  bridge = createBridge({ server: bundled, allowlist: allowlistFrom([...defaultAllowlist(bundled), ...extra].join(","), []) });
  ({ http, url } = await serveBridge(bridge));
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

afterAll(async () => {
  await bridge.close();
  http.close();
  await listener.close();
  certificate.remove();
});

/** Opens a session through the bridge and returns the message it closed or failed with. */
async function failureOf(request: Partial<Omit<OpenRequest, "op" | "ref">>): Promise<string> {
  const socket = new WebSocket(url, { origin: pageOriginOf(url) });
  sockets.push(socket);
  const messages: ServerMessage[] = [];
  socket.on("message", (data) => messages.push(...unfoldDone(JSON.parse(String(data)) as ServerMessage)));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ op: "open", ref: "1", mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "alice@localhost", password: "alice" }, ...request }));
  let closed: ServerMessage | undefined;
  await waitFor(() => (closed = messages.find((message) => (message.op === "state" && message.state === "closed") || message.op === "failed")) !== undefined, "the session to fail", 15_000);
  // Some failures end the session; others (a name the allowlist cannot resolve) refuse the open itself.
  if (closed?.op === "state") return closed.message ?? "";
  if (closed?.op === "failed") return closed.message;
  throw new Error(`no failure message: ${JSON.stringify(closed)}`);
}

describe("connection failures through the bridge", () => {
  it("a wrong password names the server, the account and the SASL condition", async () => {
    const message = await failureOf({ account: { kind: "existing", jid: "alice@localhost", password: "not-the-password" } });
    expect(message).toBe(
      `127.0.0.1:${TEST_SERVER.ports.plain} refused the login for alice@localhost: wrong username or password (SASL <not-authorized/>, RFC 6120 section 6.5.10). Check the password, or use a demo account.`,
    );
  });

  it.each(["guided", "raw"] as const)("%s: a refused port says nothing listens there and how to start the bundled server", async (mode) => {
    const message = await failureOf({ mode, server: { host: "127.0.0.1", port: 1 } });
    expect(message).toBe("connection refused (ECONNREFUSED): nothing is listening on 127.0.0.1:1. Is the server running, and is that its port? `npm run playground` starts the bundled one.");
  });

  it.each(["guided", "raw"] as const)("%s: an unknown host says DNS found nothing for it", async (mode) => {
    const message = await failureOf({ mode, server: { host: UNKNOWN_HOST, port: 5222 } });
    // The allowlist resolves the name before dialling (server/allowlist.ts), so DNS answers first.
    expect(message).toBe(`${UNKNOWN_HOST} does not resolve (ENOTFOUND); check the name, or the DNS of the machine running the playground.`);
  });

  it("raw: a certificate for another name than the JID's domain says which names it covers", async () => {
    const message = await failureOf({ mode: "raw", transport: "tls", account: { kind: "existing", jid: "alice@wrong.example", password: "alice" } });
    expect(message).toBe(
      `the certificate presented by 127.0.0.1:${TEST_SERVER.ports.directTls} is for localhost, conference.localhost, 127.0.0.1, not wrong.example (RFC 6120 section 13.7.2.1). Connect with a name it covers (for example its XMPP domain), or give the server a certificate for wrong.example.`,
    );
  });

  it("guided: a certificate nobody here trusts says so and where to trust it", async () => {
    const message = await failureOf({ transport: "tls", server: { host: "127.0.0.1", port: listener.port } });
    expect(message).toMatch(new RegExp(`^the certificate presented by 127\\.0\\.0\\.1:${listener.port} is not trusted: it is self-signed \\(DEPTH_ZERO_SELF_SIGNED_CERT\\)\\. .*NODE_EXTRA_CA_CERTS`));
  });

  it("guided: a domain the server does not serve says so (stream error host-unknown)", async () => {
    const message = await failureOf({ account: { kind: "existing", jid: "alice@wrong.example", password: "alice" } });
    expect(message).toContain("does not serve the domain of this JID (stream error <host-unknown/>, RFC 6120 section 4.9.3.6)");
  });
});

describe("raw mode", () => {
  it("says what a SASL failure means in the lanes, and the stream stays open for another try", async () => {
    const socket = new WebSocket(url, { origin: pageOriginOf(url) });
    sockets.push(socket);
    const messages: ServerMessage[] = [];
    socket.on("message", (data) => messages.push(...unfoldDone(JSON.parse(String(data)) as ServerMessage)));
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const send = (message: Record<string, unknown>) => socket.send(JSON.stringify(message));
    send({ op: "open", ref: "1", mode: "raw", transport: "plain", mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "alice@localhost", password: "" } });
    await waitFor(() => messages.some((message) => message.op === "state" && message.state === "online"), "the raw socket to open");
    const opened = messages.find((message) => message.op === "opened");
    const sessionId = opened?.op === "opened" ? opened.sessionId : "";
    const header = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    const wrong = Buffer.from("\0alice\0not-the-password").toString("base64");
    send({ op: "send", ref: "2", sessionId, xml: header });
    send({ op: "send", ref: "3", sessionId, xml: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${wrong}</auth>` });
    const entries = () => messages.flatMap((message) => (message.op === "entries" ? message.entries : []));
    await waitFor(() => entries().some((entry) => entry.dir === "event" && entry.raw.startsWith("authentication failed")), "the failure event");
    const event = entries().find((entry) => entry.dir === "event" && entry.raw.startsWith("authentication failed"))!;
    expect(event.raw).toBe(
      `authentication failed: 127.0.0.1:${TEST_SERVER.ports.plain} refused the login for this account: wrong username or password (SASL <not-authorized/>, RFC 6120 section 6.5.10). Check the password, or use a demo account. In raw mode the PLAIN payload is base64 of \\0username\\0password (RFC 4616).`,
    );
    expect(event.error).toBe("not-authorized");
    expect(messages.some((message) => message.op === "state" && message.state === "closed")).toBe(false);
    send({ op: "close", ref: "4", sessionId });
  });
});

describe("acknowledged entries", () => {
  it("the bridge forgets what the tab stored, still fills a reattach after it, and takes acks only from the owner", async () => {
    const socket = new WebSocket(url, { origin: pageOriginOf(url) });
    sockets.push(socket);
    const messages: ServerMessage[] = [];
    socket.on("message", (data) => messages.push(...unfoldDone(JSON.parse(String(data)) as ServerMessage)));
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    socket.send(JSON.stringify({ op: "open", ref: "1", mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "alice@localhost", password: "alice" } }));
    await waitFor(() => messages.some((message) => message.op === "state" && message.state === "online"), "online");
    const opened = messages.find((message) => message.op === "opened");
    if (opened?.op !== "opened") throw new Error("not opened");
    const managed = bridge.registry.authorize(opened.sessionId, opened.token)!;
    const received = messages.flatMap((message) => (message.op === "entries" ? message.entries : []));
    const lastSeq = received.at(-1)!.seq;

    // Another tab cannot make the bridge forget someone else's entries.
    const intruder = new WebSocket(url, { origin: pageOriginOf(url) });
    sockets.push(intruder);
    const intruderMessages: ServerMessage[] = [];
    intruder.on("message", (data) => intruderMessages.push(...unfoldDone(JSON.parse(String(data)) as ServerMessage)));
    await new Promise((resolve, reject) => intruder.once("open", resolve).once("error", reject));
    intruder.send(JSON.stringify({ op: "ack", ref: "x", sessionId: opened.sessionId, seq: lastSeq }));
    await waitFor(() => intruderMessages.some((message) => message.op === "failed"), "the refusal");
    expect(managed.session.transcript.size).toBe(lastSeq);

    socket.send(JSON.stringify({ op: "ack", ref: "2", sessionId: opened.sessionId, seq: lastSeq - 2 }));
    await waitFor(() => managed.session.transcript.size === 2, "the bridge to forget all but two entries");

    // A reloaded tab that stored through lastSeq - 2 gets exactly the rest.
    const reloaded = new WebSocket(url, { origin: pageOriginOf(url) });
    sockets.push(reloaded);
    const reloadedMessages: ServerMessage[] = [];
    reloaded.on("message", (data) => reloadedMessages.push(...unfoldDone(JSON.parse(String(data)) as ServerMessage)));
    await new Promise((resolve, reject) => reloaded.once("open", resolve).once("error", reject));
    reloaded.send(JSON.stringify({ op: "attach", ref: "3", sessionId: opened.sessionId, token: opened.token, afterSeq: lastSeq - 2 }));
    await waitFor(() => reloadedMessages.some((message) => message.op === "entries"), "the rest of the transcript");
    const resent = reloadedMessages.flatMap((message) => (message.op === "entries" ? message.entries : []));
    expect(resent.map((entry) => entry.seq)).toEqual([lastSeq - 1, lastSeq]);
    expect(resent.map((entry) => entry.raw)).toEqual(received.slice(-2).map((entry) => entry.raw));
    reloaded.send(JSON.stringify({ op: "close", ref: "4", sessionId: opened.sessionId }));
    await waitFor(() => reloadedMessages.some((message) => message.op === "state" && message.state === "closed"), "closed");
  });
});

describe("a tab that lost what it stored", () => {
  it("hears which entries neither it nor the bridge holds any more", async () => {
    const request = { mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "alice@localhost", password: "alice" } } as const;
    const first = new BridgeClient(url);
    const states: SessionState[] = [];
    const entries: TranscriptEntry[] = [];
    const summary = await first.open(request, { onEntries: (batch) => entries.push(...batch), onState: (state) => states.push(state) });
    await waitFor(() => states.includes("online"), "online");
    const managed = bridge.registry.authorize(summary.sessionId, summary.token)!;
    const stored = entries.at(-1)!.seq - 1;
    first.acknowledge(summary.sessionId, stored);
    await waitFor(() => managed.session.transcript.size === 1, "the bridge to forget what the tab stored");
    first.dispose();

    // The reloaded tab finds nothing in its storage and asks for everything.
    const second = new BridgeClient(url);
    const gaps: [number, number][] = [];
    const resent: TranscriptEntry[] = [];
    await second.attach(summary.sessionId, summary.token, 0, { onEntries: (batch) => resent.push(...batch), onState: () => undefined, onGap: (from, to) => gaps.push([from, to]) });
    await waitFor(() => resent.length > 0, "the entries the bridge still holds");
    expect(gaps).toEqual([[1, stored]]);
    expect(resent.map((entry) => entry.seq)).toEqual([stored + 1]);
    await second.close(summary.sessionId);
    second.dispose();
  });
});

describe("a restarted bridge", () => {
  it("tells the page its sessions ended with the old process, and the entries it holds stay", async () => {
    const first = createBridge({ server: bundled, allowlist: allowlistFrom(undefined, defaultAllowlist(bundled)) });
    let served = await serveBridge(first);
    const port = (served.http.address() as AddressInfo).port;
    const client = new BridgeClient(served.url);
    const entries: TranscriptEntry[] = [];
    const states: { state: SessionState; message?: string }[] = [];
    const links: string[] = [];
    await client.open(
      { mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "alice@localhost", password: "alice" } },
      { onEntries: (batch) => entries.push(...batch), onState: (state, detail) => states.push({ state, ...detail }), onLink: (link) => links.push(link) },
    );
    await waitFor(() => states.some(({ state }) => state === "online"), "online");
    const firstInstance = client.instance;
    const held = entries.length;

    // The process goes away (its sessions with it) and a new one answers on the same port.
    await first.close();
    await new Promise((resolve) => served.http.close(resolve));
    await waitFor(() => links.includes("down"), "the link to drop");
    const second = createBridge({ server: bundled, allowlist: allowlistFrom(undefined, defaultAllowlist(bundled)) });
    served = await serveBridge(second, port);
    try {
      await waitFor(() => states.at(-1)?.state === "closed", "the session to be reported closed", 10_000);
      expect(states.at(-1)?.message).toBe(BRIDGE_RESTARTED_MESSAGE);
      expect(client.instance).not.toBe(firstInstance);
      expect(links.at(-1)).toBe("up");
      expect(entries.length).toBe(held);
    } finally {
      client.dispose();
      await second.close();
      served.http.close();
    }
  });
});
