import { describe, expect, it } from "vitest";
import { REDACTION_MASK } from "../xmpp/entry";
import { exportFileNames, exportJson, exportStreamFiles, streamFileChunks, transcriptJsonChunks } from "./export";
import { parseTranscriptFile } from "./import";
import { parseStreamFiles } from "./import-streams";
import { PLAIN_SECRET, recordSample, syntheticEntries, wireText } from "./test-fixtures";

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

describe("exportStreamFiles", () => {
  it("concatenates exactly the wire text of each direction, credentials masked", async () => {
    const { entries } = recordSample();
    const { client, server } = exportStreamFiles(entries);
    const masked = wireText("out").replace(PLAIN_SECRET, REDACTION_MASK);
    expect(await client.text()).toBe(masked);
    expect(await server.text()).toBe(wireText("in"));
  });

  it("writes the exact client stream when credentials were revealed", async () => {
    const { entries, secrets } = recordSample();
    const { client, server } = exportStreamFiles(entries, secrets);
    expect(await client.text()).toBe(wireText("out"));
    expect(await server.text()).toBe(wireText("in"));
  });

  it("leaves events out: they are not wire text", () => {
    const { entries } = recordSample();
    const client = [...streamFileChunks(entries, "out")].join("");
    const server = [...streamFileChunks(entries, "in")].join("");
    expect(client + server).not.toContain("connecting to");
    expect(client + server).not.toContain("closed by the server");
  });

  it("imports back into the same wire entries, client first, without timing", async () => {
    const { entries } = recordSample();
    const files = exportStreamFiles(entries);
    const imported = parseStreamFiles(await files.client.text(), await files.server.text());
    if (!imported.ok) throw new Error(imported.message);
    const wire = entries.filter((entry) => entry.dir !== "event");
    const byDirection = [...wire.filter((entry) => entry.dir === "out"), ...wire.filter((entry) => entry.dir === "in")];
    expect(imported.entries.map((entry) => [entry.dir, entry.kind, entry.raw])).toEqual(byDirection.map((entry) => [entry.dir, entry.kind, entry.raw]));
    expect(imported.entries.every((entry) => entry.at === 0 && entry.wall === 0 && entry.rttMs === undefined)).toBe(true);
    expect(imported.meta.timing).toBe("none");
    // iq pairing still works, because every request precedes its answer.
    const result = imported.entries.find((entry) => entry.attrs?.type === "result");
    const request = imported.entries.find((entry) => entry.attrs?.id === "r1" && entry.dir === "out");
    expect(result?.pair).toBe(request?.seq);
  });

  it("masks credentials again when revealed stream files are imported", () => {
    const imported = parseStreamFiles(wireText("out"), wireText("in"));
    if (!imported.ok) throw new Error(imported.message);
    const auth = imported.entries.find((entry) => entry.name === "auth");
    expect(auth).toMatchObject({ redacted: true });
    expect(auth?.raw).not.toContain(PLAIN_SECRET);
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
