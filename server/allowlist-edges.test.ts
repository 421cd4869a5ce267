import { afterEach, describe, expect, it, vi } from "vitest";
import { allowlistFrom, systemLookup, type Admission, type HostLookup } from "./allowlist";

/**
 * The allowlist's edges, each a mutant that survived the other tests: port bounds, the exact
 * refusals (what a person reads to fix it), name rules, and a resolver that never answers.
 */
const answering =
  (...addresses: string[]): HostLookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

const reason = (admission: Admission): string => (admission.ok ? "(admitted)" : admission.reason);
const VARIABLE_ADVICE = "The operator can allow it by adding it to the XMPP_ALLOWED_HOSTS environment variable, for example XMPP_ALLOWED_HOSTS=";

afterEach(() => {
  vi.useRealTimers();
});

describe("allowlist: ports", () => {
  const allowlist = allowlistFrom("127.0.0.1", []);

  it.each([1, 65535])("admits port %d, the ends of the TCP range", async (port) => {
    expect(await allowlist.admit("127.0.0.1", port)).toEqual({ ok: true, target: { host: "127.0.0.1", port, addresses: ["127.0.0.1"] } });
  });

  it.each([0, 65536, 5222.5, -1])("refuses port %d, saying what a port is", async (port) => {
    expect(reason(await allowlist.admit("127.0.0.1", port))).toBe(`${port} is not a TCP port; give a number from 1 to 65535.`);
  });

  it.each(["h.example:1", "h.example:65535"])("reads the entry %s", (entry) => {
    expect(allowlistFrom(entry, []).describe()).toBe(entry);
  });

  it.each(["h.example:0", "h.example:65536", "h.example:+5222", "h.example:"])("refuses the entry %s, saying how to write one", (entry) => {
    expect(() => allowlistFrom(entry, [])).toThrow(`XMPP_ALLOWED_HOSTS: "${entry}" has a port that is not a number from 1 to 65535. Write entries as host, host:port, a.b.c.d/n or [v6]:port, separated by commas.`);
  });
});

describe("allowlist: what a refusal says", () => {
  it("off the list, to a visitor from elsewhere: the host and port, the variable, and where the entries are", () => {
    expect(allowlistFrom("a.example:5222", []).check("b.example", 5222)).toBe(`b.example:5222 is not on this playground's allowlist. ${VARIABLE_ADVICE}b.example:5222. The bridge's log lists what it allows now.`);
  });

  it("off the list, to a visitor on this machine: the entries themselves, IPv6 in brackets", () => {
    expect(allowlistFrom("a.example:5222,[::1]:5223", []).forVisitor(true).check("::2", 5222)).toBe(`[::2]:5222 is not on this playground's allowlist (a.example:5222, [::1]:5223). ${VARIABLE_ADVICE}[::2]:5222.`);
  });

  it("a name that resolves to a private address: the name, the address, and both entries to add", async () => {
    const admission = await allowlistFrom("xmpp.corp.example:5222", [], { lookup: answering("10.1.2.3") }).admit("xmpp.corp.example", 5222);
    expect(reason(admission)).toBe(
      `xmpp.corp.example resolves to 10.1.2.3, which is a private address (RFC 1918); the allowlist must name that address for the bridge to dial it. ${VARIABLE_ADVICE}xmpp.corp.example:5222,10.1.2.3:5222.`,
    );
  });

  it("a private address typed as such: the address alone", async () => {
    const admission = await allowlistFrom("10.0.0.0/8:5223", [], { lookup: answering() }).admit("10.1.2.3", 5222);
    expect(reason(admission)).toMatch(/^10\.1\.2\.3:5222 is not on this playground's allowlist/);
  });

  it("an address the bridge never dials, named by the name that resolved to it", async () => {
    const admission = await allowlistFrom("odd.example", [], { lookup: answering("224.0.0.1") }).admit("odd.example", 5222);
    expect(reason(admission)).toMatch(/^odd\.example resolves to 224\.0\.0\.1, which is .*: the bridge never dials it\. Use the server's real address, such as 127\.0\.0\.1 for this machine\.$/);
  });

  it("a name that does not resolve: its error code, or its message when there is none, or what was thrown", async () => {
    const thrower = (thrown: unknown): HostLookup => async () => {
      throw thrown;
    };
    expect(reason(await allowlistFrom("x.example", [], { lookup: thrower(Object.assign(new Error("no"), { code: "ENOTFOUND" })) }).admit("x.example", 5222))).toBe(
      "x.example does not resolve (ENOTFOUND); check the name, or the DNS of the machine running the playground.",
    );
    expect(reason(await allowlistFrom("x.example", [], { lookup: thrower(new Error("resolver broke")) }).admit("x.example", 5222))).toMatch(/^x\.example does not resolve \(resolver broke\);/);
    expect(reason(await allowlistFrom("x.example", [], { lookup: thrower("plain text") }).admit("x.example", 5222))).toMatch(/^x\.example does not resolve \(plain text\);/);
    expect(reason(await allowlistFrom("x.example", [], { lookup: answering("nonsense") }).admit("x.example", 5222))).toBe('x.example resolved to "nonsense", which is not an IP address; the bridge does not dial it.');
    expect(reason(await allowlistFrom("x.example", [], { lookup: answering() }).admit("x.example", 5222))).toBe("x.example has no address; check the name.");
  });

  it("gives up on a resolver that never answers after 10 s, not before", async () => {
    vi.useFakeTimers();
    const silent: HostLookup = () => new Promise(() => undefined);
    let settled: Admission | undefined;
    void allowlistFrom("slow.example", [], { lookup: silent })
      .admit("slow.example", 5222)
      .then((admission) => (settled = admission));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(reason(settled!)).toMatch(/^slow\.example does not resolve \(ETIMEOUT\);/);
  });
});

describe("allowlist: names, as typed and as listed", () => {
  it("dials IPv4 answers first and each address once", async () => {
    const admission = await allowlistFrom("dual.example", [], { lookup: answering("2606:4700::1", "93.184.216.34", "2606:4700::1") }).admit("dual.example", 5222);
    expect(admission).toEqual({ ok: true, target: { host: "dual.example", port: 5222, addresses: ["93.184.216.34", "2606:4700::1"] } });
  });

  it.each([
    ["a bracketed name", "[xmpp.example]", /"\[xmpp\.example\]" is not a host name or an IP address \(zone ids like %eth0 are not accepted\); write a name such as xmpp\.example\.org/],
    ["a zone id", "fe80::1%eth0", /zone ids/],
    ["a port in the host", "xmpp.example:5222", /is not a host name or an IP address/],
    ["a label that starts with a hyphen", "-a.example", /^"-a\.example" is not a host name; write it like xmpp\.example\.org \(letters, digits and hyphens between dots\)\.$/],
    ["a label that ends with a hyphen", "a-.example", /is not a host name;/],
    ["a label of 64 letters", `${"a".repeat(64)}.example`, /is not a host name;/],
    ["a name of 254 characters", `${"a.".repeat(126)}ab`, /is not a host name;/],
    ["an empty label", "a..example", /is not a host name;/],
    ["a decimal spelling of 127.0.0.1", "2130706433", /^"2130706433" is a numeric spelling of an IPv4 address \(127\.0\.0\.1\); write addresses as four decimal numbers, such as 127\.0\.0\.1\.$/],
  ])("refuses %s as a host, saying how to write one", (_what, host, expected) => {
    expect(allowlistFrom("127.0.0.1", []).check(host, 5222)).toMatch(expected);
  });

  it.each([
    ["a label of 63 letters", `${"a".repeat(63)}.example`],
    ["a name of 253 characters", `${"a.".repeat(125)}abc`],
    ["an underscore", "_xmpp.example"],
    ["an international name, in its ASCII form", "bücher.example"],
  ])("accepts %s", (_what, host) => {
    const allowlist = allowlistFrom(host, []);
    expect(allowlist.check(host, 5222)).toBeNull();
  });

  it("matches an international name however it is written", () => {
    const allowlist = allowlistFrom("xn--bcher-kva.example", []);
    expect(allowlist.check("BÜCHER.example", 5222)).toBeNull();
    expect(allowlist.describe()).toBe("xn--bcher-kva.example");
  });

  it("a name entry never matches an address, nor an address entry a name", () => {
    expect(allowlistFrom("localhost", []).check("127.0.0.1", 5222)).not.toBeNull();
    expect(allowlistFrom("127.0.0.0/8", []).check("localhost", 5222)).not.toBeNull();
  });

  it("lists an address entry in its canonical form and keeps a range as written", () => {
    expect(allowlistFrom("0:0:0:0:0:0:0:1,10.0.0.0/8:5222,0.0.0.0/0", []).describe()).toBe("::1, 10.0.0.0/8:5222, 0.0.0.0/0");
  });

  it("refuses a range of addresses it never dials unless it is the catch-all", () => {
    expect(() => allowlistFrom("224.0.0.0/4", [])).toThrow('XMPP_ALLOWED_HOSTS: "224.0.0.0/4" names an address the bridge never dials (unspecified, multicast or broadcast). Write entries as');
    expect(() => allowlistFrom("::/0", [])).not.toThrow();
  });

  it("says which entry it cannot read and why", () => {
    expect(() => allowlistFrom("ok.example, bad name", [])).toThrow(/^XMPP_ALLOWED_HOSTS: "bad name" is not usable: "bad name" is not a host name; .*\. Write entries as host/);
  });

  it("reads a bracketed IPv6 entry only as a whole: with or without a port, nothing before or after it", () => {
    expect(allowlistFrom("[::1]", []).check("::1", 5269)).toBeNull();
    expect(allowlistFrom("[::1]:5222", []).check("::1", 5222)).toBeNull();
    expect(() => allowlistFrom("x[::1]", [])).toThrow(/^XMPP_ALLOWED_HOSTS: "x\[::1\]" is not usable/);
    expect(() => allowlistFrom("[::1]:5222x", [])).toThrow(/^XMPP_ALLOWED_HOSTS: "\[::1\]:5222x" is not usable/);
    expect(() => allowlistFrom("a.example:5222x", [])).toThrow('XMPP_ALLOWED_HOSTS: "a.example:5222x" has a port that is not a number from 1 to 65535.');
  });

  it("ends the entry's error with one full stop when the reason has its own", () => {
    expect(() => allowlistFrom("bad name", [])).toThrow(
      'XMPP_ALLOWED_HOSTS: "bad name" is not usable: "bad name" is not a host name; write it like xmpp.example.org (letters, digits and hyphens between dots). Write entries as',
    );
  });

  it("takes a host as typed with spaces around it, and a numeric IPv4 spelling in capitals for what it is", () => {
    expect(allowlistFrom("a.example", []).check(" a.example ", 5222)).toBeNull();
    expect(allowlistFrom("a.example", []).check("0X7F000001", 5222)).toMatch(/^"0X7F000001" is a numeric spelling of an IPv4 address/);
  });

  it("names an address typed as such once when the catch-all admits it but the bridge never dials it", async () => {
    expect(reason(await allowlistFrom("0.0.0.0/0", []).admit("224.0.0.1", 5222))).toMatch(/^224\.0\.0\.1 is .*: the bridge never dials it\./);
  });

  it("resolves with the system's resolver to every address of a name (localhost, from the hosts file)", async () => {
    expect(await systemLookup("localhost")).toEqual(expect.arrayContaining([{ address: "127.0.0.1", family: 4 }]));
  });

  it("takes the defaults when the variable is empty or blank, and skips empty entries", () => {
    expect(allowlistFrom("  ", ["d.example"]).describe()).toBe("d.example");
    expect(allowlistFrom("", ["d.example"]).describe()).toBe("d.example");
    expect(allowlistFrom("a.example,, b.example ,", ["d.example"]).describe()).toBe("a.example, b.example");
  });
});
