import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateCheck } from "../lib/lessons/check";
import { buildLessonVariables } from "../lib/lessons/variables";
import { GuidedSession } from "../lib/xmpp/guided-session";
import { registerDisposableAccount, removeAccount } from "../lib/xmpp/in-band-registration";
import { TEST_SERVER } from "../scripts/lib/instances";
import { waitFor } from "./helpers";

/**
 * Lesson 06 shows roster pushes: the learner's guided session must acknowledge each with an
 * empty result (RFC 6121 §2.1.6), not the service-unavailable error @xmpp/client sends for
 * queries it has no handler for.
 */
const plain = { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain };
const accountServer = { server: plain, domain: TEST_SERVER.domain, transport: "plain" as const };
let credentials: { username: string; password: string };
let session: GuidedSession;

beforeAll(async () => {
  credentials = await registerDisposableAccount({ ...accountServer, prefix: "learner" });
  session = new GuidedSession({ server: plain, transport: "plain", domain: TEST_SERVER.domain, ...credentials, mechanism: "PLAIN", initialPresence: true });
  await session.connect();
});

afterAll(async () => {
  await session?.close();
  if (credentials) await removeAccount({ ...accountServer, ...credentials });
});

describe("a guided session and roster pushes", () => {
  it("answers the server's roster push with an empty result", async () => {
    const vars = buildLessonVariables({ ...credentials, domain: TEST_SERVER.domain, peer: `friend@${TEST_SERVER.domain}` });
    const from = session.transcript.lastSeq;
    // RFC 6121 §2.2: asking for the roster makes this resource an interested one, which gets pushes.
    await session.send(`<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq><iq type='set' id='r2'><query xmlns='jabber:iq:roster'><item jid='${vars.peer}'/></query></iq>`);
    const check = [
      { name: "push", dir: "in" as const, stanza: "iq", type: "set", has: [{ path: "query/item", xmlns: "jabber:iq:roster", attrs: { jid: "{{peer}}" } }] },
      { dir: "out" as const, stanza: "iq", type: "result", answers: "push" },
    ];
    const window = () => session.transcript.since(from);
    await waitFor(() => evaluateCheck(check, window(), vars).passed, "the acknowledged push").catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; still missing: ${evaluateCheck(check, window(), vars).missing?.message}`);
    });
    expect(window().filter((entry) => entry.dir === "out" && entry.kind === "iq" && entry.attrs?.type === "error")).toEqual([]);
    // The result is the library's, not the learner's: the lanes say so.
    expect(window().filter((entry) => entry.dir === "out" && entry.attrs?.type === "result").every((entry) => entry.auto === true)).toBe(true);
  });
});
