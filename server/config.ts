import type { ServerAddress } from "../lib/xmpp/server-address";
import type { Transport } from "../lib/bridge/protocol";

/**
 * Where the bundled ejabberd listens. The playground and the tests run it on different
 * ports (scripts/lib/instances.ts) and tell the app through these variables.
 */
export interface BundledServer {
  host: string;
  domain: string;
  ports: Record<Transport, number>;
  /**
   * How the app's own connections (disposable accounts, the scripted peer and device) reach
   * the server: the plaintext listener when ejabberd is on this machine's loopback, STARTTLS
   * (RFC 6120 section 5) when it is elsewhere, as in a cluster (XMPP_INTERNAL_TRANSPORT).
   */
  internalTransport: InternalTransport;
}

export type InternalTransport = "plain" | "starttls";
export const INTERNAL_TRANSPORT_VARIABLE = "XMPP_INTERNAL_TRANSPORT";

export function bundledServerFromEnv(env: Record<string, string | undefined> = process.env): BundledServer {
  return {
    host: env.XMPP_HOST ?? "127.0.0.1",
    domain: env.XMPP_DOMAIN ?? "localhost",
    ports: {
      starttls: portFrom(env.XMPP_PORT_STARTTLS, 5222),
      tls: portFrom(env.XMPP_PORT_TLS, 5223),
      plain: portFrom(env.XMPP_PORT_PLAIN, 5224),
      websocket: portFrom(env.XMPP_PORT_HTTP, 5280),
    },
    internalTransport: internalTransportFrom(env[INTERNAL_TRANSPORT_VARIABLE]),
  };
}

function internalTransportFrom(value: string | undefined): InternalTransport {
  if (value === undefined || value === "" || value === "plain") return "plain";
  if (value === "starttls") return "starttls";
  throw new Error(`${INTERNAL_TRANSPORT_VARIABLE} is "${value}"; set it to plain (ejabberd on this machine's loopback) or starttls (ejabberd elsewhere)`);
}

/** Where and how the app's own connections reach the bundled server (see internalTransport). */
/**
 * The host of the same server that offers stream management (XEP-0198), for the raw lesson
 * that teaches it; the main domain has none, for the client library's sake (ejabberd/ejabberd.yml).
 */
export function streamManagementDomain(domain: string): string {
  return `sm.${domain}`;
}

export function internalAccountServer(server: BundledServer): { server: ServerAddress; domain: string; transport: InternalTransport } {
  return { server: addressFor(server, server.internalTransport), domain: server.domain, transport: server.internalTransport };
}

export function addressFor(server: BundledServer, transport: Transport): ServerAddress {
  const address: ServerAddress = { host: server.host, port: server.ports[transport] };
  if (transport === "websocket") address.path = "/ws";
  return address;
}

function portFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${value} is not a TCP port; set it to a number from 1 to 65535`);
  }
  return port;
}

/** By default the bridge dials only the bundled server's own listeners. */
export function defaultAllowlist(server: BundledServer): string[] {
  // "localhost" may resolve to either loopback address; each must be named (server/allowlist.ts).
  const hosts = new Set([server.host, "localhost", "127.0.0.1", "::1"]);
  return [...hosts].flatMap((host) => Object.values(server.ports).map((port) => `${host.includes(":") ? `[${host}]` : host}:${port}`));
}
