import type net from "node:net";
import type tls from "node:tls";
import type { TranscriptOptions } from "../xmpp/transcript";
import type { InterceptFilter } from "./intercept";

/** How the client talks to the proxy: STARTTLS offered (RFC 6120 section 5), TLS from the first byte (XEP-0368), or plain TCP. */
export type ClientSide = "starttls" | "tls" | "plain";

/** The server behind the proxy, as the allowlist admitted it. */
export interface ProxyUpstream {
  /** The name typed: for messages, SNI and the certificate check (RFC 6125). */
  host: string;
  port: number;
  /** The only addresses dialled: those the allowlist checked (server/allowlist.ts, rule 3). */
  addresses: string[];
  /** How the server expects to be spoken to. */
  transport: "starttls" | "tls" | "plain";
  /** The XMPP domain the client logs in to (the TLS name the server presents). */
  domain: string;
}

export interface ProxyConnectionOptions {
  /** The accepted client socket, still plain (direct TLS is started here, so its failure is recorded). */
  client: net.Socket;
  clientSide: ClientSide;
  upstream: ProxyUpstream;
  /** The proxy's own certificate and key (PEM), presented to the client. */
  secureContext: tls.SecureContext;
  /** SHA-256 fingerprint of that certificate, named when a client refuses it. */
  fingerprint: string;
  idleMs: number;
  transcript?: TranscriptOptions;
  /** The proxy's intercept filter now, or null when nothing is held (read for each stanza). */
  intercept?: () => InterceptFilter | null;
}
