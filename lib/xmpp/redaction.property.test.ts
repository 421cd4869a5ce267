import "fake-indexeddb/auto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cuts, splitAt, streamText } from "../../test/xmpp-arbitraries";
import { operatorLog } from "../../server/operator-log";
import { openPlaygroundDb, type PlaygroundDb } from "../persistence/playground-db";
import { exportJson, exportStreamFiles } from "../transcript-files/export";
import type { TranscriptEntry } from "./entry";
import { redactXml } from "./redaction";
import { Transcript } from "./transcript";

/**
 * A known secret, written in every form of credential the redactor knows and in every
 * spelling XML allows (prefixes, CDATA, a spaced end tag, either quote), must show in no
 * view: the transcript's entries in both directions, whole or cut into any chunks, the
 * exports, the editor history, the operator's log. And text without credentials comes
 * out of the redactor byte for byte.
 */

interface Spelling {
  /** Bind the namespace to a prefix instead of declaring it as the default. */
  prefixed: boolean;
  cdata: boolean;
  spacedEnd: boolean;
  quote: "'" | '"';
}

type Form = (secret: string, spelling: Spelling) => string;

function form(ns: string, build: (parts: { q: string; decl: string; e: string; c: string; quote: string; secret: string }) => string): Form {
  return (secret, spelling) =>
    build({
      q: spelling.prefixed ? "s:" : "",
      decl: spelling.prefixed ? `xmlns:s='${ns}'` : `xmlns='${ns}'`,
      e: spelling.spacedEnd ? " \n" : "",
      c: spelling.cdata ? `<![CDATA[${secret}]]>` : secret,
      quote: spelling.quote,
      secret,
    });
}

const SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const SASL2 = "urn:xmpp:sasl:2";

const FORMS: Record<string, Form> = {
  "SASL auth": form(SASL, ({ q, decl, e, c }) => `<${q}auth ${decl} mechanism='PLAIN'>${c}</${q}auth${e}>`),
  "SASL challenge": form(SASL, ({ q, decl, e, c }) => `<${q}challenge ${decl}>${c}</${q}challenge${e}>`),
  "SASL response": form(SASL, ({ q, decl, e, c }) => `<${q}response ${decl}>${c}</${q}response${e}>`),
  "SASL success": form(SASL, ({ q, decl, e, c }) => `<${q}success ${decl}>${c}</${q}success${e}>`),
  "SASL2 initial-response": form(
    SASL2,
    ({ q, decl, e, c }) => `<${q}authenticate ${decl} mechanism='PLAIN'><${q}initial-response>${c}</${q}initial-response${e}><${q}user-agent id='x'/></${q}authenticate>`,
  ),
  "SASL2 challenge": form(SASL2, ({ q, decl, e, c }) => `<${q}challenge ${decl}>${c}</${q}challenge${e}>`),
  "SASL2 response": form(SASL2, ({ q, decl, e, c }) => `<${q}response ${decl}>${c}</${q}response${e}>`),
  "SASL2 success": form(
    SASL2,
    ({ q, decl, e, c }) => `<${q}success ${decl}><${q}additional-data>${c}</${q}additional-data${e}><${q}authorization-identifier>a@localhost</${q}authorization-identifier></${q}success>`,
  ),
  "SASL2 continue": form(SASL2, ({ q, decl, e, c }) => `<${q}continue ${decl}><${q}additional-data>${c}</${q}additional-data${e}><${q}tasks><${q}task>T</${q}task></${q}tasks></${q}continue>`),
  "SASL2 task data": form(SASL2, ({ q, decl, e, c }) => `<${q}next ${decl} task='T'><${q}task-data>${c}</${q}task-data${e}></${q}next>`),
  "a FAST token": form(
    "urn:xmpp:fast:0",
    ({ q, decl, quote, secret }) => `<success xmlns='${SASL2}'><authorization-identifier>a@localhost</authorization-identifier><${q}token ${decl} expiry='2026-12-02T00:00:00Z' token=${quote}${secret}${quote}/></success>`,
  ),
  "a registration password": form("jabber:iq:register", ({ q, decl, e, c }) => `<iq type='set' id='r1'><${q}query ${decl}><${q}username>u</${q}username><${q}password>${c}</${q}password${e}></${q}query></iq>`),
  "a legacy auth password": form("jabber:iq:auth", ({ q, decl, e, c }) => `<iq type='set' id='a1'><${q}query ${decl}><${q}username>u</${q}username><${q}password>${c}</${q}password${e}></${q}query></iq>`),
  "a legacy auth digest": form("jabber:iq:auth", ({ q, decl, e, c }) => `<iq type='set' id='a2'><${q}query ${decl}><${q}digest>${c}</${q}digest${e}></${q}query></iq>`),
  "a password field": form(
    "jabber:x:data",
    ({ q, decl, e, c }) => `<iq type='set' id='r2'><query xmlns='jabber:iq:register'><${q}x ${decl} type='submit'><${q}field var='password'><${q}value>${c}</${q}value${e}></${q}field></${q}x></query></iq>`,
  ),
  "a text-private field": form("jabber:x:data", ({ q, decl, e, c }) => `<message><${q}x ${decl} type='submit'><${q}field type='text-private' var='pin'><${q}value>${c}</${q}value${e}></${q}field></${q}x></message>`),
  "a room password": form("http://jabber.org/protocol/muc", ({ q, decl, e, c }) => `<presence to='r@muc/n'><${q}x ${decl}><${q}password>${c}</${q}password${e}></${q}x></presence>`),
  "a SCRAM upgrade hash": form("urn:xmpp:scram-upgrade:0", ({ q, decl, e, c }) => `<next xmlns='${SASL2}' task='UPGR'><task-data><${q}hash ${decl}>${c}</${q}hash${e}></task-data></next>`),
};

// A prefix no markup above contains, then enough random base64 that nothing else matches it.
const secret = fc.stringMatching(/^[A-Za-z0-9+/]{10,20}$/).map((tail) => `Qx7${tail}`);
const spelling: fc.Arbitrary<Spelling> = fc.record({ prefixed: fc.boolean(), cdata: fc.boolean(), spacedEnd: fc.boolean(), quote: fc.constantFrom("'" as const, '"' as const) });
const stanza = fc.tuple(fc.constantFrom(...Object.keys(FORMS)), secret, spelling).map(([name, secretText, how]) => ({ name, secret: secretText, text: FORMS[name]!(secretText, how) }));

const CLIENT_HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
const SERVER_HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost' version='1.0'>";

function transcriptOf(dir: "in" | "out", text: string, points: readonly number[]): Transcript {
  const transcript = new Transcript({ now: () => 0 });
  const whole = `${dir === "out" ? CLIENT_HEADER : SERVER_HEADER}${text}<presence/>`;
  for (const chunk of splitAt(whole, points)) transcript.record(dir, chunk);
  transcript.end();
  return transcript;
}

const RUNS = { numRuns: 150 };

describe("a known secret shows in no view", () => {
  it("is in the test's stanzas at all (so the properties below can fail)", () => {
    for (const [name, build] of Object.entries(FORMS)) expect(build("Qx7known", { prefixed: false, cdata: false, spacedEnd: false, quote: "'" }), name).toContain("Qx7known");
  });

  it("transcript entries in both directions, whole or in any chunks, keep it only for reveal", () => {
    fc.assert(
      fc.property(stanza, fc.constantFrom("in" as const, "out" as const), fc.oneof(fc.constant([]), cuts), ({ secret: hidden, text }, dir, points) => {
        const transcript = transcriptOf(dir, text, points);
        expect(JSON.stringify(transcript.since(0))).not.toContain(hidden);
        expect([...transcript.revealSecrets().values()].join("")).toContain(hidden);
      }),
      RUNS,
    );
  });

  it("exports: the JSON file and both stream files, even of an entry an older version left unmasked", async () => {
    await fc.assert(
      fc.asyncProperty(stanza, cuts, async ({ secret: hidden, text }, points) => {
        const entries = transcriptOf("out", text, points).since(0);
        const unmasked: TranscriptEntry = { seq: entries.length + 1, dir: "in", at: 0, wall: 0, raw: text, kind: "other" };
        const all = [...entries, unmasked];
        const { client, server } = exportStreamFiles(all);
        for (const file of [exportJson(all, {}), client, server]) expect(await file.text()).not.toContain(hidden);
      }),
      { numRuns: 60 },
    );
  });

  describe("the editor history", () => {
    let db: PlaygroundDb;
    beforeAll(async () => {
      const opened = await openPlaygroundDb({ name: "test-redaction-property", estimate: null });
      if (!opened.ok) throw new Error(opened.message);
      db = opened.db;
    });
    afterAll(() => db.close());

    it("stores it masked, whole or cut short after it", async () => {
      let pane = 0;
      await fc.assert(
        fc.asyncProperty(stanza, fc.nat(), async ({ secret: hidden, text }, cut) => {
          const end = text.indexOf(hidden) + hidden.length;
          const typed = text.slice(0, end + (cut % (text.length - end + 1)));
          const id = `pane-${++pane}`;
          await db.appendHistory(id, typed);
          await db.saveHistory(`${id}-saved`, [typed, text]);
          expect(JSON.stringify([await db.loadHistory(id), await db.loadHistory(`${id}-saved`)])).not.toContain(hidden);
        }),
        { numRuns: 60 },
      );
    });
  });

  it("the operator's log, whole or cut short after it", () => {
    fc.assert(
      fc.property(stanza, fc.nat(), ({ secret: hidden, text }, cut) => {
        const lines: string[] = [];
        const log = operatorLog((line) => lines.push(line));
        const end = text.indexOf(hidden) + hidden.length;
        log(`could not answer: ${text}`);
        log(`error: ${text.slice(0, end + (cut % (text.length - end + 1)))}`);
        expect(lines.join("\n")).not.toContain(hidden);
      }),
      RUNS,
    );
  });
});

describe("text without credentials", () => {
  it("comes out of the redactor byte for byte, well-formed or not", () => {
    fc.assert(
      fc.property(streamText, (text) => {
        expect(redactXml(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("is recorded unredacted", () => {
    fc.assert(
      fc.property(streamText, cuts, (text, points) => {
        const transcript = new Transcript({ now: () => 0 });
        for (const chunk of splitAt(text, points)) transcript.record("in", chunk);
        transcript.end();
        expect(transcript.since(0).filter((entry) => entry.redacted)).toEqual([]);
        expect(transcript.revealSecrets().size).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
