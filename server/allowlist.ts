import { isIP } from "node:net";

/**
 * The bridge dials only what the operator allows: it must not become an open relay
 * into the network it runs in. Entries are `host` (any port) or `host:port`
 * (`[v6]:port` for IPv6), separated by commas, in ALLOWED_HOSTS_VARIABLE.
 */
export const ALLOWED_HOSTS_VARIABLE = "XMPP_ALLOWED_HOSTS";

interface AllowEntry {
  host: string;
  port: number | null;
}

export interface Allowlist {
  /** null when allowed; otherwise why not, naming the variable to change. */
  check(host: string, port: number): string | null;
  describe(): string;
}

export function allowlistFrom(value: string | undefined, defaults: readonly string[]): Allowlist {
  const source = value !== undefined && value.trim() !== "" ? value.split(",") : [...defaults];
  const entries = source.map((entry) => entry.trim()).filter(Boolean).map(parseEntry);
  const described = entries.map(({ host, port }) => (port === null ? host : `${formatHost(host)}:${port}`)).join(", ");
  return {
    check(host, port) {
      const wanted = normalizeHost(host);
      const allowed = entries.some((entry) => entry.host === wanted && (entry.port === null || entry.port === port));
      if (allowed) return null;
      return `${formatHost(wanted)}:${port} is not on this playground's allowlist (${described}). The operator can allow it by adding it to the ${ALLOWED_HOSTS_VARIABLE} environment variable, for example ${ALLOWED_HOSTS_VARIABLE}=${formatHost(wanted)}:${port}.`;
    },
    describe: () => described,
  };
}

function parseEntry(text: string): AllowEntry {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: normalizeHost(bracketed[1]!), port: bracketed[2] ? Number(bracketed[2]) : null };
  // A bare IPv6 address has colons of its own and no port.
  if (isIP(text) === 6) return { host: normalizeHost(text), port: null };
  const [host = "", port] = text.split(":");
  return { host: normalizeHost(host), port: port ? Number(port) : null };
}

/** Host names compare case-insensitively and without a trailing dot (RFC 4343). */
function normalizeHost(host: string): string {
  return host.trim().replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
