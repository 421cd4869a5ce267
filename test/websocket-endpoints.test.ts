/**
 * XMPP over WebSocket on any server: the endpoint's path (Prosody serves /xmpp-websocket,
 * ejabberd here /ws) and wss:// come from the open request, through the allowlist, to the
 * socket. Against the test bed's real Prosody (test/vitest-global-setup.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { OpenRequest, OtherServer } from "../lib/bridge/protocol";
import { TEST_PROSODY, TEST_SERVER } from "../scripts/lib/instances";
import { allowlistFrom } from "../server/allowlist";
import { bundledServerFromEnv } from "../server/config";
import { openSession } from "../server/open-session";
import type { XmppSession } from "../lib/xmpp/session";
import { websocketCaptureRelay, type CaptureRelay } from "./capture-relay";
import { waitFor } from "./helpers";

const bundled = bundledServerFromEnv({ XMPP_PORT_HTTP: String(TEST_SERVER.ports.http) });
const PROSODY_WS = { host: TEST_PROSODY.host, port: TEST_PROSODY.ports.http };
const sessions: XmppSession[] = [];
const relays: CaptureRelay[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

function request(server: OtherServer): OpenRequest {
  return { op: "open", ref: "", mode: "guided", transport: "websocket", mechanism: "PLAIN", initialPresence: true, account: { kind: "existing", jid: "alice@localhost", password: "alice" }, server };
}

async function open(server: OtherServer, allowed = `${server.host}:${server.port}`): Promise<XmppSession> {
  const { session } = await openSession(request(server), bundled, allowlistFrom(allowed, []));
  sessions.push(session);
  return session;
}

describe("the WebSocket endpoint a person gives", () => {
  it("is dialled at its path: Prosody's /xmpp-websocket logs in, the old fixed /ws does not", async () => {
    const given = await open({ ...PROSODY_WS, path: TEST_PROSODY.websocketPath });
    expect(await given.connect()).toMatch(/^alice@localhost\/.+/);

    const fixed = await open(PROSODY_WS);
    await expect(fixed.connect()).rejects.toThrow();
    expect(fixed.transcript.since(0).some((entry) => entry.dir === "out")).toBe(false);
  });

  it("keeps Prosody's stream after the bridge's own initial presence, which carries jabber:client (RFC 7395 section 3.3.3)", async () => {
    const session = await open({ ...PROSODY_WS, path: TEST_PROSODY.websocketPath });
    await session.connect();
    const entries = () => session.transcript.since(0);
    expect(entries().find((entry) => entry.dir === "out" && entry.kind === "presence")?.raw).toMatch(/^<presence xmlns=["']jabber:client["']\/>$/);
    // Prosody answers an available presence with the account's own presence; a stanza it refused would end the stream instead.
    await waitFor(() => entries().some((entry) => entry.dir === "in" && (entry.kind === "presence" || entry.kind === "stream-error")), "Prosody's answer to the presence");
    expect(entries().filter((entry) => entry.kind === "stream-error").map((entry) => entry.raw)).toEqual([]);
    expect(session.currentState).toBe("online");
  });

  it("over wss:// is TLS: the relay in front of Prosody decrypts the stream it carries", async () => {
    const relay = await websocketCaptureRelay({ ...PROSODY_WS, path: TEST_PROSODY.websocketPath }, { wss: true });
    relays.push(relay);
    const session = await open({ host: "127.0.0.1", port: relay.port, path: "/any", tls: true });
    expect(await session.connect()).toMatch(/^alice@localhost\/.+/);
    expect(relay.toServer().toString("utf8")).toMatch(/^<open [^>]*urn:ietf:params:xml:ns:xmpp-framing/);
  });

  it("over wss:// to a listener without TLS is refused, never sent in the clear", async () => {
    const relay = await websocketCaptureRelay({ ...PROSODY_WS, path: TEST_PROSODY.websocketPath });
    relays.push(relay);
    const session = await open({ host: "127.0.0.1", port: relay.port, path: TEST_PROSODY.websocketPath, tls: true });
    await expect(session.connect()).rejects.toThrow();
    expect(relay.toServer().length).toBe(0);
    expect(session.transcript.since(0).some((entry) => entry.dir === "out")).toBe(false);
  });

  it("passes the allowlist on the URL's host and port, or is refused before any connection", async () => {
    await expect(open({ ...PROSODY_WS, path: "/xmpp-websocket", tls: true }, `127.0.0.1:${PROSODY_WS.port + 1}`)).rejects.toThrow(/not on this playground's allowlist/);
  });
});
