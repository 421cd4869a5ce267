import type { TranscriptEntry } from "../xmpp/entry";

/**
 * Messages between a browser tab and the bridge, as JSON over one WebSocket.
 * Requests carry a `ref` the tab chooses, so each reply finds its caller.
 */

export const BRIDGE_PATH = "/bridge";

/** How the bridge reaches the XMPP server (RFC 6120 section 5 for STARTTLS). */
export type Transport = "starttls" | "tls" | "plain" | "websocket";

export const TRANSPORTS: readonly { id: Transport; label: string }[] = [
  { id: "plain", label: "Plain TCP (no TLS, loopback only)" },
  { id: "starttls", label: "TCP with STARTTLS" },
  { id: "tls", label: "Direct TLS" },
  { id: "websocket", label: "WebSocket (RFC 7395)" },
];

export type SaslMechanism = "PLAIN" | "SCRAM-SHA-1";

export interface OpenRequest {
  op: "open";
  ref: string;
  jid: string;
  password: string;
  transport: Transport;
  mechanism: SaslMechanism;
  /** Announce availability once bound, as a client normally does (RFC 6121 section 4.2). */
  initialPresence: boolean;
}

export interface SendRequest {
  op: "send";
  ref: string;
  sessionId: string;
  xml: string;
}

export interface CloseRequest {
  op: "close";
  ref: string;
  sessionId: string;
}

export type ClientMessage = OpenRequest | SendRequest | CloseRequest;

export type SessionState = "connecting" | "online" | "closed";

export type ServerMessage =
  | { op: "opened"; ref: string; sessionId: string }
  | { op: "done"; ref: string }
  | { op: "failed"; ref: string; message: string }
  | { op: "entries"; sessionId: string; entries: TranscriptEntry[] }
  | { op: "state"; sessionId: string; state: SessionState; jid?: string; message?: string }
  | { op: "error"; message: string };

/** Validates an untrusted message from a tab; returns a reason when it is not one we know. */
export function parseClientMessage(text: string): ClientMessage | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { invalid: "the message is not JSON" };
  }
  if (typeof value !== "object" || value === null) return { invalid: "the message is not an object" };
  const message = value as Record<string, unknown>;
  if (typeof message.ref !== "string") return { invalid: "the message has no ref" };
  switch (message.op) {
    case "open":
      if (typeof message.jid !== "string" || typeof message.password !== "string") return { invalid: "open needs jid and password" };
      if (!TRANSPORTS.some((transport) => transport.id === message.transport)) return { invalid: "unknown transport" };
      if (message.mechanism !== "PLAIN" && message.mechanism !== "SCRAM-SHA-1") return { invalid: "unknown SASL mechanism" };
      if (typeof message.initialPresence !== "boolean") return { invalid: "open needs initialPresence" };
      return message as unknown as OpenRequest;
    case "send":
      if (typeof message.sessionId !== "string" || typeof message.xml !== "string") return { invalid: "send needs sessionId and xml" };
      return message as unknown as SendRequest;
    case "close":
      if (typeof message.sessionId !== "string") return { invalid: "close needs sessionId" };
      return message as unknown as CloseRequest;
    default:
      return { invalid: `unknown op ${JSON.stringify(message.op)}` };
  }
}
