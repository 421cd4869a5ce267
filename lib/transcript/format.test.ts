import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatClock, formatDelta, formatDuration, loadPrettyPrinter, prettyText } from "./format";
import { canPrettyPrint } from "./pretty-printer";
import { REDACTION_MASK, type EntryKind, type TranscriptEntry } from "../xmpp/entry";

// The pretty printer loads on first use in the page; these tests read its output at once.
beforeAll(() => loadPrettyPrinter());

function entry(raw: string, kind: EntryKind = "message", dir: TranscriptEntry["dir"] = "in"): TranscriptEntry {
  return { seq: 1, dir, at: 0, wall: 0, raw, kind };
}

describe("prettyText", () => {
  it("indents one element with \\n line breaks, keeping text and entities as they were", () => {
    const raw = `<message to="bob@localhost"><body>a &amp; b  &lt;c&gt;</body><active xmlns="http://jabber.org/protocol/chatstates"/></message>`;
    expect(prettyText(entry(raw))).toBe(
      [
        `<message to="bob@localhost">`,
        `  <body>a &amp; b  &lt;c&gt;</body>`,
        `  <active xmlns="http://jabber.org/protocol/chatstates"/>`,
        `</message>`,
      ].join("\n"),
    );
  });

  it("pretty-prints stanzas that use the stream prefix", () => {
    const raw = `<stream:features><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms></stream:features>`;
    expect(prettyText(entry(raw, "features")).split("\n")).toHaveLength(5);
  });

  it("never repairs malformed XML: it is shown exactly as it crossed the wire", () => {
    const broken = "<message><body>oops</message>";
    expect(prettyText(entry(broken, "malformed"))).toBe(broken);
    // Even when the entry claims to be well-formed (an imported capture, say).
    expect(prettyText(entry(broken, "message"))).toBe(broken);
    expect(canPrettyPrint(entry(broken, "message"))).toBe(false);
  });

  it("shows stream headers, closes, whitespace and events raw", () => {
    const header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
    expect(prettyText(entry(header, "stream-open"))).toBe(header);
    expect(prettyText(entry("</stream:stream>", "stream-close"))).toBe("</stream:stream>");
    expect(prettyText(entry(" ", "whitespace"))).toBe(" ");
    expect(prettyText(entry("<connected/>", "status", "event"))).toBe("<connected/>");
  });

  it("shows two elements in one entry raw rather than one of them", () => {
    const two = "<presence/><presence/>";
    expect(prettyText(entry(two, "presence"))).toBe(two);
  });

  it("formats a revealed text rather than the masked raw when given one", () => {
    const masked = entry(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${REDACTION_MASK}</auth>`, "sasl", "out");
    expect(prettyText(masked)).toContain(REDACTION_MASK);
    const revealed = `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGFsaWNlAGFsaWNl</auth>`;
    expect(prettyText(masked, revealed)).toContain("AGFsaWNlAGFsaWNl");
    expect(prettyText(masked)).not.toContain("AGFsaWNlAGFsaWNl"); // the cache holds the masked form only
  });
});

describe("time", () => {
  // A zone away from UTC, so that local and UTC formatting cannot agree by accident.
  const zone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = "America/New_York";
  });
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it("formats the wall clock as HH:MM:SS.mmm in local time", () => {
    expect(formatClock(new Date(2024, 0, 2, 3, 4, 5, 6).getTime())).toBe("03:04:05.006");
    expect(formatClock(new Date(2024, 0, 2, 23, 59, 59, 999).getTime())).toBe("23:59:59.999");
  });

  it("formats in UTC on request", () => {
    expect(formatClock(Date.UTC(2024, 0, 2, 13, 14, 15, 160), true)).toBe("13:14:15.160");
    expect(formatClock(Date.UTC(2024, 0, 2, 13, 14, 15, 160))).toBe("08:14:15.160");
  });

  it("says so when the time is not a time", () => {
    expect(formatClock(Number.NaN)).toBe("--:--:--.---");
  });

  it("formats deltas at a precision that suits them", () => {
    expect(formatDelta(0.4)).toBe("+0.4 ms");
    expect(formatDelta(999.94)).toBe("+999.9 ms");
    expect(formatDelta(1250)).toBe("+1.25 s");
    expect(formatDelta(125_000)).toBe("+2 min 05 s");
    expect(formatDelta(3_725_000)).toBe("+1 h 02 min 05 s");
    expect(formatDelta(-3)).toBe("+0.0 ms");
    expect(formatDuration(12.345)).toBe("12.3 ms");
  });
});
