/** Where a session dials: shared by every session kind and the in-band registration. */
export interface ServerAddress {
  host: string;
  port: number;
  /** The HTTP path of XMPP over WebSocket, for the websocket transport. */
  path?: string;
  /** For the websocket transport: wss:// (TLS, certificate checked) instead of ws://. */
  tls?: boolean;
  /**
   * The addresses the allowlist checked for `host`: the socket dials only these, never a
   * fresh lookup of the name (server/allowlist.ts). `host` stays the TLS server name.
   */
  addresses?: readonly string[];
}
