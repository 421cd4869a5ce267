import { describe, expect, it } from "vitest";
import { captureName, formatCaptureLink, parseCaptureLink } from "./capture-link";

describe("capture links", () => {
  it("round-trip a capture, an entry and an account, whatever the name holds", () => {
    for (const link of [
      { capture: "xmpp-alice@localhost-20250304-050607.json", entry: 87 },
      { capture: "a&b=c#d e.json", entry: 1, account: "b" },
      { capture: "saved:3f2a", entry: 12000 },
    ]) {
      const hash = formatCaptureLink(link);
      expect(hash.startsWith("#capture=")).toBe(true);
      expect(parseCaptureLink(hash)).toEqual(link);
    }
  });

  it.each(["", "#", "#capture=x", "#capture=x&entry=0", "#capture=x&entry=1.5", "#entry=3", "#capture=&entry=3"])("refuses %j", (hash) => {
    expect(parseCaptureLink(hash)).toBeNull();
  });

  it("names a capture by its file, its pair of stream files or its saved session", () => {
    expect(captureName(["t.json"])).toBe("t.json");
    expect(captureName(["x-client.xml", "x-server.xml"])).toBe("x-streams");
    expect(captureName(["a.xml", "b.xml"])).toBe("a.xml+b.xml");
    expect(captureName([], "k1")).toBe("saved:k1");
  });
});
