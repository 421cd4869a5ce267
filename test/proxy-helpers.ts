import net from "node:net";
import { client, xml, type Client, type XmlElement } from "@xmpp/client";
import { allowlistFrom } from "../server/allowlist";
import { launchProxy, type ProxyRequest } from "../server/proxy/launch-proxy";
import { ensureProxyCertificate } from "../scripts/lib/certificates";
import type { ProxyServer } from "../lib/proxy/proxy-server";
import type { ListeningServer } from "../scripts/lib/instances";
import { tapConnection } from "../lib/xmpp/wire-tap";

/** The allowlist the proxy tests run under: the test servers' own listeners, nothing else. */
export function testAllowlist(servers: readonly ListeningServer[]) {
  return allowlistFrom(undefined, servers.flatMap((server) => Object.values(server.ports).map((port) => `127.0.0.1:${port}`)));
}

export const TEST_PROXY_SETTINGS = { listenHost: "127.0.0.1", ports: { first: 0, last: 0 }, maxConnections: 4, idleMs: 60_000, maxStanzaChars: 65_536 };

export async function startTestProxy(request: Omit<ProxyRequest, "clientSide"> & Partial<Pick<ProxyRequest, "clientSide">>, servers: readonly ListeningServer[], settings = TEST_PROXY_SETTINGS): Promise<ProxyServer> {
  const certificate = await ensureProxyCertificate("localhost");
  return launchProxy({ clientSide: "starttls", ...request }, testAllowlist(servers), certificate, settings);
}

/** An @xmpp/client of the test's own, with what it wrote and read on its socket (after TLS), as it saw them. */
export interface LoggedClient {
  entity: Client;
  sent: string[];
  received: Buffer[];
  /** SASL mechanisms the server offered, as the client saw them. */
  offered: string[];
  stanzas: XmlElement[];
}

/** `directTls`: XEP-0368, TLS from the first byte (xmpps://); otherwise TCP, upgraded when STARTTLS is offered. */
export async function loggedInClient(port: number, username: string, password: string, directTls = false, resource = `proxy-test-${Date.now()}`): Promise<LoggedClient> {
  const logged: Omit<LoggedClient, "entity"> = { sent: [], received: [], offered: [], stanzas: [] };
  const entity = client({
    service: `${directTls ? "xmpps" : "xmpp"}://127.0.0.1:${port}`,
    domain: "localhost",
    resource,
    // PLAIN: a SCRAM login costs 400 ms of CPU here; the mechanisms seen are kept for the -PLUS check.
    credentials: (authenticate, mechanisms) => {
      logged.offered.push(...mechanisms);
      return authenticate({ username, password }, "PLAIN");
    },
  });
  entity.reconnect.stop();
  tapConnection(entity, { received: (data) => void logged.received.push(Buffer.from(data)), sent: (text) => void logged.sent.push(text) });
  entity.on("stanza", (stanza: XmlElement) => logged.stanzas.push(stanza));
  entity.on("error", () => undefined);
  // Without this every round trip waits for Nagle's delayed ACK (as in guided-session.ts).
  entity.on("status", (status: string) => {
    if (status !== "connect") return;
    entity.socket?.setNoDelay?.(true);
    entity.socket?.socket?.setNoDelay?.(true);
  });
  await entity.start();
  return { entity, ...logged };
}

/** An XEP-0199 ping to the domain; resolves with the round trip in ms. */
export async function ping(logged: LoggedClient, id: string): Promise<number> {
  const answered = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ping ${id}`)), 5000);
    const onStanza = (stanza: XmlElement) => {
      if (stanza.name !== "iq" || stanza.attrs.id !== id || stanza.attrs.type !== "result") return;
      clearTimeout(timer);
      logged.entity.off("stanza", onStanza);
      resolve(performance.now());
    };
    logged.entity.on("stanza", onStanza);
  });
  const started = performance.now();
  await logged.entity.send(xml("iq", { type: "get", id, to: "localhost" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
  return (await answered) - started;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * A port nothing listens on, for a server that is down. Not one bound and closed: that is an
 * ephemeral port, which another test file's listener on port 0 may get next, and the "dead"
 * server then answers (once, an HTTP server's 400). Ports below 1024 are never handed out
 * for port 0 and none of the test bed's servers use them; the first that refuses a connection.
 */
export async function refusedPort(): Promise<number> {
  for (let port = 9; port < 1024; port++) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
    });
    if (refused) return port;
  }
  throw new Error("every port below 1024 on 127.0.0.1 accepts connections; no port is left to stand for a server that is down");
}

/** A port nothing listens on now (bound, then closed), for a listener started next. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
