import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { parse as parseJid } from "@xmpp/jid";
import { GuidedSession } from "../lib/xmpp/guided-session";
import { parseClientMessage, type ClientMessage, type OpenRequest, type ServerMessage } from "../lib/bridge/protocol";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { addressFor, type BundledServer } from "./config";

export interface BridgeOptions {
  server: BundledServer;
  log?: (line: string) => void;
}

/**
 * The bridge: one WebSocket per browser tab, any number of XMPP sessions per tab.
 * Sessions belong to the socket that opened them; another tab cannot address them.
 */
export function createBridge(options: BridgeOptions) {
  const log = options.log ?? (() => undefined);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });

  wss.on("connection", (socket: WebSocket) => {
    const sessions = new Map<string, GuidedSession>();
    const reply = (message: ServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };

    socket.on("message", (data) => {
      const message = parseClientMessage(String(data));
      if ("invalid" in message) {
        reply({ op: "error", message: `The bridge did not understand a message: ${message.invalid}.` });
        return;
      }
      handle(message).catch((error: unknown) => {
        reply({ op: "failed", ref: message.ref, message: error instanceof Error ? error.message : String(error) });
      });
    });

    socket.on("close", () => {
      for (const session of sessions.values()) void session.close();
      sessions.clear();
    });

    async function handle(message: ClientMessage): Promise<void> {
      switch (message.op) {
        case "open":
          await open(message);
          return;
        case "send": {
          await sessionFor(message.sessionId).send(message.xml);
          reply({ op: "done", ref: message.ref });
          return;
        }
        case "close":
          await sessionFor(message.sessionId).close();
          reply({ op: "done", ref: message.ref });
          return;
      }
    }

    function sessionFor(id: string): GuidedSession {
      const session = sessions.get(id);
      if (session === undefined) throw new Error("This session does not exist or belongs to another page; connect again.");
      return session;
    }

    async function open(request: OpenRequest): Promise<void> {
      const jid = parseAccountJid(request.jid, options.server.domain);
      const session = new GuidedSession({
        server: addressFor(options.server, request.transport),
        transport: request.transport,
        domain: jid.domain,
        username: jid.local,
        password: request.password,
        mechanism: request.mechanism,
        initialPresence: request.initialPresence,
        ...(jid.resource ? { resource: jid.resource } : {}),
      });
      const sessionId = randomUUID();
      sessions.set(sessionId, session);
      streamEntries(session, (entries) => reply({ op: "entries", sessionId, entries }));
      session.onState((state, detail) => reply({ op: "state", sessionId, state, ...detail }));
      reply({ op: "opened", ref: request.ref, sessionId });
      log(`session ${sessionId.slice(0, 8)} ${request.transport} ${jid.local}@${jid.domain}`);
      // The outcome reaches the tab as a state message; a failure is not an error of the request.
      await session.connect().catch(() => undefined);
    }
  });

  return {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      if (!sameOrigin(request)) {
        socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
    },
    close(): void {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

/** Entries go to the tab in batches, one message per turn of the event loop. */
function streamEntries(session: GuidedSession, send: (entries: TranscriptEntry[]) => void): void {
  let batch: TranscriptEntry[] = [];
  session.transcript.onEntry((entry) => {
    if (batch.length === 0) {
      setImmediate(() => {
        const entries = batch;
        batch = [];
        send(entries);
      });
    }
    batch.push(entry);
  });
}

function parseAccountJid(text: string, defaultDomain: string) {
  const withDomain = text.includes("@") ? text : `${text}@${defaultDomain}`;
  let jid;
  try {
    jid = parseJid(withDomain.trim());
  } catch {
    throw new Error(`"${text}" is not a JID; write it as user@domain, for example alice@localhost.`);
  }
  if (!jid.local) throw new Error(`"${text}" has no username; write it as user@domain.`);
  return jid;
}

/** A page from another site must not drive sessions through a visitor's browser. */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser: scripts and tests
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
