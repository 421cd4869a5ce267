import { afterEach, describe, expect, it } from "vitest";
import { GuidedSession } from "../lib/xmpp/guided-session";
import { RawSession } from "../lib/xmpp/raw-session";
import type { XmppSession } from "../lib/xmpp/session";
import { describeBareStreamClose, describeStreamError } from "../lib/xmpp/stream-end";
import { TEST_SERVER } from "../scripts/lib/instances";
import { HANG_UP, startHostileServer, type HostileServer } from "../test/hostile-server";
import { waitFor } from "../test/helpers";
import { DEFAULT_LIMITS, SessionRegistry } from "./session-registry";

// Integration: real sessions against ejabberd (test/vitest-global-setup.ts), closed by the registry's sweep.
const plain = { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain };
let now = 0;
const registries: SessionRegistry[] = [];
let hostile: HostileServer | undefined;

afterEach(async () => {
  for (const registry of registries.splice(0)) await registry.closeAll();
  await hostile?.close();
  hostile = undefined;
  now = 0;
});

function guided(server = plain): GuidedSession {
  return new GuidedSession({ server, transport: "plain", domain: TEST_SERVER.domain, username: "alice", password: "alice", mechanism: "PLAIN" });
}

const closedEvent = (session: XmppSession) => session.transcript.since(0).findLast((entry) => entry.dir === "event" && entry.raw.startsWith("closed"))?.raw;

describe("why a session closed", () => {
  it.each(["guided", "raw"] as const)("%s: a session no page was attached to says so, even after the server's </stream:stream>", async (mode) => {
    const registry = new SessionRegistry({ ...DEFAULT_LIMITS, detachedTimeoutMs: 1000 }, () => now);
    registries.push(registry);
    const session: XmppSession = mode === "guided" ? guided() : new RawSession({ server: plain, transport: "plain", domain: TEST_SERVER.domain });
    await session.connect();
    if (mode === "raw") {
      await session.send("<stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
      await waitFor(() => session.transcript.since(0).some((entry) => entry.kind === "features"), "the features");
    }
    const managed = registry.add(session, { mode, target: "test" });
    const tab = () => undefined;
    registry.attach(managed, tab, 0);
    registry.detach(managed, tab);
    now = 1001;
    registry.sweep();
    await waitFor(() => session.currentState === "closed", "the session to close");
    expect(closedEvent(session)).toBe("closed: no page was attached to this session for 1 s (BRIDGE_DETACHED_TIMEOUT_MS); the bridge closed it");
    expect(session.transcript.since(0).some((entry) => entry.raw.includes("without the server ending the stream"))).toBe(false);
    // Exactly one closing event: the reason is not said twice, nor contradicted.
    expect(session.transcript.since(0).filter((entry) => entry.dir === "event" && entry.raw.startsWith("closed"))).toHaveLength(1);
  });

  it("guided: closed by the person, though the server answered with its </stream:stream>", async () => {
    const session = guided();
    await session.connect();
    await session.close();
    expect(session.transcript.since(0).some((entry) => entry.dir === "in" && entry.kind === "stream-close")).toBe(true);
    expect(closedEvent(session)).toBe("closed: closed by you");
  });

  it("guided: a server that closes its stream first is named as the one that closed", async () => {
    hostile = await startHostileServer({ script: () => ["</stream:stream>", HANG_UP] });
    const session = guided({ host: "127.0.0.1", port: hostile.port });
    await session.connect();
    await waitFor(() => session.currentState === "closed", "the session to close");
    expect(closedEvent(session)).toBe(`closed: ${describeBareStreamClose(false)}`);
  });

  // RFC 6120 section 4.9: the condition and the server's own text, both said; the text is shown as text.
  const SHUTDOWN = "<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Maintenance &amp; upgrade &lt;b&gt;now&lt;/b&gt;</text></stream:error></stream:stream>";

  it("guided: a server's stream error is named by its condition and its text", async () => {
    hostile = await startHostileServer({ script: () => [SHUTDOWN, HANG_UP] });
    const session = guided({ host: "127.0.0.1", port: hostile.port });
    const said = describeStreamError("system-shutdown", "Maintenance & upgrade <b>now</b>");
    // The error may come before the library resolves its login, or after: the same words either way.
    await session.connect().catch((error: unknown) => expect((error as Error).message).toBe(said));
    await waitFor(() => session.currentState === "closed", "the session to close");
    expect(closedEvent(session)).toBe(`closed: ${said}`);
    expect(closedEvent(session)).toContain("(RFC 6120 section 4.9.3.20)");
  });

  it("raw: ejabberd's own stream error, condition and text, is what the closing event says", async () => {
    const session = new RawSession({ server: plain, transport: "plain", domain: TEST_SERVER.domain });
    await session.connect();
    // A domain the server does not host: RFC 6120 section 4.9.3.6.
    await session.send("<stream:stream to='nowhere.example' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
    await waitFor(() => session.currentState === "closed", "the session to close");
    const error = session.transcript.since(0).find((entry) => entry.kind === "stream-error");
    expect(error?.error).toBe("host-unknown");
    const text = /<text[^>]*>([^<]+)<\/text>/.exec(error?.raw ?? "")?.[1];
    expect(closedEvent(session)).toBe(`closed: ${describeStreamError("host-unknown", text)}`);
    expect(closedEvent(session)).toMatch(/<host-unknown\/> and (the text "[^"]+"|no text) \(RFC 6120 section 4\.9\.3\.6\)/);
  });
});
