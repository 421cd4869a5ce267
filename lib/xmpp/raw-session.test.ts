import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RawSession, boundJid, type RawSessionOptions } from "./raw-session";
import { describeBareStreamClose } from "./stream-end";
import { TEST_SERVER } from "../../scripts/lib/instances";
import type { TranscriptEntry } from "./entry";
import { waitFor, wire } from "../../test/helpers";

// Integration: a real ejabberd on the test ports (test/vitest-global-setup.ts).
const PORTS = { plain: TEST_SERVER.ports.plain, starttls: TEST_SERVER.ports.starttls, tls: TEST_SERVER.ports.directTls } as const;
type RawTransport = keyof typeof PORTS;

const HEADER = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
const PLAIN_CREDENTIALS = Buffer.from("\0alice\0alice").toString("base64");
const AUTH = `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${PLAIN_CREDENTIALS}</auth>`;
const STARTTLS = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
const BIND = "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>raw</resource></bind></iq>";

const open: RawSession[] = [];

function session(transport: RawTransport, overrides: Partial<RawSessionOptions> = {}): RawSession {
  const created = new RawSession({
    server: { host: TEST_SERVER.host, port: PORTS[transport] },
    transport,
    domain: TEST_SERVER.domain,
    ...overrides,
  });
  open.push(created);
  return created;
}

/** Sends `xml`, then waits for a later entry that matches. */
async function exchange(raw: RawSession, xml: string, expected: (entry: TranscriptEntry) => boolean, what: string): Promise<TranscriptEntry> {
  const after = raw.transcript.lastSeq;
  await raw.send(xml);
  let found: TranscriptEntry | undefined;
  await waitFor(() => (found = raw.transcript.since(after).find(expected)) !== undefined, what);
  return found!;
}

const incoming = (kind: string, name?: string) => (entry: TranscriptEntry) =>
  entry.dir === "in" && entry.kind === kind && (name === undefined || entry.name === name);
const event = (text: string) => (entry: TranscriptEntry) => entry.dir === "event" && entry.raw === text;

/** Header, SASL PLAIN, restart, bind: the whole login typed by hand. */
async function logInByHand(raw: RawSession): Promise<void> {
  await exchange(raw, HEADER, incoming("features"), "the stream features");
  await exchange(raw, AUTH, incoming("sasl", "success"), "SASL success");
  // RFC 6120 section 6.4.6: after SASL success the client restarts the stream.
  await exchange(raw, HEADER, incoming("features"), "the features after the restart");
  await exchange(raw, BIND, event("bound as alice@localhost/raw"), "the bound JID");
}

function closedWith(raw: RawSession): Promise<string | undefined> {
  return new Promise((resolve) => raw.onState((state, detail) => state === "closed" && resolve(detail.message)));
}

/** A TCP relay that keeps its own copy of both directions: an independent view of the wire. */
async function startRelay(port: number) {
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const relay = net.createServer((client) => {
    const upstream = net.connect(port, TEST_SERVER.host);
    client.on("data", (data: Buffer) => {
      toServer.push(data);
      upstream.write(data);
    });
    upstream.on("data", (data: Buffer) => {
      toClient.push(data);
      client.write(data);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    port: (relay.address() as net.AddressInfo).port,
    sent: () => Buffer.concat(toServer).toString("utf8"),
    received: () => Buffer.concat(toClient).toString("utf8"),
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((created) => created.close()));
});

describe("RawSession against ejabberd", () => {
  it("logs in by hand on the plain listener and sees the server close the stream", async () => {
    const raw = session("plain");
    const states: string[] = [];
    raw.onState((state, detail) => states.push(`${state}${detail.jid ? ` ${detail.jid}` : ""}`));
    expect(await raw.connect()).toMatch(new RegExp(`^connected to 127\\.0\\.0\\.1:${PORTS.plain} \\(plain\\)`));
    expect(raw.currentState).toBe("online");
    await logInByHand(raw);
    const entries = raw.transcript.since(0);
    expect(entries.filter((entry) => entry.dir === "event").map((entry) => entry.raw)).toEqual([
      `connecting to 127.0.0.1:${PORTS.plain} (plain)`,
      "connected",
      "authenticated",
      "bound as alice@localhost/raw",
    ]);
    expect(entries.find(incoming("bind"))?.pair).toBe(entries.find((entry) => entry.dir === "out" && entry.kind === "bind")?.seq);
    expect(states).toEqual(["online", "online alice@localhost/raw"]);

    const closed = closedWith(raw);
    await raw.send("</stream:stream>");
    expect(await closed).toBe(describeBareStreamClose(false));
    expect(raw.transcript.since(0).some(incoming("stream-close"))).toBe(true);
    expect(raw.currentState).toBe("closed");
  });

  it("negotiates STARTTLS by hand, then logs in over TLS", async () => {
    const raw = session("starttls");
    await raw.connect();
    const features = await exchange(raw, HEADER, incoming("features"), "the stream features");
    expect(features.raw).toContain("urn:ietf:params:xml:ns:xmpp-tls");
    await exchange(raw, STARTTLS, incoming("tls", "proceed"), "<proceed/>");
    await waitFor(() => raw.transcript.since(0).some((entry) => /^TLS established \(TLSv1\.[23]\)$/.test(entry.raw)), "the TLS handshake");
    const tlsEvent = raw.transcript.since(0).find((entry) => entry.raw.startsWith("TLS established"))!;
    await logInByHand(raw);

    const afterTls = raw.transcript.since(tlsEvent.seq);
    const received = afterTls.filter((entry) => entry.dir === "in");
    // The recorder sits after decryption: plaintext XML, each piece well-formed.
    expect(received.map((entry) => entry.kind)).toEqual(["stream-open", "features", "sasl", "stream-open", "features", "bind"]);
    expect(received.every((entry) => entry.raw.trimStart().startsWith("<"))).toBe(true);
    // The new headers were framed as stream restarts without any reset (RFC 6120 section 5.4.3.3).
    expect(afterTls.filter((entry) => entry.dir === "out").map((entry) => entry.kind)).toEqual(["stream-open", "sasl", "stream-open", "bind"]);
    expect(raw.transcript.since(0).some((entry) => entry.kind === "malformed")).toBe(false);
    // Over TLS the server no longer offers STARTTLS.
    expect(received[1]?.raw).not.toContain("urn:ietf:params:xml:ns:xmpp-tls");
  });

  it("says which step failed when the STARTTLS certificate does not match", async () => {
    const raw = session("starttls", { tlsServername: "elsewhere.example" });
    await raw.connect();
    await exchange(raw, HEADER, incoming("features"), "the stream features");
    const closed = closedWith(raw);
    await raw.send(STARTTLS);
    expect(await closed).toMatch(/^TLS negotiation failed: .*elsewhere\.example/);
    await expect(raw.send(HEADER)).rejects.toThrow("the session is not connected; connect again to send");
  });

  it("speaks TLS from the first byte on the direct TLS port", async () => {
    const raw = session("tls");
    await raw.connect();
    expect(raw.transcript.since(0).some((entry) => /^TLS established \(TLSv1\.[23]\)$/.test(entry.raw))).toBe(true);
    const features = await exchange(raw, HEADER, incoming("features"), "the stream features");
    expect(features.raw).toContain("PLAIN");
  });

  it("shows not-well-formed and keeps the malformed text", async () => {
    const raw = session("plain");
    await raw.connect();
    await exchange(raw, HEADER, incoming("features"), "the stream features");
    await exchange(raw, AUTH, incoming("sasl", "success"), "SASL success");
    // Without this restart ejabberd takes <message> for a new stream's root and answers invalid-xml.
    await exchange(raw, HEADER, incoming("features"), "the features after the restart");
    const closed = closedWith(raw);
    await raw.send("<message><body>x</message>");
    // RFC 6120 section 4.9.3.13, with the text ejabberd gives beside it.
    expect(await closed).toMatch(/^the server ended the stream with the stream error <not-well-formed\/> and the text "[^"]+" \(RFC 6120 section 4\.9\.3\.13\), then closed the connection\. /);
    const entries = raw.transcript.since(0);
    expect(entries.some((entry) => entry.kind === "stream-error" && entry.error === "not-well-formed")).toBe(true);
    expect(entries.some((entry) => entry.dir === "out" && entry.kind === "malformed" && entry.raw === "<message><body>x</message>")).toBe(true);
    expect(raw.currentState).toBe("closed");
    await expect(raw.send("<presence/>")).rejects.toThrow("the session is not connected; connect again to send");
  });

  it("records exactly the bytes on the wire, with the password masked", async () => {
    const relay = await startRelay(PORTS.plain);
    try {
      const raw = session("plain", { server: { host: "127.0.0.1", port: relay.port } });
      await raw.connect();
      // A header cut in two, then several stanzas in one send: written as typed.
      await raw.send(HEADER.slice(0, 40));
      await exchange(raw, HEADER.slice(40), incoming("features"), "the stream features");
      await exchange(raw, AUTH, incoming("sasl", "success"), "SASL success");
      await exchange(raw, `${HEADER}\n${BIND}`, event("bound as alice@localhost/raw"), "the bound JID");
      const closed = closedWith(raw);
      await raw.send("</stream:stream>");
      await closed;

      const entries = raw.transcript.since(0);
      const secrets = raw.transcript.revealSecrets();
      const unmasked = entries.map((entry) => ({ ...entry, raw: secrets.get(entry.seq) ?? entry.raw }));
      expect(wire(unmasked, "out")).toBe(relay.sent());
      expect(wire(unmasked, "in")).toBe(relay.received());
      expect(relay.received()).toContain("</stream:stream>");

      const auth = entries.find((entry) => entry.dir === "out" && entry.kind === "sasl" && entry.name === "auth");
      expect(auth?.redacted).toBe(true);
      expect(auth?.raw).not.toContain(PLAIN_CREDENTIALS);
      expect(JSON.stringify(entries)).not.toContain(PLAIN_CREDENTIALS);
    } finally {
      await relay.close();
    }
  });

  it("says where nothing listens", async () => {
    const raw = session("plain", { server: { host: "127.0.0.1", port: 1 } });
    await expect(raw.connect()).rejects.toThrow(/ECONNREFUSED.*nothing is listening/);
    expect(raw.currentState).toBe("closed");
  });

  it("closes politely when asked, once, writing nothing for the user", async () => {
    const relay = await startRelay(PORTS.plain);
    try {
      const raw = session("plain", { server: { host: "127.0.0.1", port: relay.port } });
      await raw.connect();
      const messages: (string | undefined)[] = [];
      raw.onState((state, detail) => state === "closed" && messages.push(detail.message));
      await Promise.all([raw.close(), raw.close()]);
      await raw.close();
      expect(messages).toEqual(["closed by you"]);
      expect(raw.currentState).toBe("closed");
      // Raw mode never sends a closing tag by itself: the user decides what goes on the wire.
      expect(relay.sent()).toBe("");
      await expect(raw.send(HEADER)).rejects.toThrow("the session is not connected; connect again to send");
    } finally {
      await relay.close();
    }
  });

  it("refuses WebSocket", () => {
    expect(() => session("plain", { transport: "websocket" })).toThrow(/raw mode needs a TCP transport/);
  });

  it("reads the JID out of a bind result", () => {
    expect(boundJid("<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>a&amp;b@localhost/raw</jid></bind></iq>")).toBe("a&b@localhost/raw");
    expect(boundJid("<iq type='result' id='b1'/>")).toBeUndefined();
  });
});

describe("reconnect: the connection dropped on purpose (XEP-0198 §5)", () => {
  it("closes without </stream:stream>, dials again on the same transcript, and the server resumes the session", async () => {
    const raw = session("plain", { domain: "sm.localhost" });
    await raw.connect();
    const header = HEADER.replace("to='localhost'", "to='sm.localhost'");
    const user = `sm-${Date.now().toString(36)}`;
    const login = Buffer.from(`\0${user}\0pw`).toString("base64");
    await exchange(raw, header, incoming("features"), "the stream features");
    await exchange(raw, `<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>${user}</username><password>pw</password></query></iq>`, (entry) => entry.dir === "in" && entry.attrs?.id === "r1", "the registration result");
    await exchange(raw, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${login}</auth>`, incoming("sasl", "success"), "SASL success");
    await exchange(raw, header, incoming("features"), "the features after the restart");
    const enabled = await exchange(raw, `${BIND}<enable xmlns='urn:xmpp:sm:3' resume='true'/>`, incoming("sm", "enabled"), "<enabled/>");
    const previd = /id='([^']+)'/.exec(enabled.raw)![1]!;
    const before = raw.transcript.lastSeq;

    await raw.reconnect();
    const codes = raw.transcript.since(before).filter((entry) => entry.dir === "event").map((entry) => entry.code);
    expect(codes).toEqual(["dropped", "connecting", "connected"]);
    expect(raw.transcript.since(0).some((entry) => entry.dir === "out" && entry.kind === "stream-close")).toBe(false);
    expect(raw.currentState).toBe("online");

    await exchange(raw, header, incoming("features"), "the new connection's features");
    await exchange(raw, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${login}</auth>`, incoming("sasl", "success"), "SASL success again");
    await exchange(raw, header, incoming("features"), "the features after the restart");
    const resumed = await exchange(raw, `<resume xmlns='urn:xmpp:sm:3' previd='${previd}' h='0'/>`, (entry) => entry.dir === "in" && entry.kind === "sm" && (entry.name === "resumed" || entry.name === "failed"), "<resumed/>");
    expect(resumed.name).toBe("resumed");
    await exchange(raw, "<iq type='set' id='u1'><query xmlns='jabber:iq:register'><remove/></query></iq>", (entry) => entry.dir === "in" && entry.attrs?.id === "u1", "the account's removal");
  });
});
