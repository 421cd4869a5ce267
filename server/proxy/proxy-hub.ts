import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
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
  /** A proxy no page is attached to stops after this long; a stopped one is kept this long for its page (BRIDGE_DETACHED_TIMEOUT_MS, as sessions). */
  detachedMs?: number;
  /** Proxies this process runs at most, for every tab together. */
  maxProxies: number;
  certificate: ProxyCertificateSource;
  clock?: () => number;
}

/** What the page attached to a proxy hears: each client connection (already a session), and why the proxy stopped. */
export interface ProxyTabEvents<S> {
  onConnection(session: S, proxy: ProxyInfo): void;
  onClosed(message: string, proxy: ProxyInfo): void;
}

/** Makes a client connection a session of the proxy's owner (the bridge's registry); null when refused. */
export type AdoptConnection<S> = (connection: ProxyConnection, proxy: ProxyInfo, owner: string | null) => S | null;

export interface RunningProxy<S> {
  server: ProxyServer;
  info: ProxyInfo;
  /** The browser that started it (server/browser-id.ts): only it may reattach. */
  owner: string | null;
  /** The page's socket attached now: only it may drive or stop the proxy; null between a reload and the reattach. */
  tab: object | null;
  events: ProxyTabEvents<S> | null;
  detachedSince: number | null;
  /** When its last client left (or it started), for the idle limit. */
  quietSince: number;
  /** Every client connection's session, in order: what a reattaching page is given. */
  sessions: S[];
  /** Why it stopped, once it has (kept a while so a reloaded page can say so). */
  stopped: { message: string; at: number } | null;
}

/**
 * The proxies the bridge runs for its pages. A proxy belongs to the browser and page that
 * started it, as a session does: a reload detaches it and the page reattaches with the proxy's
 * token (its clients go on meanwhile); it stops when no page came back for
 * BRIDGE_DETACHED_TIMEOUT_MS, after PROXY_IDLE_SECONDS without a client, or on request.
 */
export class ProxyHub<S = unknown> {
  private readonly proxies = new Map<string, RunningProxy<S>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly clock: () => number;
  private readonly detachedMs: number;

  constructor(private readonly options: HubOptions) {
    this.clock = options.clock ?? Date.now;
    this.detachedMs = options.detachedMs ?? 2 * 60_000;
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  /** Proxies running now (stopped ones kept for their page do not count). */
  get count(): number {
    let running = 0;
    for (const proxy of this.proxies.values()) if (proxy.stopped === null) running++;
    return running;
  }

  /**
   * Starts a proxy for the page `tab` of browser `owner` to an allowed server; each client
   * connection is adopted as a session and told to the attached page.
   */
  async start(request: ProxyStartRequest, allowlist: Allowlist, tab: { tab: object; owner: string | null }, adopt: AdoptConnection<S>, events: ProxyTabEvents<S>): Promise<ProxyInfo> {
    const { maxProxies, settings } = this.options;
    if (this.count >= maxProxies) {
      throw new ProxyStartError(`This playground already runs ${maxProxies} proxies, its limit (${MAX_PROXIES_VARIABLE}). Stop one, or ask the operator to raise ${MAX_PROXIES_VARIABLE}.`);
    }
    const { host, port } = request.upstream;
    const upstream = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const domain = defaultDomain(host);
    const certificate = await this.options.certificate(domain);
    const server = await launchProxy({ upstream, transport: request.transport, clientSide: request.clientSide, domain }, allowlist, certificate, settings);
    const info: ProxyInfo = {
      proxyId: randomUUID(),
      token: randomBytes(24).toString("base64url"),
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
    const running: RunningProxy<S> = { server, info, owner: tab.owner, tab: tab.tab, events, detachedSince: null, quietSince: this.clock(), sessions: [], stopped: null };
    this.proxies.set(info.proxyId, running);
    server.onConnection((connection) => {
      const session = adopt(connection, info, running.owner);
      if (session === null) return;
      running.sessions.push(session);
      running.events?.onConnection(session, info);
      connection.onState((state) => {
        if (state === "closed") running.quietSince = this.clock();
      });
    });
    return info;
  }

  /** The page's own running proxy, or an error that says it is gone or not this page's. */
  owned(proxyId: string, tab: object): RunningProxy<S> {
    const running = this.proxies.get(proxyId);
    if (running === undefined || running.stopped !== null || running.tab !== tab) throw new Error("This proxy has stopped or belongs to another page; start a new one.");
    return running;
  }

  setIntercept(proxyId: string, tab: object, filter: InterceptFilter | null): void {
    this.owned(proxyId, tab).server.intercept = filter;
  }

  /**
   * A page (reloaded, or back after its link dropped) takes its proxy again with the token it
   * got at the start, from the browser that started it; from now on it hears what happens.
   */
  reattach(proxyId: string, token: string, owner: string | null, tab: object, events: ProxyTabEvents<S>): RunningProxy<S> {
    const running = this.proxies.get(proxyId);
    const expected = Buffer.from(running?.info.token ?? "");
    const given = Buffer.from(token);
    if (running === undefined || running.owner !== owner || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new Error("This proxy has ended or is not yours; start a new one.");
    }
    running.tab = tab;
    running.events = events;
    running.detachedSince = null;
    return running;
  }

  /** The page's socket closed (a reload, say): its proxies go on, detached, until it comes back or time runs out. */
  detachTab(tab: object): void {
    for (const running of this.proxies.values()) {
      if (running.tab !== tab) continue;
      running.tab = null;
      running.events = null;
      running.detachedSince = this.clock();
    }
  }

  async stop(proxyId: string, reason: string): Promise<void> {
    const running = this.proxies.get(proxyId);
    if (running === undefined || running.stopped !== null) return;
    running.stopped = { message: reason, at: this.clock() };
    await running.server.close(reason);
    running.events?.onClosed(reason, running.info);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.proxies.keys()].map((proxyId) => this.stop(proxyId, "the playground server stopped")));
    this.proxies.clear();
  }

  /**
   * A proxy with no client for PROXY_IDLE_SECONDS stops, and one no page came back to; each
   * says which variable sets that. A stopped one is forgotten once its page had time to hear why.
   */
  sweep(): void {
    const now = this.clock();
    const { idleMs } = this.options.settings;
    for (const running of this.proxies.values()) {
      if (running.stopped !== null) {
        if (now - running.stopped.at > this.detachedMs) this.proxies.delete(running.info.proxyId);
        continue;
      }
      if (running.detachedSince !== null && now - running.detachedSince > this.detachedMs) {
        void this.stop(running.info.proxyId, `no page was attached to this proxy for ${Math.round(this.detachedMs / 1000)} s (BRIDGE_DETACHED_TIMEOUT_MS)`);
        continue;
      }
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
