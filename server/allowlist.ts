import { lookup as dnsLookup } from "node:dns/promises";
import type { IncomingHttpHeaders } from "node:http";
import { domainToASCII } from "node:url";
import { classify, formatIp, inCidr, looksLikeNumericIpv4, numericIpv4Meaning, parseCidr, parseIp, type IpAddress } from "./ip-address";

/**
 * The bridge dials only what the operator allows: it must not become an open relay into
 * the network it runs in. Entries are separated by commas in ALLOWED_HOSTS_VARIABLE:
 *
 *   host[:port]          a DNS name (any port when none is given)
 *   a.b.c.d[:port]       an IPv4 address; `[v6]:port` or a bare `v6` for IPv6
 *   a.b.c.d/n[:port]     an address range (`[v6/n]:port` for IPv6)
 *
 * The rules, in the order a request meets them:
 * 1. The host typed must match an entry as written (a name matches the same name, case and
 *    a trailing dot aside; an address matches the same address in any standard spelling).
 *    Numeric spellings a resolver would read as IPv4 ("2130706433", "0x7f000001",
 *    "0177.0.0.1", "127.1") are refused outright: the dotted quad is the only form.
 * 2. The name is resolved once, here. Every address it resolves to must be allowed for that
 *    port: a public address is, because the name is; a loopback, private, link-local...
 *    address only when an address or range entry names it too; unspecified, multicast and
 *    broadcast addresses never are. One bad answer refuses the whole name.
 * 3. The connection goes to the addresses checked in 2, never to a fresh lookup (DNS
 *    rebinding); TLS SNI, certificate checks and the XMPP domain still use the name.
 *
 * A refusal names the variable to set, never the entries: on a public deployment they are
 * internal host names a visitor has no business reading. The operator finds them in the
 * bridge's log (server/main.ts writes them at start), and a visitor on this machine itself
 * sees them in the refusal (`forVisitor`, `isLoopbackVisitor`).
 */
export const ALLOWED_HOSTS_VARIABLE = "XMPP_ALLOWED_HOSTS";

/** Resolves a name to every address it has; injectable so tests can answer as they like. */
export type HostLookup = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const LOOKUP_TIMEOUT_MS = 10_000;

type EntryHost = { kind: "name"; name: string } | { kind: "range"; family: 4 | 6; base: bigint; bits: number; text: string };

interface AllowEntry {
  host: EntryHost;
  port: number | null;
}

/** Where to connect: `host` for display, SNI and certificates; `addresses` are the only ones to dial. */
export interface DialTarget {
  host: string;
  port: number;
  addresses: string[];
}

export type Admission = { ok: true; target: DialTarget } | { ok: false; reason: string };

export interface Allowlist {
  /** The name check alone (rule 1): null when allowed; otherwise why not, naming the variable. */
  check(host: string, port: number): string | null;
  /** All three rules: resolves once, checks every address, and says what to dial. */
  admit(host: string, port: number): Promise<Admission>;
  describe(): string;
  /** The same allowlist for one visitor: refusals list the entries only for one on this machine. */
  forVisitor(loopback: boolean): Allowlist;
}

export interface AllowlistOptions {
  lookup?: HostLookup;
}

export function allowlistFrom(value: string | undefined, defaults: readonly string[], options: AllowlistOptions = {}): Allowlist {
  const lookup = options.lookup ?? systemLookup;
  const source = value !== undefined && value.trim() !== "" ? value.split(",") : [...defaults];
  const entries = source.map((entry) => entry.trim()).filter(Boolean).map(parseEntry);
  const described = entries.map(describeEntry).join(", ");
  const advice = (what: string) =>
    `The operator can allow it by adding it to the ${ALLOWED_HOSTS_VARIABLE} environment variable, for example ${ALLOWED_HOSTS_VARIABLE}=${what}.`;

  function nameCheck(host: string, port: number, listEntries: boolean): { target: Target } | { reason: string } {
    const target = parseTarget(host);
    if ("reason" in target) return target;
    const matched = entries.some((entry) => portMatches(entry, port) && hostMatches(entry.host, target));
    if (matched) return { target };
    const shown = `${formatHost(target.text)}:${port}`;
    const allowed = listEntries ? ` (${described})` : "";
    const where = listEntries ? "" : " The bridge's log lists what it allows now.";
    return { reason: `${shown} is not on this playground's allowlist${allowed}. ${advice(shown)}${where}` };
  }

  function addressCheck(address: IpAddress, port: number, name: string): string | null {
    const { kind, why } = classify(address);
    const text = formatIp(address);
    const resolved = name === text ? text : `${name} resolves to ${text}, which`;
    if (kind === "never") return `${resolved} is ${why}: the bridge never dials it. Use the server's real address, such as 127.0.0.1 for this machine.`;
    if (kind === "public") return null;
    const named = entries.some((entry) => entry.host.kind === "range" && portMatches(entry, port) && inCidr(address, entry.host));
    if (named) return null;
    const shown = `${formatHost(text)}:${port}`;
    return `${resolved} is ${why}; the allowlist must name that address for the bridge to dial it. ${advice(name === text ? shown : `${formatHost(name)}:${port},${shown}`)}`;
  }

  const forVisitor = (listEntries: boolean): Allowlist => ({
    check(host, port) {
      const result = nameCheck(host, port, listEntries);
      return "reason" in result ? result.reason : null;
    },
    async admit(host, port) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, reason: `${port} is not a TCP port; give a number from 1 to 65535.` };
      const named = nameCheck(host, port, listEntries);
      if ("reason" in named) return { ok: false, reason: named.reason };
      const { target } = named;
      let addresses: IpAddress[];
      if (target.ip !== null) {
        addresses = [target.ip];
      } else {
        const answer = await resolveOnce(lookup, target.text);
        if ("reason" in answer) return { ok: false, reason: answer.reason };
        addresses = answer.addresses;
      }
      for (const address of addresses) {
        const refusal = addressCheck(address, port, target.text);
        if (refusal !== null) return { ok: false, reason: refusal };
      }
      // IPv4 first: the bundled server and most XMPP servers listen there; sockets still try every one.
      const ordered = [...addresses].sort((a, b) => a.family - b.family).map(formatIp);
      return { ok: true, target: { host: target.text, port, addresses: [...new Set(ordered)] } };
    },
    describe: () => described,
    forVisitor,
  });
  return forVisitor(false);
}

const LOOPBACK_RANGES = ["127.0.0.0/8", "::1/128"].map((cidr) => parseCidr(cidr)!);

/**
 * A visitor on this machine: its socket comes from a loopback address and no proxy
 * forwarded it. A reverse proxy on the same machine makes every visitor's socket look
 * loopback, so any forwarding header (RFC 7239 Forwarded, X-Forwarded-For, X-Real-IP)
 * counts as a visitor from elsewhere. Behind a proxy that adds none of them, every visitor
 * would look local: configure it to send X-Forwarded-For.
 */
export function isLoopbackVisitor(remoteAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  if (headers.forwarded !== undefined || headers["x-forwarded-for"] !== undefined || headers["x-real-ip"] !== undefined) return false;
  const address = parseIp(remoteAddress ?? "");
  return address !== null && LOOPBACK_RANGES.some((range) => inCidr(address, range));
}

interface Target {
  /** Canonical text: lower-case ASCII name without trailing dot, or the canonical address. */
  text: string;
  ip: IpAddress | null;
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** The host a person typed, made canonical, or why it cannot be one. */
function parseTarget(input: string): Target | { reason: string } {
  const trimmed = input.trim();
  const ip = parseIp(trimmed);
  if (ip !== null) return { text: formatIp(ip), ip };
  const withoutDot = trimmed.replace(/\.$/, "");
  if (trimmed.startsWith("[") || trimmed.includes("%") || trimmed.includes(":")) {
    return { reason: `"${input}" is not a host name or an IP address (zone ids like %eth0 are not accepted); write a name such as xmpp.example.org or an address such as 127.0.0.1.` };
  }
  const lower = withoutDot.toLowerCase();
  if (looksLikeNumericIpv4(lower)) {
    const meaning = numericIpv4Meaning(lower);
    return { reason: `"${input}" is a numeric spelling of an IPv4 address${meaning ? ` (${meaning})` : ""}; write addresses as four decimal numbers, such as 127.0.0.1.` };
  }
  const name = domainToASCII(lower);
  if (name === "" || name.length > 253 || !name.split(".").every((label) => LABEL.test(label))) {
    return { reason: `"${input}" is not a host name; write it like xmpp.example.org (letters, digits and hyphens between dots).` };
  }
  return { text: name, ip: null };
}

async function resolveOnce(lookup: HostLookup, name: string): Promise<{ addresses: IpAddress[] } | { reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { code: "ETIMEOUT" })), LOOKUP_TIMEOUT_MS);
    });
    const answers = await Promise.race([lookup(name), timeout]);
    const addresses: IpAddress[] = [];
    for (const answer of answers) {
      const address = parseIp(answer.address);
      if (address === null) return { reason: `${name} resolved to "${answer.address}", which is not an IP address; the bridge does not dial it.` };
      addresses.push(address);
    }
    if (addresses.length === 0) return { reason: `${name} has no address; check the name.` };
    return { addresses };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    return { reason: `${name} does not resolve (${code}); check the name, or the DNS of the machine running the playground.` };
  } finally {
    clearTimeout(timer);
  }
}

function parseEntry(text: string): AllowEntry {
  const fail = (why: string): never => {
    const sentence = why.endsWith(".") ? why : `${why}.`;
    throw new Error(`${ALLOWED_HOSTS_VARIABLE}: "${text}" ${sentence} Write entries as host, host:port, a.b.c.d/n or [v6]:port, separated by commas.`);
  };
  let hostText: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) [hostText, portText] = [bracketed[1]!, bracketed[2]];
  else if (text.split(":").length > 2) hostText = text; // a bare IPv6 address (or range): no port
  else [hostText = "", portText] = text.split(":") as [string, string | undefined];
  let port: number | null = null;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) fail("has a port that is not a number from 1 to 65535");
  }
  const range = parseCidr(hostText);
  if (range !== null) {
    if (classify({ family: range.family, value: range.base }).kind === "never" && range.bits > 0) fail("names an address the bridge never dials (unspecified, multicast or broadcast)");
    return { host: { kind: "range", ...range, text: hostText.includes("/") ? hostText : formatIp({ family: range.family, value: range.base }) }, port };
  }
  const target = parseTarget(hostText);
  if ("reason" in target) fail(`is not usable: ${target.reason}`);
  return { host: { kind: "name", name: (target as Target).text }, port };
}

function portMatches(entry: AllowEntry, port: number): boolean {
  return entry.port === null || entry.port === port;
}

function hostMatches(host: EntryHost, target: Target): boolean {
  if (host.kind === "name") return target.ip === null && host.name === target.text;
  return target.ip !== null && inCidr(target.ip, host);
}

function describeEntry({ host, port }: AllowEntry): string {
  const text = host.kind === "name" ? host.name : host.text;
  return port === null ? text : `${formatHost(text)}:${port}`;
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
