import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { REDACTION_MASK } from "../xmpp/entry";
import { openPlaygroundDb, type PlaygroundDb } from "./playground-db";
import { HISTORY_LIMIT } from "./send-history";

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

  it("masks with the transcript's redactor, by namespace: SASL2, a prefixed password, CDATA", async () => {
    const db = await freshDb();
    const texts = [
      "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>AGNhcm9sAHNhc2wydG9w</initial-response></authenticate>",
      "<iq type='set'><r:query xmlns:r='jabber:iq:register'><r:password><![CDATA[cdata-pw]]></r:password ></r:query></iq>",
    ];
    await db.saveHistory("a", texts);
    await db.appendHistory("b", texts[0]!);
    const stored = JSON.stringify([await db.loadHistory("a"), await db.loadHistory("b")]);
    expect(stored).not.toMatch(/AGNhcm9s|cdata-pw/);
    expect(stored).toContain(`<r:password>${REDACTION_MASK}</r:password >`);
  });

  it("stores text without credentials exactly as typed", async () => {
    const db = await freshDb();
    const text = "<message to='bob@localhost'><body>my password is not here</body></message>";
    await db.appendHistory("a", text);
    expect(await db.loadHistory("a")).toEqual([text]);
  });
});
