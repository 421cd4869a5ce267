import { describe, expect, it } from "vitest";
import { originCheck } from "./origin-check";

const request = (host: string, origin?: string) => ({ headers: { host, ...(origin === undefined ? {} : { origin }) } });

describe("the bridge's Origin check", () => {
  const check = originCheck(undefined);

  it("lets the page that came from this server in", () => {
    for (const [host, origin] of [["localhost:3000", "http://localhost:3000"], ["127.0.0.1:3102", "http://127.0.0.1:3102"], ["[::1]:3000", "http://[::1]:3000"]] as const) {
      expect(check(request(host, origin))).toEqual({ ok: true });
    }
  });

  it.each([
    ["no Origin", undefined, /no Origin header/],
    ["an empty Origin", "", /no Origin header/],
    ["the opaque origin of a sandboxed frame", "null", /no Origin header/],
    ["another site", "http://evil.example", /another site/],
    ["another port of this machine", "http://localhost:8080", /another site/],
    ["a file page", "file://", /not a web page/],
    ["garbage", "not a url", /not an origin/],
  ])("refuses %s", (_, origin, reason) => {
    const verdict = check(request("localhost:3000", origin));
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it("refuses a rebound name even when Origin and Host agree, unless the operator lists it", () => {
    const rebound = request("evil.example:3000", "http://evil.example:3000");
    expect(check(rebound)).toMatchObject({ ok: false, reason: expect.stringMatching(/BRIDGE_ALLOWED_ORIGINS/) as unknown });
    const configured = originCheck("https://playground.example.org, http://evil.example:3000");
    expect(configured(rebound)).toEqual({ ok: true });
    expect(configured(request("anything:1", "https://playground.example.org"))).toEqual({ ok: true });
    expect(() => originCheck("playground.example.org")).toThrow(/not an origin/);
  });
});
