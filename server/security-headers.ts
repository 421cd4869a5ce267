import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Headers on every response of the app server. The Content-Security-Policy carries a fresh
 * nonce per request: Next.js reads it from the request's own CSP header and puts it on the
 * inline scripts it streams (hydration data), and the root layout puts it on the theme boot
 * script (it reads `NONCE_HEADER`). Set here rather than in a Next.js proxy file because this
 * one process answers everything (pages, static files, errors, the bridge's upgrade) and
 * the bridge's WebSocket is this server's own.
 */
export const NONCE_HEADER = "x-nonce";

export interface PolicyOptions {
  nonce: string;
  /** `next dev` evaluates code (React refresh, source maps) and opens its own WebSocket. */
  dev: boolean;
  /** The Host the page was requested under, for the bridge's ws:// and wss:// URLs. */
  host: string | undefined;
}

export function contentSecurityPolicy({ nonce, dev, host }: PolicyOptions): string {
  // 'self' covers same-origin ws: in CSP Level 3 browsers; older ones need the URL itself.
  const sockets = host !== undefined && /^[a-z0-9.\-[\]:]+$/i.test(host) ? ` ws://${host} wss://${host}` : "";
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
    // Monaco adds <style> elements and style attributes at run time and cannot be given a
    // nonce; styles cannot run script, and server text is never rendered as markup.
    "style-src 'self' 'unsafe-inline'",
    // Monaco's web workers load from this origin (components/editor/monaco-stanza-editor.tsx).
    "worker-src 'self'",
    `connect-src 'self'${sockets}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  // frame-ancestors says the same to browsers that know CSP; this is for those that do not.
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=(), midi=(), display-capture=(), browsing-topics=()",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Origin-Agent-Cluster": "?1",
  "X-DNS-Prefetch-Control": "off",
};

/**
 * Sets the response headers, and the request headers Next.js reads the nonce from. Any
 * CSP or nonce header a client sent is overwritten: only this server chooses the nonce.
 */
export function applySecurityHeaders(request: IncomingMessage, response: ServerResponse, dev: boolean): void {
  const nonce = randomBytes(16).toString("base64");
  const policy = contentSecurityPolicy({ nonce, dev, host: request.headers.host });
  request.headers["content-security-policy"] = policy;
  request.headers[NONCE_HEADER] = nonce;
  delete request.headers["content-security-policy-report-only"];
  response.setHeader("Content-Security-Policy", policy);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.setHeader(name, value);
}
