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
