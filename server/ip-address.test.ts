import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classify, formatIp, parseCidr, parseIp } from "./ip-address";

describe("ip-address", () => {
  it("reads standard spellings and writes the canonical one", () => {
    expect(formatIp(parseIp("0000:0000:0000:0000:0000:0000:0000:0001")!)).toBe("::1");
    expect(formatIp(parseIp("[2001:DB8:0:0:1:0:0:1]")!)).toBe("2001:db8::1:0:0:1");
    expect(formatIp(parseIp("::ffff:10.1.2.3")!)).toBe("10.1.2.3");
    expect(formatIp(parseIp("fe80::")!)).toBe("fe80::");
    expect(parseIp("010.1.2.3")).toBeNull();
    expect(parseIp("fe80::1%eth0")).toBeNull();
    expect(parseIp("example.org")).toBeNull();
  });

  it("classifies by the special-purpose registries", () => {
    expect(classify(parseIp("8.8.8.8")!).kind).toBe("public");
    expect(classify(parseIp("127.0.0.9")!).kind).toBe("special");
    expect(classify(parseIp("0.0.0.0")!).kind).toBe("never");
    expect(classify(parseIp("2606:4700::1111")!).kind).toBe("public");
    expect(classify(parseIp("fe80::1")!).kind).toBe("special");
    expect(classify(parseIp("ff02::1")!).kind).toBe("never");
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    expect(parseCidr("[::ffff:10.0.0.0/104]")).toEqual({ family: 4, base: 10n << 24n, bits: 8 });
  });

  it("gives every IPv4 address the same value however IPv6 spells it", () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        const plain = parseIp(text)!;
        const [a, b, c, d] = text.split(".").map(Number) as [number, number, number, number];
        const hex = `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        const expanded = `0:0:0:0:0:ffff:${text}`;
        return [hex, expanded, `[::ffff:${text}]`].every((spelling) => {
          const mapped = parseIp(spelling);
          return mapped !== null && mapped.value === plain.value && mapped.family === 4 && classify(mapped).kind === classify(plain).kind;
        }) && formatIp(plain) === text;
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips IPv6 text through the canonical form", () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const parsed = parseIp(text);
        if (parsed === null) return false;
        const again = parseIp(formatIp(parsed));
        return again !== null && again.value === parsed.value;
      }),
      { numRuns: 2000 },
    );
  });
});
