import type { TranscriptEntry } from "../xmpp/entry";
import type { LessonVariables } from "../lessons/variables";
import { websocketPathProblem } from "../xmpp/websocket-target";
import { parseProxyMessage, type ProxyClientMessage, type ProxyServerMessage } from "./protocol-proxy";

/**
 * Messages between a browser tab and the bridge, as JSON over one WebSocket.
 * Requests carry a `ref` the tab chooses, so each reply finds its caller.
 */

export const BRIDGE_PATH = "/bridge";

/** The most characters one send carries unless the operator sets BRIDGE_MAX_SEND_CHARS. */
export const DEFAULT_MAX_SEND_CHARS = 1_000_000;

/** Sends a session may make a second on average, and at most at once, unless the operator changes them (server/session-registry.ts). */
export const DEFAULT_SEND_RATE = { perSecond: 20, burst: 100 } as const;

/** How the bridge reaches the XMPP server (RFC 6120 section 5 for STARTTLS). */
export type Transport = "starttls" | "tls" | "plain" | "websocket";

export const TRANSPORTS: readonly { id: Transport; label: string }[] = [
  { id: "plain", label: "Plain TCP (no TLS, loopback only)" },
  { id: "starttls", label: "TCP with STARTTLS" },
  { id: "tls", label: "Direct TLS" },
  { id: "websocket", label: "WebSocket (RFC 7395)" },
];

/** Guided: the client library negotiates TLS, SASL and binding. Raw: a bare socket, you type it all. */
export type OpenMode = "guided" | "raw";

/** Proxy: one client's connection through a proxy the tab started (protocol-proxy.ts); not opened, announced. */
export type SessionMode = OpenMode | "proxy";

export type SaslMechanism = "PLAIN" | "SCRAM-SHA-1";

/** Who to log in as: an existing account, or a disposable one registered for this session (XEP-0077). */
export type AccountChoice = { kind: "existing"; jid: string; password: string } | { kind: "fresh" };

export interface OpenRequest {
  op: "open";
  ref: string;
  mode: OpenMode;
  account: AccountChoice;
  transport: Transport;
  mechanism: SaslMechanism;
  /** Announce availability once bound, as a client normally does (RFC 6121 section 4.2). */
  initialPresence: boolean;
  /** Another server than the bundled one; it must be on the bridge's allowlist. */
  server?: OtherServer;
  /** A lesson's session: always a fresh account on the bundled server, with a scripted peer if asked. */
  lesson?: LessonOpen;
}

export interface OtherServer {
  host: string;
  port: number;
  /** Websocket transport only: the HTTP path of XMPP over WebSocket (default /ws). */
  path?: string;
  /** Websocket transport only: wss://, TLS or a refusal, never a fallback to ws://. */
  tls?: boolean;
}

export interface LessonOpen {
  /** A peer run by the server for this session (it answers, subscribes back, joins rooms), or nobody. */
  peer: "scripted" | "none";
  /** The scripted peer enters the session's {{room}} before the session connects (XEP-0045 §7.2.1). */
  peerInRoom?: boolean;
  /** The learner's account also logs in from a scripted second device, {{me}}/phone (XEP-0280 lessons). */
  otherDevice?: boolean;
  /** Raw mode: the account lives on the server's stream management domain (XEP-0198 lesson, server/config.ts). */
  streamManagement?: boolean;
}

/** What a lesson session tells its own tab, and only it: its variables, secrets included (raw lessons type them). */
export interface LessonSessionDetails {
  variables: LessonVariables;
}

export interface SendRequest {
  op: "send";
  ref: string;
  sessionId: string;
  xml: string;
}

/** Raw mode: drop the connection without ending the stream and dial again (XEP-0198 §5 resumption). */
export interface ReconnectRequest {
  op: "reconnect";
  ref: string;
  sessionId: string;
}

export interface CloseRequest {
  op: "close";
  ref: string;
  sessionId: string;
}

/** Reattach after a reload or a dropped connection; entries after `afterSeq` are sent again. */
export interface AttachRequest {
  op: "attach";
  ref: string;
  sessionId: string;
  token: string;
  afterSeq: number;
}

/**
 * The tab stored the entries up to `seq` (in IndexedDB): the bridge may forget them. A tab
 * that stores nothing never sends it, and the bridge keeps the whole transcript for it.
 */
export interface AckRequest {
  op: "ack";
  ref: string;
  sessionId: string;
  seq: number;
}

/** Ask for the unmasked text of this session's redacted entries. */
export interface RevealRequest {
  op: "reveal";
  ref: string;
  sessionId: string;
}

export type ClientMessage = OpenRequest | SendRequest | CloseRequest | ReconnectRequest | AttachRequest | RevealRequest | AckRequest | ProxyClientMessage;

export type SessionState = "connecting" | "online" | "closed";

export interface SessionSummary {
  sessionId: string;
  /** Secret that lets this tab, and only it, reattach to the session. */
  token: string;
  mode: SessionMode;
  /** What this session dialled and how, in words: "guided · plain · 127.0.0.1:5224". */
  target: string;
  state: SessionState;
  jid?: string;
  message?: string;
  /** For a disposable account, so the person can log in with it elsewhere. */
  account?: { jid: string; password: string };
  /** The most characters one send may carry (BRIDGE_MAX_SEND_CHARS), so the page can say so first. */
  maxSendChars?: number;
  lesson?: LessonSessionDetails;
}

export type ServerMessage =
  /** First message on every socket: which bridge process answers (new after a restart). */
  | { op: "hello"; instance: string }
  | ({ op: "opened"; ref: string } & SessionSummary)
  | ({ op: "attached"; ref: string } & SessionSummary)
  | { op: "secrets"; ref: string; sessionId: string; secrets: Record<number, string> }
  | { op: "done"; ref: string }
  | { op: "failed"; ref: string; message: string }
  /**
   * `done`: the refs of sends this message completes. A send's `done` rides with the entries
   * that carry the server's answer, so the tab gets one message a send, not two.
   */
  | { op: "entries"; sessionId: string; entries: TranscriptEntry[]; done?: string[] }
  | { op: "state"; sessionId: string; state: SessionState; jid?: string; message?: string }
  | { op: "error"; message: string }
  | ProxyServerMessage;

type Invalid = { invalid: string };
const TRANSPORT_IDS = new Set<string>(TRANSPORTS.map((transport) => transport.id));

/** Validates an untrusted message from a tab; returns a reason when it is not one we know. */
export function parseClientMessage(text: string): ClientMessage | Invalid {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { invalid: "the message is not JSON" };
  }
  if (!isRecord(value)) return { invalid: "the message is not an object" };
  if (typeof value.ref !== "string") return { invalid: "the message has no ref" };
  switch (value.op) {
    case "open":
      return parseOpen(value);
    case "send":
      if (typeof value.sessionId !== "string" || typeof value.xml !== "string") return { invalid: "send needs sessionId and xml" };
      return value as unknown as SendRequest;
    case "close":
    case "reveal":
    case "reconnect":
      if (typeof value.sessionId !== "string") return { invalid: `${value.op} needs sessionId` };
      return value as unknown as CloseRequest | RevealRequest | ReconnectRequest;
    case "ack":
      if (typeof value.sessionId !== "string" || !Number.isInteger(value.seq)) return { invalid: "ack needs sessionId and an integer seq" };
      return value as unknown as AckRequest;
    case "attach":
      if (typeof value.sessionId !== "string" || typeof value.token !== "string" || typeof value.afterSeq !== "number") {
        return { invalid: "attach needs sessionId, token and afterSeq" };
      }
      return value as unknown as AttachRequest;
    default:
      return parseProxyMessage(value) ?? { invalid: `unknown op ${JSON.stringify(value.op)}` };
  }
}

function parseOpen(value: Record<string, unknown>): OpenRequest | Invalid {
  if (value.mode !== "guided" && value.mode !== "raw") return { invalid: "open needs mode guided or raw" };
  if (typeof value.transport !== "string" || !TRANSPORT_IDS.has(value.transport)) return { invalid: "unknown transport" };
  if (value.mechanism !== "PLAIN" && value.mechanism !== "SCRAM-SHA-1") return { invalid: "unknown SASL mechanism" };
  if (typeof value.initialPresence !== "boolean") return { invalid: "open needs initialPresence" };
  const account = value.account;
  if (!isRecord(account)) return { invalid: "open needs an account" };
  if (account.kind === "existing") {
    if (typeof account.jid !== "string" || typeof account.password !== "string") return { invalid: "an existing account needs jid and password" };
  } else if (account.kind !== "fresh") {
    return { invalid: "account.kind must be existing or fresh" };
  }
  if (value.server !== undefined) {
    const server = value.server;
    if (!isRecord(server) || typeof server.host !== "string" || !Number.isInteger(server.port)) return { invalid: "server needs host and an integer port" };
    if (server.path !== undefined || server.tls !== undefined) {
      if (value.transport !== "websocket") return { invalid: "server.path and server.tls are for the websocket transport only" };
      if (server.tls !== undefined && typeof server.tls !== "boolean") return { invalid: "server.tls must be true (wss://) or false (ws://)" };
      if (server.path !== undefined && typeof server.path !== "string") return { invalid: "server.path must be a string" };
      const problem = typeof server.path === "string" ? websocketPathProblem(server.path) : null;
      if (problem !== null) return { invalid: problem };
    }
    // Only the fields named above go on: the session's address is built from this object.
    const known: OtherServer = { host: server.host, port: server.port as number };
    if (typeof server.path === "string") known.path = server.path;
    if (typeof server.tls === "boolean") known.tls = server.tls;
    value = { ...value, server: known };
  }
  if (value.lesson !== undefined) {
    const lesson = value.lesson;
    if (!isRecord(lesson) || (lesson.peer !== "scripted" && lesson.peer !== "none")) return { invalid: "lesson needs peer scripted or none" };
    if (account.kind !== "fresh" || value.server !== undefined) return { invalid: "a lesson session uses a fresh account on the bundled server" };
    if (lesson.peerInRoom !== undefined && typeof lesson.peerInRoom !== "boolean") return { invalid: "lesson.peerInRoom must be true or false" };
    if (lesson.peerInRoom === true && lesson.peer !== "scripted") return { invalid: "lesson.peerInRoom needs peer scripted" };
    if (lesson.otherDevice !== undefined && typeof lesson.otherDevice !== "boolean") return { invalid: "lesson.otherDevice must be true or false" };
    if (lesson.otherDevice === true && lesson.peer !== "scripted") return { invalid: "lesson.otherDevice needs peer scripted" };
    if (lesson.streamManagement !== undefined && typeof lesson.streamManagement !== "boolean") return { invalid: "lesson.streamManagement must be true or false" };
    if (lesson.streamManagement === true && value.mode !== "raw") return { invalid: "lesson.streamManagement needs mode raw" };
  }
  return value as unknown as OpenRequest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A message as the replies it stands for: an `entries` message that completes sends is those
 * entries, then a `done` for each send, in the order the bridge once sent them apart.
 */
export function unfoldDone(message: ServerMessage): ServerMessage[] {
  if (message.op !== "entries" || message.done === undefined) return [message];
  return [message, ...message.done.map((ref): ServerMessage => ({ op: "done", ref }))];
}
