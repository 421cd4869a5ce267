import { describe, expect, it } from "vitest";
import { parse } from "@xmpp/jid";
import { GuidedSession } from "../lib/xmpp/guided-session";
import { RawSession } from "../lib/xmpp/raw-session";
import { SessionCore } from "../lib/xmpp/session-core";
import type { OpenRequest } from "../lib/bridge/protocol";
import { SESSION_KINDS } from "./session-kinds";

const core = { server: { host: "127.0.0.1", port: 5224 }, transport: "plain" as const, domain: "localhost", bundledServer: true };

function request(mode: OpenRequest["mode"]): OpenRequest {
  return { op: "open", ref: "r1", mode, transport: "plain", mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "alice@localhost", password: "alice" } };
}

describe("SESSION_KINDS", () => {
  it("builds each mode's session on the one core, without dialling", () => {
    const guided = SESSION_KINDS.guided.create({ request: request("guided"), core, jid: parse("alice@localhost/desk"), password: "alice" });
    const raw = SESSION_KINDS.raw.create({ request: request("raw"), core, jid: parse("alice@localhost"), password: "alice" });
    expect(guided).toBeInstanceOf(GuidedSession);
    expect(raw).toBeInstanceOf(RawSession);
    for (const session of [guided, raw]) {
      expect(session).toBeInstanceOf(SessionCore);
      expect(session.currentState).toBe("connecting");
      expect(session.transcript.lastSeq).toBe(0);
    }
  });

  it("names how each kind talks, for the session list", () => {
    expect(SESSION_KINDS.guided.describe(request("guided"))).toBe("guided, SASL PLAIN");
    expect(SESSION_KINDS.raw.describe(request("raw"))).toBe("raw");
  });
});
