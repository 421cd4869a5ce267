/**
 * Where XMPP over WebSocket (RFC 7395) is served: no well-known path exists (servers differ:
 * ejabberd is often set up at /ws, Prosody serves /xmpp-websocket), so people type a path, or
 * a whole ws:// or wss:// URL as a server's documentation gives it.
 */

export interface WebSocketTarget {
  host: string;
  port: number;
  /** The HTTP path, with any query: "/xmpp-websocket". */
  path: string;
  /** wss://: TLS to the HTTP server (RFC 7395 section 3, over RFC 6455's TLS). */
  tls: boolean;
}

/** The longest path accepted; real endpoints are a few dozen characters. */
export const MAX_WEBSOCKET_PATH_LENGTH = 1024;

// RFC 3986 section 3.3 path characters (pchar and "/"), plus a query (section 3.4).
const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

/** Null when `path` can go in a request line; otherwise what is wrong with it, in words. */
export function websocketPathProblem(path: string): string | null {
  if (!path.startsWith("/")) return `the WebSocket path "${path}" must start with "/", as in /xmpp-websocket`;
  if (path.length > MAX_WEBSOCKET_PATH_LENGTH) return `the WebSocket path is longer than ${MAX_WEBSOCKET_PATH_LENGTH} characters`;
  if (!PATH.test(path)) return `the WebSocket path "${path}" has characters a URL path cannot hold (spaces, quotes, "#"...); percent-encode them`;
  return null;
}

/**
 * What the person typed in the form's WebSocket field: a path (the host and port fields say
 * where), or a full ws:// or wss:// URL (it says everything). Blank means the given default path.
 */
export function parseWebSocketField(
  text: string,
  fields: { host: string; port: number; defaultPath: string },
): WebSocketTarget | { error: string } {
  const typed = text.trim();
  if (!/^[a-z][a-z0-9+.-]*:/i.test(typed)) {
    const path = typed === "" ? fields.defaultPath : typed;
    const problem = websocketPathProblem(path);
    return problem === null ? { host: fields.host, port: fields.port, path, tls: false } : { error: capitalize(problem) };
  }
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    return { error: `"${typed}" is not a URL; write it like wss://xmpp.example.org/xmpp-websocket, or give just the path.` };
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    return { error: `A WebSocket URL starts with ws:// or wss://, not ${url.protocol}//.` };
  }
  if (url.username !== "" || url.password !== "") return { error: "Leave credentials out of the WebSocket URL; the JID and password fields carry them." };
  if (url.hash !== "") return { error: "A WebSocket URL has no #fragment (RFC 6455 section 3); remove it." };
  const tls = url.protocol === "wss:";
  const path = url.pathname + url.search;
  const problem = websocketPathProblem(path);
  if (problem !== null) return { error: capitalize(problem) };
  // URL keeps IPv6 addresses in brackets; the allowlist wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: url.port === "" ? (tls ? 443 : 80) : Number(url.port), path, tls };
}

/** The URL a session dials: the name (for the Host header, SNI and the certificate), never a lookup's answer. */
export function websocketUrl(target: Pick<WebSocketTarget, "host" | "port" | "path" | "tls">): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  return `${target.tls ? "wss" : "ws"}://${host}:${target.port}${target.path}`;
}

const capitalize = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
