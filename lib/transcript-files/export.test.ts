import { describe, expect, it } from "vitest";
import { REDACTION_MASK } from "../xmpp/entry";
import fc from "fast-check";
import { BlobBuilder, entryForExport, entryLines, exportAccountsJson, exportFileNames, exportJson, exportStreamFiles, streamFileChunks, transcriptJsonChunks } from "./export";
import { exportJsonInSlices } from "./export-in-slices";
import type { ExportedEntry } from "./format";
import type { TranscriptEntry } from "../xmpp/entry";
import { parseTranscriptFile } from "./import";
import { parseStreamFiles } from "./import-streams";
import { readStreamFile } from "./stream-file";
import { PLAIN_SECRET, WIRE_WITH_RESTARTS, recordSample, syntheticEntries, wireText } from "./test-fixtures";
import { walkXml } from "../xml/walk-xml";
import { SaxesParser } from "saxes";

const META = { jid: "alice@localhost/pg", target: "guided · plain · 127.0.0.1:5222", mode: "guided" };
const EXPORTED_AT = new Date("2025-03-04T05:06:07.089Z");

describe("exportJson", () => {
  it("round-trips: export then import gives the same entries and meta", async () => {
    const { entries } = recordSample();
    const text = await exportJson(entries, META, undefined, EXPORTED_AT).text();
    const imported = parseTranscriptFile(text);
    if (!imported.ok) throw new Error(imported.message);
    expect(imported.entries).toEqual(entries);
    expect(imported.meta).toEqual({ ...META, exportedAt: EXPORTED_AT.toISOString(), timing: "recorded" });
  });

  it("writes the versioned header and one entry per line", () => {
    const { entries } = recordSample();
    const text = [...transcriptJsonChunks(entries, { jid: "alice@localhost" }, undefined, EXPORTED_AT)].join("");
    const document = JSON.parse(text) as Record<string, unknown>;
    expect(document.format).toBe("xmpp-playground-transcript");
    expect(document.version).toBe(1);
    expect(document.exportedAt).toBe("2025-03-04T05:06:07.089Z");
    expect(document.meta).toEqual({ jid: "alice@localhost" });
    const lines = text.split("\n");
    expect(lines).toHaveLength(entries.length + 3);
    expect(lines.slice(-2)).toEqual(["]}", ""]);
  });

  it("exports an empty transcript as valid JSON", async () => {
    const imported = parseTranscriptFile(await exportJson([], {}).text());
    expect(imported).toMatchObject({ ok: true, entries: [] });
  });

  it("keeps credentials masked when nothing was revealed", async () => {
    const { entries } = recordSample();
    const text = await exportJson(entries, META).text();
    expect(text).not.toContain(PLAIN_SECRET);
    const imported = parseTranscriptFile(text);
    if (!imported.ok) throw new Error(imported.message);
    const auth = imported.entries.find((entry) => entry.name === "auth");
    expect(auth).toMatchObject({ redacted: true, raw: expect.stringContaining(REDACTION_MASK) as unknown });
    expect(auth?.revealedOnExport).toBeUndefined();
  });

  it("writes revealed credentials unmasked, marked as revealed on export", async () => {
    const { entries, secrets } = recordSample();
    expect(secrets.size).toBe(1);
    const text = await exportJson(entries, META, secrets).text();
    const imported = parseTranscriptFile(text);
    if (!imported.ok) throw new Error(imported.message);
    const auth = imported.entries.find((entry) => entry.name === "auth");
    expect(auth?.raw).toContain(PLAIN_SECRET);
    expect(auth).toMatchObject({ redacted: false, revealedOnExport: true });
    // Every other entry is untouched.
    const others = imported.entries.filter((entry) => entry.name !== "auth");
    expect(others).toEqual(entries.filter((entry) => entry.name !== "auth"));
    // The in-memory entries were not modified by the export.
    expect(entries.find((entry) => entry.name === "auth")?.raw).not.toContain(PLAIN_SECRET);
  });

  it("ignores a secret for an entry that was never redacted", () => {
    const { entries } = recordSample();
    const message = entries.find((entry) => entry.kind === "message")!;
    const text = [...transcriptJsonChunks(entries, META, new Map([[message.seq, "<injected/>"]]))].join("");
    expect(text).not.toContain("<injected/>");
  });

  it("builds a large export from a bounded number of chunks, one entry per line", () => {
    const chunks = [...transcriptJsonChunks(syntheticEntries(20_000), META)];
    expect(chunks.length).toBeLessThan(10);
    const text = chunks.join("");
    expect(JSON.parse(text).entries).toHaveLength(20_000);
    expect(text.split("\n")).toHaveLength(20_000 + 3);
  });

  it("splits lines only between entries, never inside a raw that looks like a boundary", async () => {
    const entries = syntheticEntries(3).map((entry) => ({ ...entry, raw: `<body>},{"seq":1}</body>` }));
    const imported = parseTranscriptFile(await exportJson(entries, META).text());
    if (!imported.ok) throw new Error(imported.message);
    expect(imported.entries).toEqual(entries);
  });
});

describe("entryLines", () => {
  // What the file held before the lines were made from the entries' own JSON: every entry
  // through entryForExport, the chunk stringified, a line break before each entry.
  const reference = (chunk: readonly ExportedEntry[], secrets?: ReadonlyMap<number, string>) =>
    JSON.stringify(chunk.map((entry) => entryForExport(entry, secrets))).slice(1, -1).replaceAll('},{"seq":', '},\n{"seq":');
  const lines = (chunk: readonly ExportedEntry[], secrets?: ReadonlyMap<number, string>) => entryLines(JSON.stringify(chunk), () => secrets, secrets !== undefined && secrets.size > 0);

  const REVEALED = "cmV2ZWFsZWQ=";
  const RAWS = [
    "<message to='bob@localhost' type='chat'><body>hi</body></message>",
    // Words the redactor's gate looks for, and nothing secret: parsed, and written back as they were.
    "<message type='chat'><body>the data, its value, a token of success</body></message>",
    "<iq type='set' id='r'><query xmlns='jabber:iq:register'><password>hunter2</password></query></iq>",
    `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${REDACTION_MASK}</auth>`,
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>c2VjcmV0</auth>",
    '<body>},{"seq":1,"raw":"x"}</body>',
    "<body>\"quoted\" \n\u0000 h\u00e9llo \ud83d\ude00 \ud800 \\</body>",
    "<x xmlns='urn:xmpp:fast:0'><token token='abc' expiry='2026'/></x>",
    "<auth",
  ];
  const entryArbitrary = fc.record({
    raw: fc.constantFrom(...RAWS),
    redacted: fc.constantFrom(undefined, true, false),
    seqFirst: fc.boolean(),
    nested: fc.boolean(),
  });

  it("writes the same text as stringifying every entry through entryForExport, secrets revealed or not", () => {
    fc.assert(
      fc.property(fc.array(entryArbitrary, { maxLength: 12 }), fc.boolean(), (specs, reveal) => {
        const chunk: ExportedEntry[] = specs.map(({ raw, redacted, seqFirst, nested }, index) => {
          const seq = index + 1;
          const body = { dir: "in" as const, at: index / 3, wall: 1_700_000_000_000 + index, raw, kind: "message" as const };
          const entry: ExportedEntry = seqFirst ? { seq, ...body } : { ...body, seq };
          if (redacted !== undefined) entry.redacted = redacted;
          // An object array whose items begin with "seq": its `},{"seq":` is not between entries.
          if (nested) entry.invalidBytes = [{ at: 1, hex: "ff" }, { seq: 2, at: 3, hex: "fe" } as unknown as { at: number; hex: string }];
          return entry;
        });
        const secrets = reveal ? new Map(chunk.map((entry) => [entry.seq, `<auth>${REVEALED}</auth>`])) : undefined;
        expect(lines(chunk, secrets)).toBe(reference(chunk, secrets));
      }),
    );
  });

  it("masks the credential an entry carries and unmasks only a revealed, redacted one", () => {
    const chunk: TranscriptEntry[] = [
      { seq: 1, dir: "out", at: 0, wall: 0, raw: "<iq type='set' id='r'><query xmlns='jabber:iq:register'><password>hunter2</password></query></iq>", kind: "iq" },
      { seq: 2, dir: "out", at: 0, wall: 0, raw: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${REDACTION_MASK}</auth>`, kind: "sasl", redacted: true },
      { seq: 3, dir: "in", at: 0, wall: 0, raw: "<message><body>no secret</body></message>", kind: "message" },
    ];
    const written = lines(chunk, new Map([[2, "<auth>c2VjcmV0</auth>"], [3, "<injected/>"]])).split("\n");
    expect(written).toHaveLength(3);
    expect(written[0]).not.toContain("hunter2");
    expect(JSON.parse(written[0]!.replace(/,$/, ""))).toMatchObject({ seq: 1, redacted: true });
    expect(JSON.parse(written[1]!.replace(/,$/, ""))).toMatchObject({ seq: 2, raw: "<auth>c2VjcmV0</auth>", redacted: false, revealedOnExport: true });
    expect(written[2]).toBe(JSON.stringify(chunk[2]));
  });
});

describe("exportJsonInSlices", () => {
  it("writes the same document as exportJson, letting other tasks run meanwhile, without what was appended after it started", async () => {
    // About 8 MB: many slices of work (BlobBuilder's own test covers more than one Blob's worth).
    const entries = syntheticEntries(30_000);
    const whole = await exportJson(entries, META, undefined, EXPORTED_AT).text();
    let otherTasks = 0;
    const other = setInterval(() => otherTasks++, 1);
    const exporting = exportJsonInSlices(entries, META, undefined, EXPORTED_AT);
    entries.push(...syntheticEntries(30_001).slice(30_000));
    const sliced = await (await exporting).text();
    clearInterval(other);
    expect(otherTasks).toBeGreaterThan(0);
    expect(sliced).toBe(whole);
    expect(JSON.parse(sliced).entries).toHaveLength(30_000);
  });
});

describe("export passes every entry through the one redactor", () => {
  // The bridge masked what it recorded (lib/xmpp/transcript.ts); a file written before a form of
  // credential was known, or by another tool, was not: XEP-0077's password, here unmasked and unflagged.
  const OLD_SECRET = "hunter2-from-an-old-file";
  // After the sample's own entries: a file's seqs increase from one entry to the next.
  const imported = {
    seq: 1000,
    dir: "out" as const,
    at: 1,
    wall: 2,
    raw: `<iq type='set' id='reg1'><query xmlns='jabber:iq:register'><username>alice</username><password>${OLD_SECRET}</password></query></iq>`,
    kind: "iq" as const,
    name: "iq",
    attrs: { type: "set", id: "reg1" },
  };

  it("masks a credential an imported entry still carries, and says so", async () => {
    const { entries } = recordSample();
    const text = await (await exportJsonInSlices([...entries, imported], META)).text();
    expect(text).not.toContain(OLD_SECRET);
    const read = parseTranscriptFile(text);
    if (!read.ok) throw new Error(read.message);
    expect(read.entries.at(-1)).toMatchObject({ seq: 1000, redacted: true, raw: expect.stringContaining(`<password>${REDACTION_MASK}</password>`) as unknown });
  });

  it("leaves entries the bridge recorded byte for byte, its masks included", async () => {
    const { entries } = recordSample();
    const read = parseTranscriptFile(await (await exportJsonInSlices(entries, META)).text());
    if (!read.ok) throw new Error(read.message);
    expect(read.entries).toEqual(entries);
    expect(read.entries.find((entry) => entry.name === "auth")?.raw).toBe(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${REDACTION_MASK}</auth>`);
  });
});

/** The root and the `<stream>` children of an XML document, read by saxes with no help from stream-file.ts. */
function outlineOf(xml: string): { root: string; streams: { n: string; text: string }[] } {
  const parser = new SaxesParser({ xmlns: true });
  const outline = { root: "", streams: [] as { n: string; text: string }[] };
  let depth = 0;
  parser.on("opentag", (tag) => {
    depth++;
    if (depth === 1) outline.root = `${tag.local} ${tag.attributes.direction?.value}`;
    if (depth === 2) outline.streams.push({ n: tag.attributes.n?.value ?? "", text: "" });
  });
  parser.on("closetag", () => void depth--);
  parser.on("cdata", (text) => {
    const stream = outline.streams.at(-1);
    if (depth === 2 && stream) stream.text += text;
  });
  parser.write(xml).close();
  return outline;
}

/** The wire text a stream file holds, read back with the file's own reader. */
function wireOf(file: string): string {
  const read = readStreamFile(file);
  if (!read.ok) throw new Error(read.message);
  return read.sections.join("");
}

describe("exportStreamFiles", () => {
  it("holds exactly the wire text of each direction, credentials masked", async () => {
    const { entries } = recordSample();
    const { client, server } = exportStreamFiles(entries);
    const masked = wireText("out").replace(PLAIN_SECRET, REDACTION_MASK);
    expect(wireOf(await client.text())).toBe(masked);
    expect(wireOf(await server.text())).toBe(wireText("in"));
  });

  it("holds the exact client stream when credentials were revealed", async () => {
    const { entries, secrets } = recordSample();
    const { client, server } = exportStreamFiles(entries, secrets);
    expect(wireOf(await client.text())).toBe(wireText("out"));
    expect(wireOf(await server.text())).toBe(wireText("in"));
  });

  it("is one well-formed XML document per direction across STARTTLS and SASL restarts, one <stream> per stream", async () => {
    const { entries, secrets } = recordSample(WIRE_WITH_RESTARTS);
    const { client, server } = exportStreamFiles(entries, secrets);
    for (const [file, dir] of [[await client.text(), "out"], [await server.text(), "in"]] as const) {
      // The wire text alone is not a document: three headers, three XML declarations.
      expect(wireText(dir, WIRE_WITH_RESTARTS).match(/<\?xml /g)).toHaveLength(3);
      // A plain strict parse, not the file's own reader: saxes throws on anything not well-formed.
      const outline = outlineOf(file);
      expect(outline.root).toBe(`xmpp-stream-file ${dir === "out" ? "client-to-server" : "server-to-client"}`);
      expect(outline.streams.map((stream) => stream.n)).toEqual(["1", "2", "3"]);
      expect(outline.streams.map((stream) => stream.text.startsWith("<?xml version='1.0'?><stream:stream "))).toEqual([true, true, true]);
      const strict = walkXml(file, { fragment: false });
      expect(strict.error).toBeNull();
      expect(strict.roots).toBe(1);
      // The carriage returns crossed the wire: they are still there, byte for byte.
      expect(wireOf(file)).toBe(wireText(dir, WIRE_WITH_RESTARTS));
    }
  });

  it("leaves events out: they are not wire text", () => {
    const { entries } = recordSample();
    const client = [...streamFileChunks(entries, "out")].join("");
    const server = [...streamFileChunks(entries, "in")].join("");
    expect(client + server).not.toContain("connecting to");
    expect(client + server).not.toContain("closed by the server");
  });

  it("imports back into the same wire entries, each stream's client entries first, without timing", async () => {
    const { entries } = recordSample(WIRE_WITH_RESTARTS);
    const files = exportStreamFiles(entries);
    const imported = parseStreamFiles(await files.client.text(), await files.server.text());
    if (!imported.ok) throw new Error(imported.message);
    const wire = entries.filter((entry) => entry.dir !== "event");
    // Streams start at each header: client stream N, server stream N, then stream N+1.
    const streamOf = (dir: string) => {
      let n = 0;
      return wire.filter((entry) => entry.dir === dir).map((entry) => ({ entry, n: entry.kind === "stream-open" ? ++n : Math.max(n, 1) }));
    };
    const ordered = [...streamOf("out"), ...streamOf("in")].sort((a, b) => a.n - b.n || (a.entry.dir === b.entry.dir ? 0 : a.entry.dir === "out" ? -1 : 1)).map(({ entry }) => entry);
    expect(imported.entries.map((entry) => [entry.dir, entry.kind, entry.raw])).toEqual(ordered.map((entry) => [entry.dir, entry.kind, entry.raw]));
    // The server's <proceed/> lists before the client's second header, its <success/> before the third.
    const at = (name: string, dir: string, nth = 1) => imported.entries.filter((entry) => entry.name === name && entry.dir === dir)[nth - 1]?.seq ?? NaN;
    expect(at("proceed", "in")).toBeLessThan(at("stream", "out", 2));
    expect(at("success", "in")).toBeLessThan(at("stream", "out", 3));
    expect(imported.entries.every((entry) => entry.at === 0 && entry.wall === 0 && entry.rttMs === undefined)).toBe(true);
    expect(imported.meta.timing).toBe("none");
    // iq pairing still works, because every request precedes its answer.
    const result = imported.entries.find((entry) => entry.attrs?.type === "result");
    const request = imported.entries.find((entry) => entry.attrs?.id === "b1" && entry.dir === "out");
    expect(result?.pair).toBe(request?.seq);
  });

  it("still imports the bare wire text older exports wrote", () => {
    const imported = parseStreamFiles(wireText("out"), wireText("in"));
    if (!imported.ok) throw new Error(imported.message);
    expect(imported.entries.filter((entry) => entry.dir === "out").map((entry) => entry.raw).join("")).toBe(wireText("out").replace(PLAIN_SECRET, REDACTION_MASK));
  });

  it("masks credentials again when revealed stream files are imported", () => {
    const imported = parseStreamFiles(wireText("out"), wireText("in"));
    if (!imported.ok) throw new Error(imported.message);
    const auth = imported.entries.find((entry) => entry.name === "auth");
    expect(auth).toMatchObject({ redacted: true });
    expect(auth?.raw).not.toContain(PLAIN_SECRET);
  });
});

describe("exportJson keeps the true order", () => {
  it("imports with the two directions interleaved as they happened, with their times", async () => {
    const { entries } = recordSample(WIRE_WITH_RESTARTS);
    const imported = parseTranscriptFile(await exportJson(entries, META).text());
    if (!imported.ok) throw new Error(imported.message);
    expect(imported.entries.map((entry) => [entry.seq, entry.dir, entry.at])).toEqual(entries.map((entry) => [entry.seq, entry.dir, entry.at]));
    // Out and in alternate as recorded: the order a stream-file import cannot know.
    const dirs = imported.entries.map((entry) => entry.dir);
    expect(dirs.indexOf("in")).toBeLessThan(dirs.indexOf("out", dirs.indexOf("in")));
    expect(imported.entries.every((entry, index) => index === 0 || entry.at >= imported.entries[index - 1]!.at)).toBe(true);
  });
});

describe("exportAccountsJson: two accounts, one capture", () => {
  /** Two sessions whose entries happened alternately, a's a little before b's. */
  function twoSessions() {
    const a = recordSample().entries.map((entry, index) => ({ ...entry, wall: 1_000 + index * 10 }));
    const b = recordSample(WIRE_WITH_RESTARTS).entries.map((entry, index) => ({ ...entry, wall: 1_005 + index * 10 }));
    return { a, b };
  }

  it("writes one timeline by time, each entry tagged with its account, and reads it back as the two accounts", async () => {
    const { a, b } = twoSessions();
    const text = await exportAccountsJson(
      [
        { meta: { id: "a", jid: "alice@localhost/pg", target: "guided · plain · 127.0.0.1:5222" }, entries: a },
        { meta: { id: "b", jid: "bob@localhost/x" }, entries: b },
      ],
      {},
      EXPORTED_AT,
    ).text();
    const imported = parseTranscriptFile(text);
    if (!imported.ok) throw new Error(imported.message);
    expect((JSON.parse(text) as { version: number }).version).toBe(2);
    expect(imported.meta.accounts).toEqual([
      { id: "a", jid: "alice@localhost/pg", target: "guided · plain · 127.0.0.1:5222" },
      { id: "b", jid: "bob@localhost/x" },
    ]);
    // One timeline: a, b, a, b... while both last, by wall-clock time.
    expect(imported.entries.slice(0, 6).map((entry) => entry.account)).toEqual(["a", "b", "a", "b", "a", "b"]);
    expect(imported.entries.every((entry, index) => index === 0 || entry.wall >= imported.entries[index - 1]!.wall)).toBe(true);
    // Each account's entries are its own, unchanged but for the tag.
    const strip = (entries: typeof imported.entries) => entries.map(({ account: _account, ...entry }) => entry);
    expect(strip(imported.entries.filter((entry) => entry.account === "a"))).toEqual(a);
    expect(strip(imported.entries.filter((entry) => entry.account === "b"))).toEqual(b);
  });

  it("unmasks only the account whose credentials were revealed", async () => {
    const { a, b } = twoSessions();
    const secrets = recordSample().secrets;
    const text = await exportAccountsJson([
      { meta: { id: "a" }, entries: a, secrets },
      { meta: { id: "b" }, entries: b },
    ]).text();
    const imported = parseTranscriptFile(text);
    if (!imported.ok) throw new Error(imported.message);
    const auths = imported.entries.filter((entry) => entry.name === "auth");
    expect(auths.map((entry) => [entry.account, entry.revealedOnExport === true, entry.raw.includes(PLAIN_SECRET)])).toEqual([
      ["a", true, true],
      ["b", false, false],
    ]);
  });
});

describe("exportFileNames", () => {
  it("names files by bare JID and time", () => {
    expect(exportFileNames({ jid: "alice@localhost/pg" }, EXPORTED_AT)).toEqual({
      json: "xmpp-alice@localhost-20250304-050607.json",
      client: "xmpp-alice@localhost-20250304-050607-client.xml",
      server: "xmpp-alice@localhost-20250304-050607-server.xml",
    });
    expect(exportFileNames({ jid: 'e vil"<x>\\@host/../res' }, EXPORTED_AT).json).toBe("xmpp-e_vil_x_@host-20250304-050607.json");
    expect(exportFileNames({}, EXPORTED_AT).json).toBe("xmpp-transcript-20250304-050607.json");
  });
});

describe("BlobBuilder", () => {
  it("encodes chunks to UTF-8 across Blob boundaries, a surrogate pair never split", async () => {
    // Blobs of 7 bytes: every chunk below crosses one, some in the middle of a character.
    const chunks = ["abc", "héllo wörld", "\u{1F600}\u{1F600}x", "", "z".repeat(20), "€ and \u{1F680}"];
    const builder = new BlobBuilder(7);
    for (const chunk of chunks) builder.add(chunk);
    const blob = builder.finish("application/json");
    expect(blob.type).toBe("application/json");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new TextEncoder().encode(chunks.join("")));
  });

  it("makes an empty Blob from nothing", async () => {
    expect((await new BlobBuilder().finish("application/json").text())).toBe("");
  });
});
