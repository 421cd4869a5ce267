import { isIP } from "node:net";
import { parseElement } from "../xml/parse-element";
import { NS_TLS } from "../xml/namespaces";
import type { ServerAddress } from "./server-address";
import type { Transport } from "../bridge/protocol";
import type { TranscriptEntry } from "./entry";

/**
 * What each transport promises, and the refusals that keep the promise (DESIGN.md, session
 * kinds): TCP with STARTTLS is TLS before any credential or a refusal; plain TCP stays plain
 * and goes to loopback unless the operator allows more.
 */

/** The operator's switch for plain TCP beyond loopback: "1" or "true" allows it. */
export const PLAIN_REMOTE_VARIABLE = "BRIDGE_ALLOW_PLAIN_REMOTE";

export function plainRemoteAllowed(env: Record<string, string | undefined> = process.env): boolean {
  const value = env[PLAIN_REMOTE_VARIABLE]?.trim().toLowerCase();
  return value === "1" || value === "true";
}

/** 127.0.0.0/8 and ::1 (RFC 1122 section 3.2.1.3, RFC 4291 section 2.5.3), IPv4-mapped included. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) {
    // The URL parser writes IPv6 in its one canonical form (RFC 5952): ::1, or ::ffff:7f00:1 for 127.0.0.1.
    const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    return canonical === "::1" || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
  }
  return false;
}

/**
 * Plain TCP carries the password in base64 (RFC 4616), readable by anyone on the path: only
 * loopback, where no one else is on the path, unless the operator said otherwise.
 * Returns why the target is refused, or undefined when it may be dialled.
 */
export function plainTargetRefusal(server: ServerAddress, allowRemote: boolean, what = "Plain TCP (no TLS)"): string | undefined {
  if (allowRemote) return undefined;
  // The addresses the allowlist checked are the ones dialled; without them, the host itself.
  const dialled = server.addresses ?? [server.host];
  const loopback = dialled.length > 0 && dialled.every((address) => address === "localhost" || isLoopbackAddress(address));
  if (loopback) return undefined;
  return `${what} goes to loopback only: ${server.host}:${server.port} is not on this machine, and everything on a clear-text stream, the password included, is readable on the way. Choose TCP with STARTTLS, direct TLS or a wss:// WebSocket; or, if the operator accepts clear-text logins to other hosts, they set ${PLAIN_REMOTE_VARIABLE}=1 for the bridge.`;
}

/**
 * The clear-text transports: plain TCP, and XMPP over WebSocket without TLS (ws://, RFC 7395
 * section 3.1 leaves security to the WebSocket layer): the name to show, or undefined.
 */
export function clearTextTransport(transport: Transport, server: ServerAddress): string | undefined {
  if (transport === "plain") return "Plain TCP (no TLS)";
  if (transport === "websocket" && server.tls !== true) return "A WebSocket without TLS (ws://)";
  return undefined;
}

/** What a <stream:features/> entry offers about STARTTLS (RFC 6120 section 5.4.1). */
export function startTlsOffer(entry: TranscriptEntry): "none" | "optional" | "required" {
  const parsed = parseElement(entry.raw);
  if (!parsed.ok) return "none";
  const starttls = parsed.element.children.find((child) => child.name === "starttls" && child.ns === NS_TLS);
  if (starttls === undefined) return "none";
  return starttls.children.some((child) => child.name === "required") ? "required" : "optional";
}

/** The features of a STARTTLS session lack <starttls/>: said before any SASL byte leaves. */
export function missingStartTlsMessage(where: string): string {
  return `${where} did not offer STARTTLS, and this session is "TCP with STARTTLS": the playground closed the stream before sending any credentials (RFC 6120 section 5: TLS comes before SASL; someone on the path may have removed the offer). Choose direct TLS if the server has a TLS port, or plain TCP only for a server on loopback, knowing the login then crosses in clear.`;
}

/** A plain session met a server that insists on TLS: no login in clear that would only be refused. */
export function requiredStartTlsMessage(where: string): string {
  return `${where} requires STARTTLS (<starttls><required/></starttls>, RFC 6120 section 5.3.1), and this session is plain TCP, which never upgrades: the playground closed the stream before sending any credentials. Choose TCP with STARTTLS.`;
}

/**
 * Raw mode on a STARTTLS transport: credentials typed before TLS would cross in clear.
 * SASL <auth> (RFC 6120 section 6.4.2) and SASL2 <authenticate> (XEP-0388) are held back.
 */
export function clearTextAuthRefusal(xml: string): string | undefined {
  if (!/<(?:[\w.-]+:)?(?:auth|authenticate)[\s/>]/.test(xml)) return undefined;
  return "Not sent: this session is TCP with STARTTLS and TLS is not established yet, so these credentials would cross in clear. Send <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/> first and restart the stream after <proceed/> (RFC 6120 sections 5.4.2 and 5.4.3.3); to study a clear-text login, open a plain TCP session to a loopback server.";
}
