import { describe, expect, it } from "vitest";
import { allowlistFrom, isLoopbackVisitor, type Admission, type HostLookup } from "./allowlist";

/** A resolver that answers from a script, one answer per call (the last one repeats), and counts calls. */
function scriptedLookup(...answers: string[][]): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

const refusedReason = (admission: Admission): string => (admission.ok ? "" : admission.reason);

describe("allowlist: names", () => {
  const bundled = ["127.0.0.1:5222", "localhost:5222"];

  it("allows the bundled server by default and nothing else", () => {
    const allowlist = allowlistFrom(undefined, bundled);
    expect(allowlist.check("127.0.0.1", 5222)).toBeNull();
    expect(allowlist.check("LOCALHOST.", 5222)).toBeNull();
    expect(allowlist.check("127.0.0.1", 22)).toMatch(/not on this playground's allowlist/);
    expect(allowlist.check("example.org", 5222)).toMatch(/XMPP_ALLOWED_HOSTS=example\.org:5222/);
  });

  it("reads hosts, host:port, bracketed and bare IPv6, and ranges from the variable", () => {
    const allowlist = allowlistFrom("xmpp.example.org, 10.1.2.3:5222, [::1]:5222, 2001:db8::7, 192.168.0.0/16:5222, [fd00::/8]:5223", bundled);
    expect(allowlist.check("xmpp.example.org", 5223)).toBeNull();
    expect(allowlist.check("10.1.2.3", 5222)).toBeNull();
    expect(allowlist.check("10.1.2.3", 5223)).not.toBeNull();
    expect(allowlist.check("::1", 5222)).toBeNull();
    expect(allowlist.check("[2001:DB8:0:0:0:0:0:7]", 80)).toBeNull();
    expect(allowlist.check("192.168.44.5", 5222)).toBeNull();
    expect(allowlist.check("fd12::3", 5223)).toBeNull();
    expect(allowlist.check("fd12::3", 5222)).not.toBeNull();
    expect(allowlist.check("127.0.0.1", 5222)).not.toBeNull();
  });

  it("does not match a host by prefix or suffix", () => {
    const allowlist = allowlistFrom("example.org", bundled);
    expect(allowlist.check("evil-example.org", 5222)).not.toBeNull();
    expect(allowlist.check("example.org.evil.com", 5222)).not.toBeNull();
    expect(allowlist.check("xmpp.example.org", 5222)).not.toBeNull();
  });

  it("refuses entries it cannot read, when the server starts", () => {
    expect(() => allowlistFrom("example.org:99999", bundled)).toThrow(/port that is not a number/);
    expect(() => allowlistFrom("0.0.0.0:5222", bundled)).toThrow(/never dials/);
    expect(() => allowlistFrom("0x7f000001", bundled)).toThrow(/numeric spelling/);
    expect(() => allowlistFrom("exa mple.org", bundled)).toThrow(/not a host name/);
  });
});

describe("allowlist: every spelling of a host it does not allow", () => {
  // Only a public name is allowed; everything below names this machine or its networks.
  const lookup = scriptedLookup(["93.184.216.34"]);
  const allowlist = allowlistFrom("xmpp.example.org:5222", [], { lookup });
  const spellings = [
    "127.0.0.1", "127.0.0.2", "127.255.255.254", "0.0.0.0", "0.0.0.1",
    "::1", "[::1]", "0:0:0:0:0:0:0:1", "0000:0000:0000:0000:0000:0000:0000:0001", "::", "[::]",
    "::ffff:127.0.0.1", "[::ffff:127.0.0.1]", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:1", "0000:0000:0000:0000:0000:ffff:127.0.0.1",
    "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "fe80::1", "fe80::1%eth0", "[fe80::1%25eth0]", "fd00::1",
    "169.254.169.254", "10.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "224.0.0.1", "255.255.255.255",
    "localhost", "LOCALHOST", "localhost.", "ip6-localhost", "xmpp.example.org.internal",
  ];

  it.each(spellings)("refuses %s", async (host) => {
    expect(allowlist.check(host, 5222)).not.toBeNull();
    expect((await allowlist.admit(host, 5222)).ok).toBe(false);
  });

  const numeric = ["2130706433", "0x7f000001", "0X7F.0.0.1", "0177.0.0.1", "017700000001", "127.1", "127.0.1", "0", "0x0", "127.000.000.001", "1.2.3.4.5", "3232235777"];

  it.each(numeric)("refuses the numeric spelling %s and says how to write an address", async (host) => {
    const admission = await allowlist.admit(host, 5222);
    expect(refusedReason(admission)).toMatch(/four decimal numbers|not on this playground's allowlist/);
  });

  it("never asked DNS about any of them", () => {
    expect(lookup.calls).toEqual([]);
  });
});

describe("allowlist: addresses a name resolves to", () => {
  it("admits a public answer and says which addresses to dial", async () => {
    const lookup = scriptedLookup(["2001:4860:4860::8888", "93.184.216.34"]);
    const admission = await allowlistFrom("XMPP.Example.org.:5222", [], { lookup }).admit("xmpp.EXAMPLE.org.", 5222);
    expect(admission).toEqual({ ok: true, target: { host: "xmpp.example.org", port: 5222, addresses: ["93.184.216.34", "2001:4860:4860::8888"] } });
    expect(lookup.calls).toEqual(["xmpp.example.org"]);
  });

  it.each([
    ["127.0.0.1", /loopback/],
    ["10.0.0.5", /private address \(RFC 1918\)/],
    ["169.254.169.254", /link-local/],
    ["::ffff:192.168.0.10", /private address/],
    ["fd00::5", /unique local/],
    ["::1", /IPv6 loopback/],
  ])("refuses a name that resolves to %s unless the address is named too", async (address, why) => {
    const refused = await allowlistFrom("xmpp.corp.example:5222", [], { lookup: scriptedLookup([address]) }).admit("xmpp.corp.example", 5222);
    expect(refusedReason(refused)).toMatch(why);
    expect(refusedReason(refused)).toMatch(/XMPP_ALLOWED_HOSTS=xmpp\.corp\.example:5222,/);

    const canonical = address.replace("::ffff:", "");
    const entry = canonical.includes(":") ? `[${canonical}]:5222` : `${canonical}:5222`;
    const named = await allowlistFrom(`xmpp.corp.example:5222,${entry}`, [], { lookup: scriptedLookup([address]) }).admit("xmpp.corp.example", 5222);
    expect(named).toMatchObject({ ok: true, target: { addresses: [canonical] } });
  });

  it("accepts a range entry for a private network, on its port only", async () => {
    const allowlist = allowlistFrom("xmpp.corp.example,10.0.0.0/8:5222", [], { lookup: scriptedLookup(["10.20.30.40"]) });
    expect((await allowlist.admit("xmpp.corp.example", 5222)).ok).toBe(true);
    expect(refusedReason(await allowlist.admit("xmpp.corp.example", 5269))).toMatch(/10\.20\.30\.40/);
  });

  it("refuses the whole name when any one answer is not allowed", async () => {
    const lookup = scriptedLookup(["93.184.216.34", "127.0.0.1"]);
    const refused = await allowlistFrom("xmpp.example.org:5222", [], { lookup }).admit("xmpp.example.org", 5222);
    expect(refusedReason(refused)).toMatch(/resolves to 127\.0\.0\.1/);
  });

  it("never dials unspecified, multicast or broadcast answers, even under a catch-all range", async () => {
    for (const address of ["0.0.0.0", "::", "239.1.1.1", "255.255.255.255", "ff02::1"]) {
      const allowlist = allowlistFrom("xmpp.example.org,0.0.0.0/0,::/0", [], { lookup: scriptedLookup([address]) });
      expect(refusedReason(await allowlist.admit("xmpp.example.org", 5222))).toMatch(/never dials/);
    }
  });

  it("resolves once: an answer that changes afterwards (DNS rebinding) is never used", async () => {
    const lookup = scriptedLookup(["93.184.216.34"], ["127.0.0.1"]);
    const admission = await allowlistFrom("rebind.example:5222", [], { lookup }).admit("rebind.example", 5222);
    expect(admission).toMatchObject({ ok: true, target: { addresses: ["93.184.216.34"] } });
    expect(lookup.calls).toHaveLength(1);
  });

  it("says so when a name does not resolve, or resolves to something that is not an address", async () => {
    const failing: HostLookup = () => Promise.reject(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }));
    expect(refusedReason(await allowlistFrom("nowhere.example", [], { lookup: failing }).admit("nowhere.example", 5222))).toMatch(/does not resolve \(ENOTFOUND\)/);
    expect(refusedReason(await allowlistFrom("odd.example", [], { lookup: scriptedLookup(["not-an-ip"]) }).admit("odd.example", 5222))).toMatch(/not an IP address/);
    expect(refusedReason(await allowlistFrom("empty.example", [], { lookup: scriptedLookup([]) }).admit("empty.example", 5222))).toMatch(/has no address/);
  });

  it("admits the equivalent spellings of an allowed address and dials its canonical form", async () => {
    const allowlist = allowlistFrom("127.0.0.1:5222,[::1]:5222", []);
    for (const host of ["127.0.0.1", "::ffff:127.0.0.1", "[::ffff:7f00:1]", "0:0:0:0:0:ffff:7f00:1"]) {
      expect(await allowlist.admit(host, 5222)).toMatchObject({ ok: true, target: { host: "127.0.0.1", addresses: ["127.0.0.1"] } });
    }
    for (const host of ["::1", "[0:0:0:0:0:0:0:1]", "0000:0000:0000:0000:0000:0000:0000:0001"]) {
      expect(await allowlist.admit(host, 5222)).toMatchObject({ ok: true, target: { host: "::1", addresses: ["::1"] } });
    }
    expect((await allowlist.admit("127.0.0.1", 0)).ok).toBe(false);
  });
});

describe("allowlist: who reads its entries", () => {
  const allowlist = allowlistFrom("intranet.corp.example:5222, 10.20.0.0/16:5222", []);

  it("names the variable to set, not the entries, in a refusal", async () => {
    for (const reason of [allowlist.check("example.org", 5222), refusedReason(await allowlist.admit("example.org", 5222))]) {
      expect(reason).toMatch(/not on this playground's allowlist\. .*XMPP_ALLOWED_HOSTS=example\.org:5222\. The bridge's log lists what it allows now\./);
      expect(reason).not.toMatch(/intranet|10\.20/);
    }
    expect(allowlist.forVisitor(false).check("example.org", 5222)).not.toMatch(/intranet|10\.20/);
  });

  it("lists the entries to a visitor on this machine", async () => {
    const local = allowlist.forVisitor(true);
    expect(local.check("example.org", 5222)).toContain("(intranet.corp.example:5222, 10.20.0.0/16:5222)");
    expect(refusedReason(await local.admit("example.org", 5222))).toContain("intranet.corp.example:5222");
    expect(local.check("intranet.corp.example", 5222)).toBeNull();
  });

  it("keeps the entries for the operator's log", () => {
    expect(allowlist.describe()).toBe("intranet.corp.example:5222, 10.20.0.0/16:5222");
  });

  it.each([
    ["127.0.0.1", {}, true],
    ["127.8.9.10", {}, true],
    ["::1", {}, true],
    ["::ffff:127.0.0.1", {}, true],
    ["10.20.0.5", {}, false],
    ["2001:db8::1", {}, false],
    [undefined, {}, false],
    ["127.0.0.1", { "x-forwarded-for": "203.0.113.9" }, false],
    ["127.0.0.1", { forwarded: "for=203.0.113.9" }, false],
    ["::1", { "x-real-ip": "203.0.113.9" }, false],
  ] as const)("a visitor from %s with headers %o is local: %s", (address, headers, local) => {
    expect(isLoopbackVisitor(address, headers)).toBe(local);
  });
});
