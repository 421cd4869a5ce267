import { afterEach, describe, expect, it } from "vitest";
import { GuidedSession, type GuidedSessionOptions } from "./guided-session";
import { RawSession } from "./raw-session";
import { HANG_UP, startHostileServer, type HostileServer } from "../../test/hostile-server";
import { waitFor, wire } from "../../test/helpers";
import type { XmppSession } from "./session";

/**
 * The client lane holds what the socket accepted, not what the library meant to send: a
 * closing tag written after the connection is gone never crossed the wire.
 */
const open: XmppSession[] = [];
let hostile: HostileServer | undefined;

afterEach(async () => {
  await Promise.all(open.splice(0).map((session) => session.close()));
  await hostile?.close();
  hostile = undefined;
});

function guided(overrides: Partial<GuidedSessionOptions>): GuidedSession {
  const session = new GuidedSession({
    server: { host: "127.0.0.1", port: 1 },
    transport: "plain",
    domain: "localhost",
    username: "alice",
    password: "alice",
    mechanism: "PLAIN",
    ...overrides,
  });
  open.push(session);
  return session;
}

/** What reached the hostile server in the clear: everything before TLS's first record (0x16). */
function clearText(received: string): string {
  const handshake = received.indexOf("\u0016");
  return handshake === -1 ? received : received.slice(0, handshake);
}

describe("phantom bytes", () => {
  it.each(["plain", "tls", "websocket"] as const)("a refused %s connection records nothing sent", async (transport) => {
    const session = guided({ transport, server: { host: "127.0.0.1", port: 1, path: "/ws" } });
    await expect(session.connect()).rejects.toThrow();
    const entries = session.transcript.since(0);
    expect(entries.filter((entry) => entry.dir === "out")).toEqual([]);
  });

  it("a failed STARTTLS records exactly what the server received", async () => {
    hostile = await startHostileServer({ script: () => [], failStartTls: true });
    const session = guided({ transport: "starttls", server: { host: "127.0.0.1", port: hostile.port } });
    await expect(session.connect()).rejects.toThrow();
    const connection = hostile.connections[0]!;
    await connection.closed;
    const entries = session.transcript.since(0);
    expect(entries.some((entry) => entry.dir === "in" && entry.kind === "tls" && entry.name === "proceed")).toBe(true);
    expect(wire(entries, "out")).toBe(clearText(connection.received()));
  });

  it("a server that closed first: our closing tag is not shown as sent", async () => {
    hostile = await startHostileServer({ script: () => ["</stream:stream>", HANG_UP] });
    const session = guided({ server: { host: "127.0.0.1", port: hostile.port } });
    await session.connect();
    const connection = hostile.connections[0]!;
    await connection.closed;
    await waitFor(() => session.currentState === "closed", "the session to see the server go");
    await session.close();
    // The password is masked in the lane; the wire had it in full.
    const secrets = session.transcript.revealSecrets();
    const unmasked = session.transcript.since(0).map((entry) => ({ ...entry, raw: secrets.get(entry.seq) ?? entry.raw }));
    expect(wire(unmasked, "out")).toBe(connection.received());
  });

  it("raw: a send after the server hung up is refused and not recorded", async () => {
    hostile = await startHostileServer({ script: () => [] });
    const raw = new RawSession({ server: { host: "127.0.0.1", port: hostile.port }, transport: "plain", domain: "localhost" });
    open.push(raw);
    await raw.connect();
    await raw.send("<stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
    await waitFor(() => raw.transcript.since(0).some((entry) => entry.kind === "features"), "the features");
    await raw.send("</stream:stream>");
    const connection = hostile.connections[0]!;
    await connection.closed;
    await waitFor(() => raw.currentState === "closed", "the session to close");
    await expect(raw.send("<presence/>")).rejects.toThrow(/not connected/);
    expect(wire(raw.transcript.since(0), "out")).toBe(connection.received());
  });
});
