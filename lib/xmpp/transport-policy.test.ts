import { afterEach, describe, expect, it } from "vitest";
import { GuidedSession, type GuidedSessionOptions } from "./guided-session";
import { RawSession } from "./raw-session";
import { clearTextAuthRefusal, clearTextTransport, isLoopbackAddress, plainRemoteAllowed, plainTargetRefusal } from "./transport-policy";
import { TEST_SERVER } from "../../scripts/lib/instances";
import { startHostileServer, type HostileServer } from "../../test/hostile-server";
import { waitFor, wire } from "../../test/helpers";

const open: { close(): Promise<void> }[] = [];
let hostile: HostileServer | undefined;

afterEach(async () => {
  await Promise.all(open.splice(0).map((created) => created.close()));
  await hostile?.close();
  hostile = undefined;
});

function guided(overrides: Partial<GuidedSessionOptions>): GuidedSession {
  const created = new GuidedSession({
    server: { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain },
    transport: "plain",
    domain: TEST_SERVER.domain,
    username: "alice",
    password: "alice",
    mechanism: "PLAIN",
    ...overrides,
  });
  open.push(created);
  return created;
}

const PLAIN_CREDENTIALS = Buffer.from("\0alice\0alice").toString("base64");

describe("which targets plain TCP may reach", () => {
  it("knows loopback addresses, in every spelling", () => {
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ["10.0.0.1", "192.0.2.1", "::2", "::ffff:10.0.0.1", "example.org", "128.0.0.1"]) expect(isLoopbackAddress(address), address).toBe(false);
  });

  it("refuses a remote target unless the operator allows it, naming the variable", () => {
    expect(plainTargetRefusal({ host: "xmpp.example", port: 5222, addresses: ["192.0.2.7"] }, false)).toMatch(/BRIDGE_ALLOW_PLAIN_REMOTE=1/);
    expect(plainTargetRefusal({ host: "xmpp.example", port: 5222, addresses: ["192.0.2.7"] }, true)).toBeUndefined();
    // The checked addresses decide, not the name.
    expect(plainTargetRefusal({ host: "xmpp.example", port: 5222, addresses: ["127.0.0.1"] }, false)).toBeUndefined();
    expect(plainTargetRefusal({ host: "localhost", port: 5222 }, false)).toBeUndefined();
    expect(plainTargetRefusal({ host: "127.0.0.1", port: 5222, addresses: ["127.0.0.1", "10.1.1.1"] }, false)).toBeDefined();
  });

  it("counts a WebSocket without TLS (ws://) as clear text, and wss:// and the TLS transports as not", () => {
    const remote = { host: "xmpp.example", port: 5280, addresses: ["192.0.2.7"] };
    expect(clearTextTransport("plain", remote)).toBe("Plain TCP (no TLS)");
    expect(clearTextTransport("websocket", remote)).toMatch(/ws:\/\//);
    expect(clearTextTransport("websocket", { ...remote, tls: true })).toBeUndefined();
    expect(clearTextTransport("starttls", remote)).toBeUndefined();
    expect(clearTextTransport("tls", remote)).toBeUndefined();
  });

  it("guided: a ws:// session to a remote host is refused before it dials", async () => {
    const server = { host: "192.0.2.7", port: 5280, path: "/xmpp-websocket" };
    const clear = guided({ server, transport: "websocket" });
    open.push(clear);
    await expect(clear.connect()).rejects.toThrow(/WebSocket without TLS \(ws:\/\/\) goes to loopback only.*BRIDGE_ALLOW_PLAIN_REMOTE=1/);
    expect(clear.transcript.since(0).some((entry) => entry.code === "connecting")).toBe(false);
  });

  it("reads the operator's switch", () => {
    expect(plainRemoteAllowed({ BRIDGE_ALLOW_PLAIN_REMOTE: "1" })).toBe(true);
    expect(plainRemoteAllowed({ BRIDGE_ALLOW_PLAIN_REMOTE: "true" })).toBe(true);
    expect(plainRemoteAllowed({ BRIDGE_ALLOW_PLAIN_REMOTE: "0" })).toBe(false);
    expect(plainRemoteAllowed({})).toBe(false);
  });

  it.each(["guided", "raw"] as const)("%s: a plain session to a remote host is refused before it dials", async (mode) => {
    const server = { host: "192.0.2.7", port: 5222 };
    const session = mode === "guided" ? guided({ server }) : new RawSession({ server, transport: "plain", domain: "localhost" });
    open.push(session);
    await expect(session.connect()).rejects.toThrow(/BRIDGE_ALLOW_PLAIN_REMOTE/);
    const entries = session.transcript.since(0);
    expect(entries.some((entry) => entry.raw.startsWith("connecting"))).toBe(false);
    expect(session.currentState).toBe("closed");
  });
});

describe("TCP with STARTTLS is TLS or a refusal (RFC 6120 section 5)", () => {
  it("refuses a server that strips STARTTLS before any SASL byte leaves", async () => {
    hostile = await startHostileServer({ script: () => [] });
    const session = guided({ server: { host: "127.0.0.1", port: hostile.port }, transport: "starttls" });
    await expect(session.connect()).rejects.toThrow(/did not offer STARTTLS.*RFC 6120 section 5.*direct TLS.*plain TCP/);
    const connection = hostile.connections[0]!;
    await connection.closed;
    // What the server saw: the stream header and our closing tag, never an <auth>.
    expect(connection.received()).not.toMatch(/<auth|<authenticate/);
    expect(connection.received()).not.toContain(PLAIN_CREDENTIALS);
    expect(connection.received()).toMatch(/<\/stream:stream>$/);
    expect(session.transcript.since(0).some((entry) => entry.dir === "out" && entry.kind === "sasl")).toBe(false);
    expect(session.currentState).toBe("closed");
  });

  it("refuses ejabberd's no-TLS listener", async () => {
    const session = guided({ transport: "starttls" });
    await expect(session.connect()).rejects.toThrow(/did not offer STARTTLS/);
    const entries = session.transcript.since(0);
    expect(entries.some((entry) => entry.dir === "out" && entry.kind === "sasl")).toBe(false);
    expect(wire(entries, "out")).not.toContain(PLAIN_CREDENTIALS);
  });

  it("raw: holds back an <auth> typed before TLS, and sends it once TLS is up", async () => {
    const raw = new RawSession({ server: { host: TEST_SERVER.host, port: TEST_SERVER.ports.starttls }, transport: "starttls", domain: TEST_SERVER.domain });
    open.push(raw);
    await raw.connect();
    const header = "<stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    await raw.send(header);
    await waitFor(() => raw.transcript.since(0).some((entry) => entry.kind === "features"), "the features");
    const auth = `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${PLAIN_CREDENTIALS}</auth>`;
    await expect(raw.send(auth)).rejects.toThrow(/TLS is not established yet.*<starttls/);
    expect(raw.transcript.since(0).some((entry) => entry.dir === "out" && entry.kind === "sasl")).toBe(false);
    await raw.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    await waitFor(() => raw.transcript.since(0).some((entry) => entry.raw.startsWith("TLS established")), "TLS");
    await raw.send(header);
    await raw.send(auth);
    await waitFor(() => raw.transcript.since(0).some((entry) => entry.kind === "sasl" && entry.name === "success"), "SASL success over TLS");
  });

  it("recognises SASL and SASL2 openings only", () => {
    expect(clearTextAuthRefusal("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYQ==</auth>")).toBeDefined();
    expect(clearTextAuthRefusal("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'/>")).toBeDefined();
    expect(clearTextAuthRefusal("<sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl'/>")).toBeDefined();
    expect(clearTextAuthRefusal("<presence/><author/>")).toBeUndefined();
  });
});

describe("plain TCP stays plain", () => {
  it("refuses a server that requires STARTTLS before any SASL byte leaves", async () => {
    hostile = await startHostileServer({ script: () => [], requireStartTls: true });
    const session = guided({ server: { host: "127.0.0.1", port: hostile.port } });
    await expect(session.connect()).rejects.toThrow(/requires STARTTLS.*RFC 6120 section 5\.3\.1.*Choose TCP with STARTTLS/);
    const connection = hostile.connections[0]!;
    await connection.closed;
    expect(connection.received()).not.toMatch(/<auth|<starttls/);
    expect(session.transcript.since(0).filter((entry) => entry.code === "closing")).toHaveLength(1);
  });

  it("logs in without STARTTLS on ejabberd's STARTTLS listener, which offers it", async () => {
    const session = guided({ server: { host: TEST_SERVER.host, port: TEST_SERVER.ports.starttls } });
    await session.connect();
    const entries = session.transcript.since(0);
    // The server offered it; the session did not take it.
    expect(entries.some((entry) => entry.kind === "features" && entry.raw.includes("urn:ietf:params:xml:ns:xmpp-tls"))).toBe(true);
    expect(wire(entries, "out")).not.toContain("<starttls");
    expect(entries.some((entry) => entry.raw.startsWith("TLS established"))).toBe(false);
    expect(entries.some((entry) => entry.kind === "bind" && entry.attrs?.type === "result")).toBe(true);
  });
});
