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
}

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
  };
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
