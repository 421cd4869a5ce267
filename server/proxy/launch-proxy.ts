import net from "node:net";
import { ProxyServer, ProxyStartError, type PortRange } from "../../lib/proxy/proxy-server";
import { PROXY_VARIABLES } from "../../lib/proxy/proxy-messages";
import type { ClientSide } from "../../lib/proxy/proxy-types";
import { plainRemoteAllowed, plainTargetRefusal } from "../../lib/xmpp/transport-policy";
import type { Allowlist } from "../allowlist";

/** What the operator sets for every proxy, from the environment (the variables each message names). */
export interface ProxySettings {
  listenHost: string;
  ports: PortRange;
  maxConnections: number;
  idleMs: number;
  maxStanzaChars: number;
}

export const DEFAULT_PROXY_PORTS: PortRange = { first: 5400, last: 5499 };

export function proxySettingsFromEnv(env: Record<string, string | undefined> = process.env): ProxySettings {
  const ports = env[PROXY_VARIABLES.ports];
  return {
    listenHost: env[PROXY_VARIABLES.listenHost] || "127.0.0.1",
    ports: ports ? parsePortRange(ports, PROXY_VARIABLES.ports) : DEFAULT_PROXY_PORTS,
    maxConnections: wholeNumber(env[PROXY_VARIABLES.maxConnections], 16, PROXY_VARIABLES.maxConnections),
    idleMs: wholeNumber(env[PROXY_VARIABLES.idleSeconds], 600, PROXY_VARIABLES.idleSeconds) * 1000,
    maxStanzaChars: wholeNumber(env[PROXY_VARIABLES.maxStanzaChars], 1024 * 1024, PROXY_VARIABLES.maxStanzaChars),
  };
}

export interface ProxyRequest {
  /** "host:port" ("[v6]:port" for IPv6). */
  upstream: string;
  /** How the server expects to be spoken to. */
  transport: "starttls" | "tls" | "plain";
  /** The XMPP domain; by default the host, or "localhost" for an address. */
  domain?: string;
  clientSide: ClientSide;
  /** One port to listen on, instead of the settings' range. */
  listenPort?: number;
}

/**
 * Starts a proxy to a server the allowlist admits, and nowhere else: the proxy is not an
 * open relay (DESIGN.md, safety model). The name is resolved and checked once; every client
 * connection dials exactly the checked addresses.
 */
export async function launchProxy(request: ProxyRequest, allowlist: Allowlist, certificate: { cert: string; key: string }, settings: ProxySettings): Promise<ProxyServer> {
  const { host, port } = parseHostPort(request.upstream);
  const admission = await allowlist.admit(host, port);
  if (!admission.ok) throw new ProxyStartError(admission.reason);
  const { addresses } = admission.target;
  if (request.transport === "plain") {
    const refusal = plainTargetRefusal({ host, port, addresses }, plainRemoteAllowed());
    if (refusal !== undefined) throw new ProxyStartError(refusal);
  }
  const domain = request.domain ?? defaultDomain(host);
  const ports = request.listenPort === undefined ? settings.ports : { first: request.listenPort, last: request.listenPort };
  return ProxyServer.start({
    upstream: { host: admission.target.host, port, addresses, transport: request.transport, domain },
    clientSide: request.clientSide,
    listenHost: settings.listenHost,
    ports,
    certificate,
    maxConnections: settings.maxConnections,
    idleMs: settings.idleMs,
    maxStanzaChars: settings.maxStanzaChars,
  });
}

/** The XMPP domain when none is given: the host's name, or "localhost" for an address. */
export function defaultDomain(host: string): string {
  return net.isIP(host) === 0 ? host : "localhost";
}

export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProxyStartError(`"${text}" is not HOST:PORT (for IPv6, [ADDRESS]:PORT), for example 127.0.0.1:5222`);
  }
  return { host: match[1]!, port };
}

export function parsePortRange(text: string, variable: string): PortRange {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  const first = Number(match?.[1]);
  const last = Number(match?.[2] ?? match?.[1]);
  if (!match || first < 1 || last > 65535 || first > last) throw new ProxyStartError(`${variable}="${text}" is not a port or a range FIRST-LAST of ports from 1 to 65535`);
  return { first, last };
}

function wholeNumber(value: string | undefined, fallback: number, variable: string): number {
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new ProxyStartError(`${variable}="${value}" must be a whole number above 0`);
  return number;
}
