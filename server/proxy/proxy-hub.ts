import { randomUUID } from "node:crypto";
import type { ProxyConnection } from "../../lib/proxy/proxy-connection";
import type { ProxyServer } from "../../lib/proxy/proxy-server";
import { ProxyStartError } from "../../lib/proxy/proxy-server";
import type { InterceptFilter } from "../../lib/proxy/intercept";
import { PROXY_VARIABLES } from "../../lib/proxy/proxy-messages";
import type { ProxyInfo, ProxyStartRequest } from "../../lib/bridge/protocol-proxy";
import type { Allowlist } from "../allowlist";
import { defaultDomain, launchProxy, type ProxySettings } from "./launch-proxy";

/** The proxy's certificate for a domain, made on first use (scripts/lib/certificates.ts in the app). */
export type ProxyCertificateSource = (domain: string) => Promise<{ cert: string; key: string; fingerprint: string }>;

export const MAX_PROXIES_VARIABLE = "PROXY_MAX_PROXIES";

export interface HubOptions {
  settings: ProxySettings;
  /** Proxies this process runs at most, for every tab together. */
  maxProxies: number;
  certificate: ProxyCertificateSource;
  clock?: () => number;
}

interface RunningProxy {
  server: ProxyServer;
  info: ProxyInfo;
  /** The tab's socket that started it: only it may drive or stop it (as for sessions). */
  tab: object;
  /** When its last client left (or it started), for the idle limit. */
  quietSince: number;
  onClosed: (message: string) => void;
}

/**
 * The proxies the bridge runs for its tabs. A proxy belongs to the tab that started it: it
 * stops when that tab's socket closes (a proxy nobody watches would record for nobody), after
 * PROXY_IDLE_SECONDS without a client, or on request.
 */
export class ProxyHub {
  private readonly proxies = new Map<string, RunningProxy>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly clock: () => number;

  constructor(private readonly options: HubOptions) {
    this.clock = options.clock ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  get count(): number {
    return this.proxies.size;
  }

  /**
   * Starts a proxy for `tab` to an allowed server; each client connection is handed to
   * `onConnection`, and `onClosed` says why the proxy stopped.
   */
  async start(
    request: ProxyStartRequest,
    allowlist: Allowlist,
    tab: object,
    events: { onConnection(connection: ProxyConnection, proxy: ProxyInfo): void; onClosed(message: string): void },
  ): Promise<ProxyInfo> {
    const { maxProxies, settings } = this.options;
    if (this.proxies.size >= maxProxies) {
      throw new ProxyStartError(`This playground already runs ${maxProxies} proxies, its limit (${MAX_PROXIES_VARIABLE}). Stop one, or ask the operator to raise ${MAX_PROXIES_VARIABLE}.`);
    }
    const { host, port } = request.upstream;
    const upstream = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const domain = defaultDomain(host);
    const certificate = await this.options.certificate(domain);
    const server = await launchProxy({ upstream, transport: request.transport, clientSide: request.clientSide, domain }, allowlist, certificate, settings);
    const info: ProxyInfo = {
      proxyId: randomUUID(),
      address: server.address,
      host: server.host,
      port: server.port,
      upstream,
      transport: request.transport,
      clientSide: request.clientSide,
      domain,
      fingerprint: server.fingerprint,
      certificate: certificate.cert,
    };
    const running: RunningProxy = { server, info, tab, quietSince: this.clock(), onClosed: events.onClosed };
    this.proxies.set(info.proxyId, running);
    server.onConnection((connection) => {
      events.onConnection(connection, info);
      connection.onState((state) => {
        if (state === "closed") running.quietSince = this.clock();
      });
    });
    return info;
  }

  /** The tab's own proxy, or an error that says it is gone or not this tab's. */
  owned(proxyId: string, tab: object): RunningProxy {
    const running = this.proxies.get(proxyId);
    if (running === undefined || running.tab !== tab) throw new Error("This proxy has stopped or belongs to another page; start a new one.");
    return running;
  }

  setIntercept(proxyId: string, tab: object, filter: InterceptFilter | null): void {
    this.owned(proxyId, tab).server.intercept = filter;
  }

  async stop(proxyId: string, reason: string): Promise<void> {
    const running = this.proxies.get(proxyId);
    if (running === undefined) return;
    this.proxies.delete(proxyId);
    await running.server.close(reason);
    running.onClosed(reason);
  }

  /** Every proxy of a tab whose socket closed. */
  async stopTab(tab: object): Promise<void> {
    const mine = [...this.proxies.values()].filter((running) => running.tab === tab);
    await Promise.all(mine.map((running) => this.stop(running.info.proxyId, "the page that started this proxy closed")));
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.proxies.keys()].map((proxyId) => this.stop(proxyId, "the playground server stopped")));
  }

  /** A proxy with no client for PROXY_IDLE_SECONDS stops, saying which variable sets that. */
  sweep(): void {
    const now = this.clock();
    const { idleMs } = this.options.settings;
    for (const running of this.proxies.values()) {
      if (running.server.connections.size > 0 || now - running.quietSince <= idleMs) continue;
      void this.stop(running.info.proxyId, `no client used this proxy for ${Math.round(idleMs / 1000)} s, its idle limit (${PROXY_VARIABLES.idleSeconds})`);
    }
  }
}

export function maxProxiesFromEnv(env: Record<string, string | undefined> = process.env): number {
  const value = env[MAX_PROXIES_VARIABLE];
  if (value === undefined || value === "") return 4;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new ProxyStartError(`${MAX_PROXIES_VARIABLE}="${value}" must be a whole number above 0`);
  return number;
}
