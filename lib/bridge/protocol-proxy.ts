import { parseInterceptFilter, type HeldStanza, type InterceptFilter, type ProxyDirection } from "../proxy/intercept";
import type { SessionSummary } from "./protocol";

/**
 * Proxy mode over the bridge (issue 15): a tab starts a proxy; each client that connects
 * through it becomes a session of that tab ("proxy-connection"), with the usual entries,
 * state, reveal and close, plus inject and intercept.
 */

/** How one side is spoken to: STARTTLS (RFC 6120 section 5), direct TLS (XEP-0368) or plain TCP. */
export type ProxyTls = "starttls" | "tls" | "plain";

export interface ProxyStartRequest {
  op: "proxy-start";
  ref: string;
  /** The server behind the proxy; it must be on the bridge's allowlist. */
  upstream: { host: string; port: number };
  transport: ProxyTls;
  clientSide: ProxyTls;
}

export interface ProxyStopRequest {
  op: "proxy-stop";
  ref: string;
  proxyId: string;
}

/** The filter every connection of the proxy holds by from now on; null holds nothing (held stanzas stay held). */
export interface ProxyInterceptRequest {
  op: "proxy-intercept";
  ref: string;
  proxyId: string;
  filter: InterceptFilter | null;
}

/** A page takes back its proxy after a reload (or a dropped link), with the token it got at the start. */
export interface ProxyAttachRequest {
  op: "proxy-attach";
  ref: string;
  proxyId: string;
  token: string;
}

export interface InjectRequest {
  op: "inject";
  ref: string;
  sessionId: string;
  direction: ProxyDirection;
  xml: string;
}

export interface ReleaseRequest {
  op: "release";
  ref: string;
  sessionId: string;
  heldId: number;
  action: "forward" | "drop";
  /** Forward this text instead of the held one. */
  xml?: string;
}

export type ProxyClientMessage = ProxyStartRequest | ProxyStopRequest | ProxyAttachRequest | ProxyInterceptRequest | InjectRequest | ReleaseRequest;

export interface ProxyInfo {
  proxyId: string;
  /** Proves a reattaching page is the one that started the proxy (kept in that tab only). */
  token: string;
  /** Where clients connect: "127.0.0.1:5400". */
  address: string;
  host: string;
  port: number;
  upstream: string;
  transport: ProxyTls;
  clientSide: ProxyTls;
  /** The XMPP domain clients log in to (and the name on the proxy's certificate). */
  domain: string;
  /** SHA-256 fingerprint of the proxy's certificate, as clients show it. */
  fingerprint: string;
  /** The certificate itself (PEM), for a client to trust; never the key. */
  certificate: string;
}

export type ProxyServerMessage =
  | { op: "proxy-started"; ref: string; proxy: ProxyInfo }
  /**
   * The proxy a page took back: its client connections so far (each a session the page attaches
   * to with its token), the filter it holds by, and why it stopped if it has.
   */
  | { op: "proxy-attached"; ref: string; proxy: ProxyInfo; sessions: SessionSummary[]; intercept: InterceptFilter | null; stopped: string | null }
  /** A client connected: its connection is a session of this tab from now on. */
  | { op: "proxy-connection"; proxyId: string; session: SessionSummary }
  | { op: "proxy-closed"; proxyId: string; message: string }
  /** What one proxied connection holds now (after every change). */
  | { op: "held"; sessionId: string; held: HeldStanza[] };

type Invalid = { invalid: string };
const TLS_CHOICES = new Set(["starttls", "tls", "plain"]);

/** A proxy request from a tab, checked; undefined when the op is not one of them. */
export function parseProxyMessage(value: Record<string, unknown>): ProxyClientMessage | Invalid | undefined {
  switch (value.op) {
    case "proxy-start": {
      const upstream = value.upstream as Record<string, unknown> | undefined;
      if (typeof upstream !== "object" || upstream === null || typeof upstream.host !== "string" || !Number.isInteger(upstream.port)) return { invalid: "proxy-start needs upstream host and an integer port" };
      if (!TLS_CHOICES.has(value.transport as string) || !TLS_CHOICES.has(value.clientSide as string)) return { invalid: "proxy-start needs transport and clientSide, each starttls, tls or plain" };
      return { op: "proxy-start", ref: value.ref as string, upstream: { host: upstream.host, port: upstream.port as number }, transport: value.transport as ProxyTls, clientSide: value.clientSide as ProxyTls };
    }
    case "proxy-stop":
      if (typeof value.proxyId !== "string") return { invalid: "proxy-stop needs proxyId" };
      return { op: "proxy-stop", ref: value.ref as string, proxyId: value.proxyId };
    case "proxy-attach":
      if (typeof value.proxyId !== "string" || typeof value.token !== "string") return { invalid: "proxy-attach needs proxyId and token" };
      return { op: "proxy-attach", ref: value.ref as string, proxyId: value.proxyId, token: value.token };
    case "proxy-intercept": {
      if (typeof value.proxyId !== "string") return { invalid: "proxy-intercept needs proxyId" };
      if (value.filter === null) return { op: "proxy-intercept", ref: value.ref as string, proxyId: value.proxyId, filter: null };
      const filter = parseInterceptFilter(value.filter);
      if ("invalid" in filter) return filter;
      return { op: "proxy-intercept", ref: value.ref as string, proxyId: value.proxyId, filter };
    }
    case "inject":
      if (typeof value.sessionId !== "string" || typeof value.xml !== "string") return { invalid: "inject needs sessionId and xml" };
      if (value.direction !== "to-server" && value.direction !== "to-client") return { invalid: "inject needs direction to-server or to-client" };
      return { op: "inject", ref: value.ref as string, sessionId: value.sessionId, direction: value.direction, xml: value.xml };
    case "release":
      if (typeof value.sessionId !== "string" || !Number.isInteger(value.heldId)) return { invalid: "release needs sessionId and an integer heldId" };
      if (value.action !== "forward" && value.action !== "drop") return { invalid: "release needs action forward or drop" };
      if (value.xml !== undefined && typeof value.xml !== "string") return { invalid: "release's xml must be a string" };
      return { op: "release", ref: value.ref as string, sessionId: value.sessionId, heldId: value.heldId as number, action: value.action, ...(typeof value.xml === "string" ? { xml: value.xml } : {}) };
    default:
      return undefined;
  }
}
