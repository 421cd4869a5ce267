import { NS_STREAM, NS_STREAM_ERRORS } from "../xml/namespaces";
import { escapeXml } from "../xml/escape";

/**
 * What the proxy itself writes to a client when it speaks for the server: a stream header
 * (RFC 6120 section 4.9.1.1: an error before the stream is set up still opens one) and
 * stream errors with a <text/> that says why (section 4.9.2).
 */

export function proxyStreamHeader(domain: string, id: string): string {
  return `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='${NS_STREAM}' id='${escapeXml(id)}' from='${escapeXml(domain)}' version='1.0' xml:lang='en'>`;
}

/** The error and the end of the stream, one write (RFC 6120 sections 4.9 and 4.4). */
export function streamErrorWithText(condition: string, text: string): string {
  return `<stream:error><${condition} xmlns='${NS_STREAM_ERRORS}'/><text xmlns='${NS_STREAM_ERRORS}' xml:lang='en'>${escapeXml(text)}</text></stream:error></stream:stream>`;
}

/** The variables that set the proxy's limits, named in every message about them. */
export const PROXY_VARIABLES = {
  maxConnections: "PROXY_MAX_CONNECTIONS",
  idleSeconds: "PROXY_IDLE_SECONDS",
  maxStanzaChars: "PROXY_MAX_STANZA_CHARS",
  ports: "PROXY_PORTS",
  listenHost: "PROXY_LISTEN_HOST",
} as const;

/** The command that shows which process listens on a port (scripts/lib/ports.ts says the same for the servers). */
export const whoHoldsPortCommand = (port: number): string => `ss -ltnp 'sport = :${port}'`;
