import type { IncomingMessage } from "node:http";

/**
 * Who may open the bridge's WebSocket. Browsers send Origin on every WebSocket handshake
 * (RFC 6455 section 4.1, RFC 6454), so:
 * - no Origin, or "null" (sandboxed frames, file: pages): refused; scripts and tests send one too;
 * - another site's page (cross-site WebSocket hijacking): refused, since Origin must name the
 *   host the request came to;
 * - a page that reached this server through a name that was rebound to it (DNS rebinding:
 *   evil.example resolving to 127.0.0.1, so Origin and Host agree): refused unless the name
 *   is this machine's own (localhost, 127.0.0.0/8, [::1]) or listed in ALLOWED_ORIGINS_VARIABLE.
 */
export const ALLOWED_ORIGINS_VARIABLE = "BRIDGE_ALLOWED_ORIGINS";

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export function originCheck(configured: string | undefined): (request: Pick<IncomingMessage, "headers">) => OriginVerdict {
  const listed = new Set(
    (configured ?? "")
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean)
      .map((origin) => {
        try {
          const parsed = new URL(origin).origin;
          if (parsed === "null") throw new Error("opaque");
          return parsed;
        } catch {
          throw new Error(`${ALLOWED_ORIGINS_VARIABLE}: "${origin}" is not an origin; write it like https://playground.example.org`);
        }
      }),
  );
  return ({ headers }) => {
    const origin = headers.origin;
    if (origin === undefined || origin === "" || origin === "null") {
      return { ok: false, reason: "no Origin header (browsers always send one; a script must send the page's origin)" };
    }
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return { ok: false, reason: `Origin ${JSON.stringify(origin)} is not an origin` };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: `Origin ${url.origin} is not a web page` };
    if (listed.has(url.origin)) return { ok: true };
    if (url.host !== headers.host) return { ok: false, reason: `Origin ${url.origin} is another site than ${String(headers.host)}` };
    if (isLoopbackName(url.hostname)) return { ok: true };
    return { ok: false, reason: `Origin ${url.origin} is not this machine's own name; if the playground is served under it, add it to ${ALLOWED_ORIGINS_VARIABLE}` };
  };
}

function isLoopbackName(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
