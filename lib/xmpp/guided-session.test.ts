import { afterEach, describe, expect, it } from "vitest";
import { GuidedSession, type GuidedSessionOptions } from "./guided-session";
import { TEST_SERVER } from "../../scripts/lib/instances";
import type { Transport } from "../bridge/protocol";
import { waitFor, wire } from "../../test/helpers";

// Integration: a real ejabberd on the test ports (test/vitest-global-setup.ts).
const PORTS: Record<Transport, number> = {
  plain: TEST_SERVER.ports.plain,
  starttls: TEST_SERVER.ports.starttls,
  tls: TEST_SERVER.ports.directTls,
  websocket: TEST_SERVER.ports.http,
};
const open: GuidedSession[] = [];

function session(transport: Transport, overrides: Partial<GuidedSessionOptions> = {}): GuidedSession {
  const created = new GuidedSession({
    server: { host: TEST_SERVER.host, port: PORTS[transport], path: "/ws" },
    transport,
    domain: TEST_SERVER.domain,
    username: "alice",
    password: "alice",
    mechanism: "PLAIN",
    ...overrides,
  });
  open.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((created) => created.close()));
});

describe("GuidedSession against ejabberd", () => {
  it.each(["plain", "starttls", "tls", "websocket"] as const)("logs in over %s and records every step", async (transport) => {
    const alice = session(transport);
    const jid = await alice.connect();
    expect(jid).toMatch(/^alice@localhost\/.+/);
    const entries = alice.transcript.since(0);
    const kinds = entries.map((entry) => entry.kind);
    expect(kinds).toContain("stream-open");
    expect(kinds).toContain("features");
    expect(kinds).toContain("sasl");
    expect(kinds).toContain("bind");
    expect(entries.some((entry) => entry.dir === "event" && entry.raw === "authenticated")).toBe(true);
    if (transport === "starttls") expect(entries.some((entry) => entry.kind === "tls" && entry.name === "proceed")).toBe(true);
    // Every event carries its code; lessons and scripts match these, not the sentences.
    const codes = entries.filter((entry) => entry.dir === "event").map((entry) => entry.code);
    const secure = transport === "starttls" || transport === "tls";
    expect(codes).toEqual(["connecting", ...(secure ? ["tls-established"] : []), "authenticated", "online"]);
    const tlsEvents = entries.filter((entry) => entry.dir === "event" && entry.raw.startsWith("TLS established"));
    expect(tlsEvents.map((entry) => entry.raw)).toEqual(transport === "starttls" || transport === "tls" ? [expect.stringMatching(/^TLS established \(TLSv1\.[23]\)$/)] : []);
    // The password never reaches the transcript that views receive.
    expect(JSON.stringify(entries)).not.toContain(Buffer.from("\0alice\0alice").toString("base64"));
    // The bind result is paired with its request.
    const bindResult = entries.find((entry) => entry.kind === "bind" && entry.attrs?.type === "result");
    expect(bindResult?.pair).toBeGreaterThan(0);
  });

  it("round-trips a ping and pairs the answer with its request", async () => {
    const alice = session("plain");
    await alice.connect();
    await alice.send("<iq type='get' id='ping-1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    await waitFor(() => alice.transcript.since(0).some((entry) => entry.attrs?.id === "ping-1" && entry.dir === "in"), "the ping result");
    const request = alice.transcript.since(0).find((entry) => entry.attrs?.id === "ping-1" && entry.dir === "out");
    const result = alice.transcript.since(0).find((entry) => entry.attrs?.id === "ping-1" && entry.dir === "in");
    expect(result?.attrs?.type).toBe("result");
    expect(result?.pair).toBe(request?.seq);
  });

  it("sends several stanzas typed at once, in order, exactly as typed", async () => {
    const alice = session("plain");
    await alice.connect();
    const typed = "<presence/>\n<iq type='get' id='v1' to='localhost'><query xmlns='jabber:iq:version'/></iq>";
    const before = wire(alice.transcript.since(0), "out");
    await alice.send(typed);
    await waitFor(() => alice.transcript.since(0).some((entry) => entry.attrs?.id === "v1" && entry.dir === "in"), "the version result");
    expect(wire(alice.transcript.since(0), "out")).toBe(before + typed);
  });

  it("shows not-well-formed and the closed session after malformed XML", async () => {
    const alice = session("plain");
    await alice.connect();
    const closed = new Promise<string | undefined>((resolve) => alice.onState((state, detail) => state === "closed" && resolve(detail.message)));
    await alice.send("<message><body>oops</message>");
    expect(await closed).toMatch(/not-well-formed/);
    const entries = alice.transcript.since(0);
    expect(entries.some((entry) => entry.kind === "stream-error" && entry.error === "not-well-formed")).toBe(true);
    // Nothing the client wrote was lost: the malformed text is kept, flagged as malformed.
    expect(wire(entries, "out")).toContain("<message><body>oops</message>");
    expect(entries.some((entry) => entry.dir === "out" && entry.kind === "malformed" && entry.raw.includes("oops"))).toBe(true);
    expect(alice.currentState).toBe("closed");
  });

  it("says a wrong password is wrong", async () => {
    const alice = session("plain", { password: "wrong" });
    await expect(alice.connect()).rejects.toThrow(/wrong username or password/);
    expect(alice.currentState).toBe("closed");
  });

  it("says where nothing listens", async () => {
    await expect(session("plain", { server: { host: "127.0.0.1", port: 1 } }).connect()).rejects.toThrow(/nothing is listening/);
  });

  it("carries a message from alice to bob", async () => {
    const alice = session("plain");
    const bob = session("plain", { username: "bob", password: "bob", initialPresence: true });
    await Promise.all([alice.connect(), bob.connect()]);
    // Sent is not yet processed: a chat to a bare JID with no available resource goes to offline
    // storage (RFC 6121 section 8.5.2.2.1). The server echoes initial presence to the resource
    // that sent it (section 4.2.2): once it is back, bob counts as available.
    await waitFor(() => bob.transcript.since(0).some((entry) => entry.dir === "in" && entry.kind === "presence"), "bob's own presence back from the server");
    const body = `hi bob ${Math.random()}`;
    await alice.send(`<message to='bob@localhost' type='chat'><body>${body}</body></message>`);
    await waitFor(() => bob.transcript.since(0).some((entry) => entry.dir === "in" && entry.kind === "message" && entry.raw.includes(body)), "bob to receive it");
  });
});
