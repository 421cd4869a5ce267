import { isIPv4, isIPv6 } from "node:net";

/**
 * IP addresses as numbers, so that every spelling of one address compares equal and
 * ranges can be tested. IPv4-mapped IPv6 (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2) is
 * the IPv4 address it carries: a socket to it reaches that IPv4 host.
 */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** Where an address leads, which decides whether a name may reach it. */
export type AddressClass =
  /** An ordinary Internet address. */
  | "public"
  /** Loopback, private, link-local, shared, documentation...: reachable only when the allowlist names it. */
  | "special"
  /** Unspecified, multicast, broadcast, reserved: never dialled. */
  | "never";

const V4_MAPPED_PREFIX = 0xffffn << 32n;
const V4_MAPPED_MASK = ~((1n << 32n) - 1n) & ((1n << 128n) - 1n);

interface Range {
  family: 4 | 6;
  base: bigint;
  bits: number;
  kind: Exclude<AddressClass, "public">;
  why: string;
}

const range = (cidr: string, kind: Range["kind"], why: string): Range => {
  const parsed = parseCidr(cidr);
  if (parsed === null) throw new Error(`bad built-in range ${cidr}`);
  return { ...parsed, kind, why };
};

// IANA special-purpose address registries (RFC 6890 and its updates). The first match wins.
const RANGES: readonly Range[] = [
  range("0.0.0.0/8", "never", "'this network' (RFC 791); 0.0.0.0 reaches this very host on Linux"),
  range("10.0.0.0/8", "special", "a private address (RFC 1918)"),
  range("100.64.0.0/10", "special", "a shared carrier-grade NAT address (RFC 6598)"),
  range("127.0.0.0/8", "special", "a loopback address (RFC 1122)"),
  range("169.254.0.0/16", "special", "a link-local address (RFC 3927), where cloud metadata services live"),
  range("172.16.0.0/12", "special", "a private address (RFC 1918)"),
  range("192.0.0.0/24", "special", "an IETF protocol address (RFC 6890)"),
  range("192.0.2.0/24", "special", "a documentation address (RFC 5737)"),
  range("192.168.0.0/16", "special", "a private address (RFC 1918)"),
  range("198.18.0.0/15", "special", "a benchmarking address (RFC 2544)"),
  range("198.51.100.0/24", "special", "a documentation address (RFC 5737)"),
  range("203.0.113.0/24", "special", "a documentation address (RFC 5737)"),
  range("224.0.0.0/4", "never", "a multicast address (RFC 5771)"),
  range("240.0.0.0/4", "never", "a reserved or broadcast address (RFC 1112, RFC 919)"),
  range("::/128", "never", "the unspecified address (RFC 4291)"),
  range("::1/128", "special", "the IPv6 loopback address (RFC 4291)"),
  range("::/96", "never", "a deprecated IPv4-compatible address (RFC 4291 section 2.5.5.1)"),
  range("64:ff9b::/96", "special", "a NAT64 address (RFC 6052) that leads to an IPv4 host"),
  range("64:ff9b:1::/48", "special", "a local-use NAT64 address (RFC 8215)"),
  range("100::/64", "special", "a discard-only address (RFC 6666)"),
  range("2001::/32", "special", "a Teredo tunnel address (RFC 4380)"),
  range("2001:db8::/32", "special", "a documentation address (RFC 3849)"),
  range("2002::/16", "special", "a 6to4 address (RFC 3056) that leads to an IPv4 host"),
  range("fc00::/7", "special", "a unique local (private) address (RFC 4193)"),
  range("fe80::/10", "special", "a link-local address (RFC 4291)"),
  range("fec0::/10", "special", "a deprecated site-local address (RFC 3879)"),
  range("ff00::/8", "never", "a multicast address (RFC 4291)"),
];

/**
 * The address in `text` when it is an IP literal in a standard form: dotted-quad IPv4
 * (no leading zeros) or any RFC 4291 IPv6 text form, with or without brackets.
 * Returns null for anything else, including zone ids ("fe80::1%eth0").
 */
export function parseIp(text: string): IpAddress | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (isIPv4(bare) && !/(^|\.)0\d/.test(bare)) {
    return { family: 4, value: bare.split(".").reduce((sum, part) => (sum << 8n) + BigInt(part), 0n) };
  }
  if (bare.includes("%") || !isIPv6(bare)) return null;
  const value = ipv6Value(bare);
  if ((value & V4_MAPPED_MASK) === V4_MAPPED_PREFIX) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

function ipv6Value(text: string): bigint {
  let groups = text;
  // A trailing dotted quad stands for the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    groups = groups.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = groups.split("::");
  const headParts = head === "" ? [] : head.split(":");
  const tailParts = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? [] : Array<string>(8 - headParts.length - tailParts.length).fill("0");
  return [...headParts, ...zeros, ...tailParts].reduce((sum, part) => (sum << 16n) + BigInt(parseInt(part, 16)), 0n);
}

/** `a.b.c.d/n` or `v6/n` (brackets allowed); a bare address is a range of one. */
export function parseCidr(text: string): { family: 4 | 6; base: bigint; bits: number } | null {
  const [addressText = "", bitsText, ...rest] = text.replace(/^\[(.*)\]$/, "$1").split("/");
  if (rest.length > 0) return null;
  const address = parseIp(addressText);
  if (address === null) return null;
  const width = address.family === 4 ? 32 : 128;
  // A v4-mapped range names IPv4 addresses: its prefix length counts from bit 96.
  const mappedOffset = address.family === 4 && addressText.includes(":") ? 96 : 0;
  const bits = bitsText === undefined ? width : Number(bitsText) - mappedOffset;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null;
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return null;
  return { family: address.family, base: address.value & prefixMask(width, bits), bits };
}

export function inCidr(address: IpAddress, cidr: { family: 4 | 6; base: bigint; bits: number }): boolean {
  if (address.family !== cidr.family) return false;
  const width = cidr.family === 4 ? 32 : 128;
  return (address.value & prefixMask(width, cidr.bits)) === cidr.base;
}

function prefixMask(width: number, bits: number): bigint {
  const all = (1n << BigInt(width)) - 1n;
  return all ^ ((1n << BigInt(width - bits)) - 1n);
}

export function classify(address: IpAddress): { kind: AddressClass; why: string } {
  const found = RANGES.find((candidate) => inCidr(address, candidate));
  return found ? { kind: found.kind, why: found.why } : { kind: "public", why: "a public address" };
}

/** The canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join(".");
  }
  const groups = Array.from({ length: 8 }, (_, index) => Number((address.value >> BigInt(112 - 16 * index)) & 0xffffn));
  // The longest run of two or more zero groups becomes "::" (RFC 5952 section 4.2).
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * A host that resolvers would read as an IPv4 number although it is not a plain dotted
 * quad: "2130706433", "0x7f000001", "0177.0.0.1", "127.1". The WHATWG URL host parser's
 * rule: the last label is a number. inet_aton() reads these as addresses, and octal
 * parts are read differently by different parsers, so they are refused, not guessed.
 */
export function looksLikeNumericIpv4(host: string): boolean {
  const last = host.replace(/\.$/, "").split(".").at(-1) ?? "";
  return /^(\d+|0x[0-9a-f]*)$/i.test(last);
}

/** What inet_aton() would make of a numeric host, to say so in a message; null when nothing. */
export function numericIpv4Meaning(host: string): string | null {
  try {
    const hostname = new URL(`http://${host}/`).hostname;
    return isIPv4(hostname) ? hostname : null;
  } catch {
    return null;
  }
}
