import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { browserIdFrom } from "./browser-id";
import { applySecurityHeaders, contentSecurityPolicy } from "./security-headers";

describe("contentSecurityPolicy", () => {
  it("allows scripts by nonce only, the bridge's sockets, and no framing", () => {
    const policy = contentSecurityPolicy({ nonce: "abc123==", dev: false, host: "localhost:3000" });
    const script = policy.split("; ").find((directive) => directive.startsWith("script-src"));
    expect(script).toBe("script-src 'self' 'nonce-abc123=='");
    expect(policy).toContain("connect-src 'self' ws://localhost:3000 wss://localhost:3000");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy({ nonce: "n", dev: true, host: undefined })).toContain("'unsafe-eval'");
  });

  it("never copies a strange Host header into the policy", () => {
    const policy = contentSecurityPolicy({ nonce: "n", dev: false, host: "evil.example; script-src *" });
    expect(policy).toContain("connect-src 'self';");
    expect(policy).not.toContain("evil");
  });
});

describe("browserIdFrom", () => {
  it("reads the id from the cookie header, ignoring anything malformed", () => {
    const id = "x".repeat(32);
    expect(browserIdFrom({ headers: { cookie: `a=1; playground-browser=${id}` } })).toBe(id);
    expect(browserIdFrom({ headers: { cookie: "playground-browser=short" } })).toBeNull();
    expect(browserIdFrom({ headers: {} })).toBeNull();
  });
});

describe("applySecurityHeaders", () => {
  it("chooses the nonce itself, whatever the client sent, and tells Next.js the same one", () => {
    const request = { headers: { host: "localhost:3000", "content-security-policy": "script-src 'nonce-chosen-by-client'", "x-nonce": "chosen-by-client" } } as unknown as IncomingMessage;
    const sent = new Map<string, string>();
    const response = { setHeader: (name: string, value: string) => sent.set(name.toLowerCase(), value) } as unknown as ServerResponse;
    applySecurityHeaders(request, response, false);
    const nonce = request.headers["x-nonce"] as string;
    expect(nonce).not.toBe("chosen-by-client");
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(request.headers["content-security-policy"]).toBe(sent.get("content-security-policy"));
    expect(sent.get("content-security-policy")).toContain(`'nonce-${nonce}'`);
    expect(sent.get("x-frame-options")).toBe("DENY");
  });
});
