import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHostileServer, type HostileServer } from "../../test/hostile-server";
import { REDACTION_MASK } from "./entry";
import { GuidedSession } from "./guided-session";

/**
 * @xmpp/client 0.14 prefers SASL2 (XEP-0388) whenever a server offers it; ejabberd 23.01
 * does not, so a small server of our own does (test/hostile-server.ts), and hands back a
 * FAST token (XEP-0484) in its <success> as Prosody's mod_sasl2_fast would.
 */

const PASSWORD = "sasl2-Pw-9qZ";
const FAST_TOKEN = "WXZzciBwYmFmdmZnZiBqdmd1";
let hostile: HostileServer;

beforeAll(async () => {
  hostile = await startHostileServer({ script: () => [], sasl2FastToken: FAST_TOKEN });
});

afterAll(async () => {
  await hostile.close();
});

describe("a guided login over SASL2", () => {
  it("never shows base64(\\0user\\0password) or the FAST token, and keeps them for reveal", async () => {
    const session = new GuidedSession({ server: { host: "127.0.0.1", port: hostile.port }, transport: "plain", domain: "localhost", username: "carol", password: PASSWORD, mechanism: "PLAIN" });
    try {
      await session.connect();
      const credential = Buffer.from(`\0carol\0${PASSWORD}`).toString("base64");
      // The login went over SASL2, and the credential did cross the wire.
      const sent = hostile.connections.at(-1)!.received();
      expect(sent).toMatch(/<authenticate xmlns=['"]urn:xmpp:sasl:2['"]/);
      expect(sent).toContain(credential);

      const entries = session.transcript.since(0);
      const shown = JSON.stringify(entries);
      for (const secret of [credential, PASSWORD, FAST_TOKEN]) expect(shown).not.toContain(secret);
      const authenticate = entries.find((entry) => entry.dir === "out" && entry.name === "authenticate");
      expect(authenticate).toMatchObject({ redacted: true, raw: expect.stringContaining(`<initial-response>${REDACTION_MASK}</initial-response>`) as unknown });
      const success = entries.find((entry) => entry.dir === "in" && entry.name === "success");
      expect(success).toMatchObject({ redacted: true, raw: expect.stringContaining(`token='${REDACTION_MASK}'`) as unknown });
      expect(success?.raw).toContain("<authorization-identifier>carol@localhost</authorization-identifier>");

      const revealed = [...session.transcript.revealSecrets().values()].join("");
      expect(revealed).toContain(credential);
      expect(revealed).toContain(FAST_TOKEN);
    } finally {
      await session.close();
    }
  });
});
