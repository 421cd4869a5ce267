import net from "node:net";
import tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { ProxyConnection } from "./proxy-connection";
import { PROXY_VARIABLES, proxyStreamHeader, streamErrorWithText, whoHoldsPortCommand } from "./proxy-messages";
import type { ClientSide, ProxyUpstream } from "./proxy-types";
import type { InterceptFilter } from "./intercept";

export interface PortRange {
  first: number;
  last: number;
}

export interface ProxyServerOptions {
  upstream: ProxyUpstream;
  clientSide: ClientSide;
  /** Loopback unless the operator says otherwise (PROXY_LISTEN_HOST). */
  listenHost?: string;
  /** The first free port of the range is taken; one port is a range of one. Port 0: any free port (tests). */
  ports: PortRange;
  /** The proxy's certificate and key, PEM. */
  certificate: { cert: string; key: string };
  maxConnections: number;
  idleMs: number;
  /** The longest top-level element accepted from either side, as for bridge sessions. */
  maxStanzaChars?: number;
}

export type ConnectionListener = (connection: ProxyConnection) => void;

export const DEFAULT_LISTEN_HOST = "127.0.0.1";

/** Why a proxy could not start, in words a person can act on. */
export class ProxyStartError extends Error {}

/**
 * The listener: each client that connects gets its own ProxyConnection (its own transcript),
 * up to maxConnections at once; one more is told why, by the variable that raises the limit.
 */
export class ProxyServer {
  readonly connections = new Set<ProxyConnection>();
  /** Every connection made, open or closed, in order: what a capture writes. */
  readonly history: ProxyConnection[] = [];
  readonly fingerprint: string;
  private readonly listeners = new Set<ConnectionListener>();
  private readonly secureContext: tls.SecureContext;
  /** What every connection of this proxy holds from now on; null: nothing. */
  intercept: InterceptFilter | null = null;

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
    private readonly options: ProxyServerOptions,
  ) {
    this.secureContext = tls.createSecureContext(options.certificate);
    this.fingerprint = new X509Certificate(options.certificate.cert).fingerprint256;
    server.on("connection", (socket) => this.accept(socket));
  }

  static async start(options: ProxyServerOptions): Promise<ProxyServer> {
    const host = options.listenHost ?? DEFAULT_LISTEN_HOST;
    const { first, last } = options.ports;
    const busy: number[] = [];
    for (let port = first; port <= last; port++) {
      const server = net.createServer();
      const bound = await listen(server, host, port);
      if (bound === "in-use") {
        busy.push(port);
        continue;
      }
      return new ProxyServer(server, host, (server.address() as net.AddressInfo).port, options);
    }
    if (busy.length === 1) {
      throw new ProxyStartError(`Port ${first} on ${host} is already in use, so the proxy cannot listen there. See who holds it: ${whoHoldsPortCommand(first)}`);
    }
    throw new ProxyStartError(
      `Every port from ${first} to ${last} on ${host} is in use, so the proxy cannot listen. See who holds one: ${whoHoldsPortCommand(first)}; or choose other ports with ${PROXY_VARIABLES.ports}=FIRST-LAST (or --listen PORT).`,
    );
  }

  get address(): string {
    return `${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }

  onConnection(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops listening and ends every connection; resolves once each has closed. */
  async close(reason = "the proxy stopped"): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((connection) => connection.close(reason)));
    await closed;
  }

  private accept(socket: net.Socket): void {
    if (this.connections.size >= this.options.maxConnections) return refuseOverLimit(socket, this.options);
    const { upstream, clientSide, idleMs, maxStanzaChars } = this.options;
    const transcript = maxStanzaChars === undefined ? undefined : { maxFrameLength: maxStanzaChars, limitHint: ` (${PROXY_VARIABLES.maxStanzaChars})` };
    const connection = new ProxyConnection({
      client: socket,
      clientSide,
      upstream,
      secureContext: this.secureContext,
      fingerprint: this.fingerprint,
      idleMs,
      intercept: () => this.intercept,
      ...(transcript ? { transcript } : {}),
    });
    // The failure is in the transcript and the client's stream error; nothing waits on this promise.
    connection.connect().catch(() => undefined);
    this.connections.add(connection);
    this.history.push(connection);
    connection.onState((state) => {
      if (state === "closed") this.connections.delete(connection);
    });
    for (const listener of this.listeners) listener(connection);
  }
}

/** RFC 6120 section 4.9.3.17: <resource-constraint/>, the server lacks the resources to serve the stream. */
function refuseOverLimit(socket: net.Socket, options: ProxyServerOptions): void {
  const why = `this proxy already serves ${options.maxConnections} clients, its limit (${PROXY_VARIABLES.maxConnections})`;
  socket.on("error", () => undefined);
  socket.end(proxyStreamHeader(options.upstream.domain, "limit") + streamErrorWithText("resource-constraint", why));
}

function listen(server: net.Server, host: string, port: number): Promise<"ok" | "in-use"> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") resolve("in-use");
      else reject(new ProxyStartError(`The proxy cannot listen on ${host}:${port}: ${error.message}`));
    };
    server.once("error", onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", onError);
      resolve("ok");
    });
  });
}
