import { afterEach, describe, expect, it } from "vitest";
import { GuidedSession } from "./guided-session";
import { RawSession } from "./raw-session";
import { TEST_SERVER } from "../../scripts/lib/instances";
import type { XmppSession } from "./session";

// Integration: direct TLS dialled at ejabberd's plaintext listener (test/vitest-global-setup.ts).
const PLAIN_PORT = { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain };
const open: XmppSession[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((session) => session.close()));
});

function dial(mode: "guided" | "raw"): XmppSession {
  const session =
    mode === "guided"
      ? new GuidedSession({ server: PLAIN_PORT, transport: "tls", domain: TEST_SERVER.domain, username: "alice", password: "alice", mechanism: "PLAIN" })
      : new RawSession({ server: PLAIN_PORT, transport: "tls", domain: TEST_SERVER.domain });
  open.push(session);
  return session;
}

describe("direct TLS to a port that speaks plain XMPP", () => {
  it.each(["guided", "raw"] as const)("%s: says the port speaks plain XMPP and records no TLS", async (mode) => {
    const session = dial(mode);
    const failure = await session.connect().then(
      () => "connected",
      (error: Error) => error.message,
    );
    expect(failure).toMatch(new RegExp(`${TEST_SERVER.host}:${TEST_SERVER.ports.plain} answered the TLS handshake with something that is not TLS \\(OpenSSL: wrong version number\\): that port speaks plain XMPP`));
    expect(failure).toMatch(/Choose TCP with STARTTLS/);
    // OpenSSL's raw line (file names, error numbers) is not what a person reads.
    expect(failure).not.toMatch(/ssl3_get_record|0A00010B/);
    const entries = session.transcript.since(0);
    expect(entries.some((entry) => entry.raw.startsWith("TLS established"))).toBe(false);
    expect(entries.at(-1)?.raw).toBe(`closed: ${failure}`);
  });
});
