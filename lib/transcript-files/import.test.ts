import { describe, expect, it, vi } from "vitest";
import { parseTranscriptFile } from "./import";
import { readCaptureFiles, STREAM_FILES_NOTE, type CaptureFile } from "./import-streams";
import { wireText } from "./test-fixtures";

const GOOD_ENTRY = { seq: 1, dir: "out", at: 0.5, wall: 1_700_000_000_000, raw: "<presence/>", kind: "presence", name: "presence", ns: "jabber:client" };

function file(entries: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format: "xmpp-playground-transcript", version: 1, exportedAt: "2025-01-01T00:00:00.000Z", meta: {}, entries, ...extra });
}

function messageOf(text: string): string {
  const result = parseTranscriptFile(text);
  if (result.ok) throw new Error("expected the file to be refused");
  return result.message;
}

describe("parseTranscriptFile refuses bad files, saying what and where", () => {
  it.each([
    ["not JSON", "{ nope", /^This file is not valid JSON \(.+\)\. Export the capture again/],
    ["empty", "  \n", /^The file is empty\./],
    ["an XML stream file", "<?xml version='1.0'?><stream:stream>", /looks like an XML stream file.*Import the client and server stream files together/],
    ["a list", "[]", /^The file holds a list, not a transcript object\./],
    ["another format", JSON.stringify({ format: "har", version: 1, entries: [] }), /not an XMPP Playground transcript: `format` is "har"/],
    ["no format", JSON.stringify({ version: 1, entries: [] }), /`format` is nothing/],
    ["a newer version", file([], { version: 3 }), /version 3, newer than this playground reads \(2\)\. Update the playground/],
    ["no version", file([], { version: undefined }), /`version` is nothing; this playground reads versions 1 and 2/],
    ["version 2 without accounts", file([], { version: 2 }), /`accounts` must be a list of accounts, found nothing/],
    ["an account without id", file([], { version: 2, accounts: [{ jid: "a@b" }] }), /accounts\[0\]: `id` must be a short name/],
    ["an entry of no account", file([GOOD_ENTRY], { version: 2, accounts: [{ id: "a" }] }), /entry 1: `account` must be one of a, found nothing/],
    ["meta.anonymized as text", file([], { meta: { anonymized: "yes" } }), /meta: `anonymized` must be true or false/],
    ["a text version", file([], { version: "1" }), /`version` is "1"/],
    ["no entries", file([], { entries: undefined }), /`entries` must be a list of entries, found nothing/],
    ["meta not an object", file([], { meta: "alice" }), /`meta` must be an object, found "alice"/],
    ["meta.jid a number", file([], { meta: { jid: 5 } }), /meta: `jid` must be text, found 5/],
    ["a bad exportedAt", file([], { exportedAt: "yesterday" }), /`exportedAt` must be a date/],
  ])("%s", (_name, text, expected) => {
    expect(messageOf(text)).toMatch(expected);
  });

  it.each([
    ["not an object", [GOOD_ENTRY, "hello"], "entry 2: must be an object, found \"hello\""],
    ["seq missing", [{ ...GOOD_ENTRY, seq: undefined }], "entry 1: `seq` must be a whole number from 1 up, found nothing"],
    ["seq zero", [{ ...GOOD_ENTRY, seq: 0 }], "entry 1: `seq` must be a whole number from 1 up, found 0"],
    ["seq fractional", [{ ...GOOD_ENTRY, seq: 1.5 }], "found 1.5"],
    ["seq repeated", [GOOD_ENTRY, { ...GOOD_ENTRY }], "entry 2: `seq` must increase from one entry to the next, but 1 follows 1"],
    ["seq going back", [{ ...GOOD_ENTRY, seq: 5 }, { ...GOOD_ENTRY, seq: 3 }], "but 3 follows 5"],
    ["dir unknown", [GOOD_ENTRY, { ...GOOD_ENTRY, seq: 2 }, { ...GOOD_ENTRY, seq: 3, dir: "sideways" }], "entry 3: `dir` must be in, out or event, found \"sideways\""],
    ["at negative", [{ ...GOOD_ENTRY, at: -1 }], "entry 1: `at` must be milliseconds since the session started"],
    ["wall as text", [{ ...GOOD_ENTRY, wall: "noon" }], "entry 1: `wall` must be epoch milliseconds (a number, 0 or more), found \"noon\""],
    ["raw missing", [{ ...GOOD_ENTRY, raw: undefined }], "entry 1: `raw` must be text, found nothing"],
    ["kind unknown", [{ ...GOOD_ENTRY, kind: "stanza" }], "entry 1: `kind` must be one of stream-open, stream-close"],
    ["name a number", [{ ...GOOD_ENTRY, name: 3 }], "entry 1: `name` must be text, found 3"],
    ["redacted as text", [{ ...GOOD_ENTRY, redacted: "yes" }], "entry 1: `redacted` must be true or false, found \"yes\""],
    ["pair pointing forward", [{ ...GOOD_ENTRY, pair: 4 }], "entry 1: `pair` must be the seq of an earlier entry, found 4"],
    ["rttMs negative", [{ ...GOOD_ENTRY, rttMs: -3 }], "entry 1: `rttMs` must be a number of milliseconds"],
    ["attrs a list", [{ ...GOOD_ENTRY, attrs: [] }], "entry 1: `attrs` must be an object, found a list"],
    ["attrs.to a number", [{ ...GOOD_ENTRY, attrs: { to: 42 } }], "entry 1: `attrs.to` must be text, found 42"],
  ])("entry with %s", (_name, entries, expected) => {
    const message = messageOf(file(entries));
    expect(message).toContain(expected);
    expect(message).toMatch(/Export the capture again from the playground, or correct the file/);
  });

  it("refuses text over the size cap without parsing it", () => {
    const result = parseTranscriptFile(file([GOOD_ENTRY]), { maxChars: 100 });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/larger than .* MB, the most the playground imports/) as unknown });
  });

  it("shortens long values in messages", () => {
    const message = messageOf(file([{ ...GOOD_ENTRY, dir: "x".repeat(5000) }]));
    expect(message.length).toBeLessThan(300);
  });
});

describe("parseTranscriptFile treats the file as untrusted", () => {
  it("keeps known fields only and never touches prototypes", () => {
    const text =
      '{"format":"xmpp-playground-transcript","version":1,"__proto__":{"polluted":1},"meta":{"jid":"a@b","__proto__":{"polluted":2},"extra":1},' +
      '"entries":[{"seq":1,"dir":"in","at":0,"wall":0,"raw":"<x/>","kind":"other","__proto__":{"polluted":3},"constructor":{"prototype":{"polluted":4}},' +
      '"onclick":"alert(1)","attrs":{"to":"a@b","__proto__":{"polluted":5},"style":"x"}}]}';
    const result = parseTranscriptFile(text);
    if (!result.ok) throw new Error(result.message);
    const entry = result.entries[0]!;
    expect(Object.keys(entry).sort()).toEqual(["at", "attrs", "dir", "kind", "raw", "seq", "wall"]);
    expect(Object.keys(entry.attrs!)).toEqual(["to"]);
    expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(entry.attrs)).toBe(Object.prototype);
    expect(result.meta).toEqual({ jid: "a@b", timing: "recorded" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads only own fields: a polluted Object.prototype cannot supply a missing one", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.raw = "<inherited/>";
    try {
      expect(messageOf(file([{ ...GOOD_ENTRY, raw: undefined }]))).toContain("`raw` must be text, found nothing");
    } finally {
      delete proto.raw;
    }
  });

  it("keeps revealedOnExport so the viewer can say the file holds credentials", () => {
    const result = parseTranscriptFile(file([{ ...GOOD_ENTRY, redacted: false, revealedOnExport: true }]));
    expect(result).toMatchObject({ ok: true, entries: [{ redacted: false, revealedOnExport: true }] });
  });

  it("keeps an event's code, and refuses an unknown one", () => {
    const event = { ...GOOD_ENTRY, dir: "event", kind: "status", raw: "TLS established (TLSv1.3)" };
    expect(parseTranscriptFile(file([{ ...event, code: "tls-established" }]))).toMatchObject({ ok: true, entries: [{ code: "tls-established" }] });
    expect(parseTranscriptFile(file([{ ...event, code: "tls-maybe" }]))).toMatchObject({ ok: false });
  });

  it("keeps the mark of an automatic reply, and refuses one that is not a boolean", () => {
    expect(parseTranscriptFile(file([{ ...GOOD_ENTRY, auto: true }]))).toMatchObject({ ok: true, entries: [{ auto: true }] });
    expect(parseTranscriptFile(file([{ ...GOOD_ENTRY, auto: "yes" }]))).toMatchObject({ ok: false });
  });
});

function captureFile(name: string, text: string, size = text.length): CaptureFile & { text: ReturnType<typeof vi.fn> } {
  return { name, size, text: vi.fn(() => Promise.resolve(text)) };
}

describe("readCaptureFiles", () => {
  it("reads one JSON transcript", async () => {
    expect(await readCaptureFiles([captureFile("t.json", file([GOOD_ENTRY]))])).toMatchObject({ ok: true, entries: [{ seq: 1 }] });
  });

  it("refuses a file over the cap before reading it", async () => {
    const huge = captureFile("huge.json", "", 600 * 1024 * 1024);
    const result = await readCaptureFiles([huge]);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("larger than 512 MB") as unknown });
    expect(huge.text).not.toHaveBeenCalled();
  });

  it("takes two stream files in either order, by name or by the server's stream id", async () => {
    const client = wireText("out");
    const server = wireText("in");
    for (const files of [
      [captureFile("a-server.xml", server), captureFile("a-client.xml", client)],
      [captureFile("one.xml", server), captureFile("two.xml", client)],
      [captureFile("one.xml", client), captureFile("two.xml", server)],
    ]) {
      const result = await readCaptureFiles(files);
      if (!result.ok) throw new Error(result.message);
      expect(result.entries[0]).toMatchObject({ dir: "out", kind: "stream-open" });
      expect(result.entries.filter((entry) => entry.dir === "in").map((entry) => entry.raw).join("")).toBe(server);
      expect(result.meta.note).toBe(STREAM_FILES_NOTE);
    }
  });

  it("says what to choose when given too many or no files", async () => {
    expect(await readCaptureFiles([])).toMatchObject({ ok: false, message: expect.stringContaining("No file chosen") as unknown });
    const three = [captureFile("a", ""), captureFile("b", ""), captureFile("c", "")];
    expect(await readCaptureFiles(three)).toMatchObject({ ok: false, message: expect.stringContaining("3 files chosen") as unknown });
  });

  it("turns a failing read into a message", async () => {
    const broken: CaptureFile = { name: "x.json", size: 1, text: () => Promise.reject(new Error("permission denied")) };
    expect(await readCaptureFiles([broken])).toEqual({ ok: false, message: "The file could not be read: permission denied" });
  });
});

describe("parseTranscriptFile keeps what a hostile server did", () => {
  it("reads back the stream error an entry called for and the bytes that were not UTF-8", () => {
    const entry = { ...GOOD_ENTRY, dir: "in", raw: "<a>caf\uFFFD</a>", kind: "malformed", error: "not UTF-8", violation: "unsupported-encoding", invalidBytes: [{ at: 6, hex: "e9" }] };
    const result = parseTranscriptFile(file([entry]));
    expect(result.ok && result.entries[0]).toMatchObject({ violation: "unsupported-encoding", invalidBytes: [{ at: 6, hex: "e9" }] });
    expect(messageOf(file([{ ...entry, violation: "<script>" }]))).toMatch(/`violation` must be one of restricted-xml, /);
    expect(messageOf(file([{ ...entry, invalidBytes: [{ at: 0, hex: "e9" }] }]))).toMatch(/`invalidBytes\[0\]` must be \{ at, hex \} with a U\+FFFD/);
  });
});
