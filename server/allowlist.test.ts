import { describe, expect, it } from "vitest";
import { allowlistFrom } from "./allowlist";

describe("allowlist", () => {
  const bundled = ["127.0.0.1:5222", "localhost:5222"];

  it("allows the bundled server by default and nothing else", () => {
    const allowlist = allowlistFrom(undefined, bundled);
    expect(allowlist.check("127.0.0.1", 5222)).toBeNull();
    expect(allowlist.check("LOCALHOST.", 5222)).toBeNull();
    expect(allowlist.check("127.0.0.1", 22)).toMatch(/not on this playground's allowlist/);
    expect(allowlist.check("example.org", 5222)).toMatch(/XMPP_ALLOWED_HOSTS=example\.org:5222/);
  });

  it("reads hosts, host:port and bracketed IPv6 from the variable", () => {
    const allowlist = allowlistFrom("xmpp.example.org, 10.1.2.3:5222, [::1]:5222, ::2", bundled);
    expect(allowlist.check("xmpp.example.org", 5223)).toBeNull();
    expect(allowlist.check("10.1.2.3", 5222)).toBeNull();
    expect(allowlist.check("10.1.2.3", 5223)).not.toBeNull();
    expect(allowlist.check("::1", 5222)).toBeNull();
    expect(allowlist.check("[::2]", 80)).toBeNull();
    expect(allowlist.check("127.0.0.1", 5222)).not.toBeNull();
  });

  it("does not match a host by prefix or suffix", () => {
    const allowlist = allowlistFrom("example.org", bundled);
    expect(allowlist.check("evil-example.org", 5222)).not.toBeNull();
    expect(allowlist.check("example.org.evil.com", 5222)).not.toBeNull();
  });
});
