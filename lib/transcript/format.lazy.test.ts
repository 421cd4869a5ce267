import { describe, expect, it, vi } from "vitest";
import type { TranscriptEntry } from "../xmpp/entry";

const raw = "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>";
const entry = { seq: 1, dir: "out", kind: "stanza", raw, wall: 0, mono: 0 } as unknown as TranscriptEntry;

describe("the pretty printer loads on first use (no page carries it in its initial JS)", () => {
  it("shows an entry as sent until it has loaded, tells the views when it has, then indents", async () => {
    // A module as a page first loads it: Vitest shares modules between test files (isolate: false).
    vi.resetModules();
    const { isPrettyPrinterReady, loadPrettyPrinter, onPrettyPrinterReady, prettyText } = await import("./format");
    expect(isPrettyPrinterReady()).toBe(false);
    let told = 0;
    const stop = onPrettyPrinterReady(() => told++);
    // Asking for the pretty form starts the load and, meanwhile, gives the text as sent (and does not keep it).
    expect(prettyText(entry)).toBe(raw);
    await loadPrettyPrinter();
    stop();
    expect(told).toBe(1);
    expect(isPrettyPrinterReady()).toBe(true);
    expect(prettyText(entry)).toBe('<iq type="get" id="p1">\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>');
  });
});
