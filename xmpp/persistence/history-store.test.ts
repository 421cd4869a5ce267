import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { REDACTION_MASK } from "../xmpp/entry";
import { openPlaygroundDb, type PlaygroundDb } from "./playground-db";
import { HISTORY_LIMIT, redactSentText } from "./history-store";

let counter = 0;
const opened: PlaygroundDb[] = [];

async function freshDb(): Promise<PlaygroundDb> {
  const result = await openPlaygroundDb({ name: `test-history-${++counter}`, estimate: null });
  if (!result.ok) throw new Error(result.message);
  opened.push(result.db);
  return result.db;
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe("editor history", () => {
  it("keeps each pane's history apart", async () => {
    const db = await freshDb();
    await db.saveHistory("a", ["<presence/>"]);
    await db.saveHistory("b", ["<message/>"]);
    expect(await db.loadHistory("a")).toEqual(["<presence/>"]);
    expect(await db.loadHistory("b")).toEqual(["<message/>"]);
    expect(await db.loadHistory("c")).toEqual([]);
  });

  it("keeps the last 200 texts, newest last", async () => {
    const db = await freshDb();
    const texts = Array.from({ length: 250 }, (_, i) => `<iq id='${i}'/>`);
    await db.saveHistory("a", texts);
    const loaded = await db.loadHistory("a");
    expect(loaded).toHaveLength(HISTORY_LIMIT);
    expect(loaded[0]).toBe("<iq id='50'/>");
    expect(loaded.at(-1)).toBe("<iq id='249'/>");
    expect(await db.appendHistory("a", "<presence/>")).toHaveLength(HISTORY_LIMIT);
    expect((await db.loadHistory("a")).at(-1)).toBe("<presence/>");
  });

  it("appends, skipping a repeat of the last text", async () => {
    const db = await freshDb();
    await db.appendHistory("a", "<presence/>");
    await db.appendHistory("a", "<presence/>");
    expect(await db.appendHistory("a", "<message/>")).toEqual(["<presence/>", "<message/>"]);
  });

  it("never stores typed credentials", async () => {
    const db = await freshDb();
    await db.appendHistory("a", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHMzY3JldA==</auth>");
    await db.saveHistory("b", ["<iq type='set'><query xmlns='jabber:iq:register'><username>u</username><password>hunter2</password></query></iq>"]);
    expect(JSON.stringify([await db.loadHistory("a"), await db.loadHistory("b")])).not.toMatch(/AGFsaWNl|hunter2/);
  });
});

describe("redactSentText", () => {
  it.each([
    ["SASL PLAIN", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>c2VjcmV0</auth>", `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${REDACTION_MASK}</auth>`],
    ["a SCRAM response", "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1iaXdzLHI9</response>", `<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${REDACTION_MASK}</response>`],
    ["a prefixed element", "<sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl'>c2VjcmV0</sasl:auth>", `<sasl:auth xmlns:sasl='urn:ietf:params:xml:ns:xmpp-sasl'>${REDACTION_MASK}</sasl:auth>`],
    ["CDATA", "<password><![CDATA[p<w>d]]></password>", `<password>${REDACTION_MASK}</password>`],
    ["two in one text", "<query><password>a</password><digest>b</digest></query>", `<query><password>${REDACTION_MASK}</password><digest>${REDACTION_MASK}</digest></query>`],
  ])("masks %s", (_name, text, expected) => {
    expect(redactSentText(text)).toBe(expected);
  });

  it.each([
    ["an empty SASL response", "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</response>"],
    ["an empty element", "<auth mechanism='ANONYMOUS'/>"],
    ["an ordinary stanza", "<message to='bob@localhost'><body>my password is in here</body></message>"],
  ])("leaves %s alone", (_name, text) => {
    expect(redactSentText(text)).toBe(text);
  });
});
