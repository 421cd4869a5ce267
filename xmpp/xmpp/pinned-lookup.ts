import { isIP, type LookupFunction } from "node:net";
import type { Client } from "@xmpp/client";

/**
 * A DNS lookup that always answers with addresses checked beforehand. Given to a socket
 * as its `lookup`, it makes the connection go where the allowlist looked, even if the
 * name's DNS answers change in between (DNS rebinding), while the socket keeps the name
 * for TLS SNI and certificate checks (RFC 6125).
 */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : (options.family ?? 0);
    const candidates = addresses.filter((address) => family === 0 || isIP(address) === family);
    const first = candidates[0];
    if (first === undefined) {
      const error = Object.assign(new Error(`no checked IPv${family} address for ${hostname}`), { code: "ENOTFOUND" });
      callback(error, "", 0);
      return;
    }
    if (options.all) callback(null, candidates.map((address) => ({ address, family: isIP(address) })));
    else callback(null, first, isIP(first));
  };
}

/**
 * Makes @xmpp/client's TCP and TLS transports dial only `addresses`: its Connection#connect
 * passes `socketParameters(service)` straight to net/tls.connect, which take a `lookup`.
 * The WebSocket transport returns a URL there instead (the caller puts the address in it).
 * Direct TLS also gets the name as its SNI server name (XEP-0368), which Node only sends when asked.
 */
export function pinClientSockets(entity: Client, addresses: readonly string[]): void {
  const socketParameters = (entity as unknown as { socketParameters?: (service: string) => unknown }).socketParameters;
  if (typeof socketParameters !== "function") {
    throw new Error("@xmpp/client no longer has Connection#socketParameters; lib/xmpp/pinned-lookup.ts must be updated for this version");
  }
  const lookup = pinnedLookup(addresses);
  Object.assign(entity, {
    socketParameters(this: Client, service: string) {
      const params = socketParameters.call(this, service);
      if (params === null || typeof params !== "object") return params;
      // Node sends no SNI unless told; @xmpp/tls does not tell it. The name (never the address) goes there.
      const host = (params as { host?: unknown }).host;
      const servername = typeof host === "string" && isIP(host) === 0 ? { servername: host } : {};
      return { ...params, lookup, ...servername };
    },
  });
}
