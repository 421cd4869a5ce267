import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { parseClientMessage, type ClientMessage, type ServerMessage } from "../lib/bridge/protocol";
import { isLoopbackVisitor, type Allowlist } from "./allowlist";
import type { BundledServer } from "./config";
import { openSession } from "./open-session";
import { originCheck } from "./origin-check";
import { browserIdFrom } from "./browser-id";
import { DEFAULT_HEARTBEAT_MS, keepAlive } from "./heartbeat";
import { lessonDetailsOf, openLessonSession } from "./lesson-session";
import { SessionRegistry, type ManagedSession, type RegistryLimits, type Subscriber } from "./session-registry";
import { ProxyConnection } from "../lib/proxy/proxy-connection";
import type { ProxyClientMessage, ProxyInfo } from "../lib/bridge/protocol-proxy";
import type { ProxyHub, ProxyTabEvents } from "./proxy/proxy-hub";

export interface BridgeOptions {
  server: BundledServer;
  allowlist: Allowlist;
  limits?: RegistryLimits;
  /** Operational lines only: never stanzas, never credentials. */
  log?: (line: string) => void;
  /** Origins allowed besides this machine's own names (BRIDGE_ALLOWED_ORIGINS, server/origin-check.ts). */
  allowedOrigins?: string;
  /** Proxy mode (issue 15); without it, a tab asking for a proxy is told it is off here. */
  proxies?: ProxyHub<ManagedSession>;
  /** Ping interval for the tabs' sockets (server/heartbeat.ts). */
  heartbeatMs?: number;
}

/**
 * What one request from a tab causes (a send's own entry, then its done) leaves in one write
 * rather than one each: the tab's socket is corked until this turn of the event loop ends.
 * Answers from the server come in a later turn, so they are not held back.
 */
function coalesceWrites(wire: Duplex): () => void {
  let corked = false;
  return () => {
    if (corked) return;
    corked = true;
    wire.cork();
    setImmediate(() => {
      corked = false;
      wire.uncork();
    });
  };
}

/**
 * What a tab's socket may hold that the tab has not taken before its sessions' entries wait
 * in their transcripts instead (Subscriber.backedUp): about two full messages of entries
 * (MAX_ENTRIES_PER_MESSAGE of a flood's each). The kernel's own buffers come on top.
 */
export const TAB_BUFFER_LIMIT = 1024 * 1024;

/** `items` starting from the `turn`th, so that each session of a tab goes first in turn. */
function inTurn<T>(items: T[], turn: number): T[] {
  const from = items.length === 0 ? 0 : turn % items.length;
  return [...items.slice(from), ...items.slice(0, from)];
}

/**
 * The bridge: one WebSocket per browser tab, any number of XMPP sessions per tab.
 * Sessions outlive the socket for a while, so a reload or a dropped connection can
 * reattach (with the session's token) and receive what it missed by seq.
 */
export function createBridge(options: BridgeOptions) {
  const log = options.log ?? (() => undefined);
  const registry = new SessionRegistry(options.limits);
  const checkOrigin = originCheck(options.allowedOrigins);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  // Sessions live in this process only: a tab that meets another instance knows they are gone.
  const instance = randomUUID();

  /** A client connected through a proxy: its connection is one more session of the proxy's browser. */
  function adoptConnection(connection: ProxyConnection, proxy: ProxyInfo, owner: string | null): ManagedSession | null {
    let managed: ManagedSession;
    try {
      managed = registry.add(connection, { mode: "proxy", owner, target: `proxy · ${proxy.address} → ${proxy.upstream} · ${proxy.transport}` });
    } catch (error) {
      void connection.close(error instanceof Error ? error.message : String(error));
      return null;
    }
    // Traffic is what keeps a proxied session alive: nobody types on it (BRIDGE_IDLE_TIMEOUT_MS).
    connection.transcript.onEntry(() => registry.touch(managed));
    connection.held.onChange((held) => managed.subscriber?.({ op: "held", sessionId: managed.id, held: [...held] }));
    return managed;
  }

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    const browser = browserIdFrom(request);
    // Refusals list the allowlist's entries only to a visitor on this machine (server/allowlist.ts).
    const allowlist = options.allowlist.forVisitor(isLoopbackVisitor(request.socket.remoteAddress, request.headers));
    const attached = new Set<ManagedSession>();
    /** This tab's sends not yet finished (written to the server, or refused). */
    const sendsInFlight = new Set<Promise<void>>();
    const wire = request.socket;
    const send: Subscriber = Object.assign(
      (message: ServerMessage) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      },
      { backedUp: () => wire.writableLength >= TAB_BUFFER_LIMIT },
    );
    // Past the limit a write has returned false, so Node says when the buffer is empty again.
    let drains = 0;
    wire.on("drain", () => registry.resume(inTurn([...attached], drains++)));
    send({ op: "hello", instance });
    keepAlive(socket, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    const coalesce = coalesceWrites(wire);

    socket.on("message", (data) => {
      coalesce();
      const message = parseClientMessage(String(data));
      if ("invalid" in message) {
        send({ op: "error", message: `The bridge did not understand a message: ${message.invalid}.` });
        return;
      }
      const handled = handle(message);
      const earlierSends = [...sendsInFlight];
      if (message.op === "send") {
        sendsInFlight.add(handled);
        void handled.catch(() => undefined).finally(() => sendsInFlight.delete(handled));
      }
      handled.catch(async (error: unknown) => {
        // The tab hears of its sends in the order it made them: a refusal goes after the sends
        // before it have finished, and after what they wait to be told (holdForAnswer), so a
        // send refused as too fast never shows ahead of the row of the send before it.
        await Promise.allSettled(earlierSends);
        for (const managed of attached) registry.releaseAnswerWait(managed);
        send({ op: "failed", ref: message.ref, message: error instanceof Error ? error.message : String(error) });
      });
    });

    socket.on("close", () => {
      for (const managed of attached) registry.detach(managed, send);
      attached.clear();
      // A reload closes the socket: the page's proxies go on, detached, until it reattaches (or time runs out).
      options.proxies?.detachTab(socket);
    });

    async function handle(message: ClientMessage): Promise<void> {
      switch (message.op) {
        case "open": {
          registry.assertRoom();
          const limits = { maxStanzaChars: registry.limits.maxStanzaChars };
          const opened = message.lesson
            ? await openLessonSession(message, options.server, allowlist, limits)
            : await openSession(message, options.server, allowlist, limits);
          let managed: ManagedSession;
          try {
            managed = registry.add(opened.session, { mode: message.mode, owner: browser, ...opened });
          } catch (error) {
            // Another tab took the last place meanwhile: undo what opening did (a disposable account).
            await opened.cleanup?.().catch(() => undefined);
            throw error;
          }
          attachTo(managed, 0);
          send({ op: "opened", ref: message.ref, ...summaryOf(managed) });
          log(`session ${managed.id.slice(0, 8)} opened: ${message.mode} ${message.transport}${message.account.kind === "fresh" ? " fresh account" : ""}`);
          // The outcome reaches the tab as a state message and in the transcript.
          await opened.session.connect().catch(() => undefined);
          return;
        }
        case "attach": {
          const managed = registry.authorize(message.sessionId, message.token, browser);
          if (managed === null) throw new Error("This session has ended or is not yours; connect again.");
          attachTo(managed, message.afterSeq);
          send({ op: "attached", ref: message.ref, ...summaryOf(managed) });
          // What a proxied connection holds now: the page that reattached shows it again.
          if (managed.session instanceof ProxyConnection) send({ op: "held", sessionId: managed.id, held: managed.session.held.list() });
          return;
        }
        case "send": {
          const managed = owned(message.sessionId);
          registry.assertSendSize(message.xml);
          registry.takeSend(managed);
          registry.touch(managed);
          registry.holdForAnswer(managed);
          await managed.session.send(message.xml);
          registry.finishSend(managed, message.ref, send);
          return;
        }
        case "ack":
          // No reply: the tab does not wait for it.
          registry.acknowledge(owned(message.sessionId), message.seq);
          return;
        case "reveal": {
          const managed = owned(message.sessionId);
          send({ op: "secrets", ref: message.ref, sessionId: managed.id, secrets: Object.fromEntries(managed.session.transcript.revealSecrets()) });
          return;
        }
        case "reconnect": {
          const managed = owned(message.sessionId);
          if (managed.session.reconnect === undefined) throw new Error("Only a raw session can drop its connection and dial again.");
          registry.touch(managed);
          await managed.session.reconnect();
          send({ op: "done", ref: message.ref });
          return;
        }
        case "close":
          await owned(message.sessionId).session.close();
          send({ op: "done", ref: message.ref });
          return;
        default:
          return handleProxy(message);
      }
    }

    async function handleProxy(message: ProxyClientMessage): Promise<void> {
      const proxies = options.proxies;
      if (proxies === undefined) throw new Error("Proxy mode is not available on this playground server.");
      switch (message.op) {
        case "proxy-start": {
          const proxy = await proxies.start(message, allowlist, { tab: socket, owner: browser }, adoptConnection, tabEvents());
          log(`proxy ${proxy.proxyId.slice(0, 8)} started: ${proxy.address} -> ${proxy.upstream} (${proxy.transport})`);
          send({ op: "proxy-started", ref: message.ref, proxy });
          return;
        }
        case "proxy-stop":
          proxies.owned(message.proxyId, socket);
          await proxies.stop(message.proxyId, "stopped by you");
          send({ op: "done", ref: message.ref });
          return;
        case "proxy-attach": {
          const running = proxies.reattach(message.proxyId, message.token, browser, socket, tabEvents());
          // The page attaches to each connection's session itself, from the seq it holds.
          send({
            op: "proxy-attached",
            ref: message.ref,
            proxy: running.info,
            sessions: running.sessions.map(summaryOf),
            intercept: running.server.intercept,
            stopped: running.stopped?.message ?? null,
          });
          return;
        }
        case "proxy-intercept":
          proxies.setIntercept(message.proxyId, socket, message.filter);
          send({ op: "done", ref: message.ref });
          return;
        case "inject": {
          const managed = owned(message.sessionId);
          registry.assertSendSize(message.xml);
          registry.takeSend(managed);
          proxied(managed).inject(message.direction, message.xml);
          send({ op: "done", ref: message.ref });
          return;
        }
        case "release": {
          const managed = owned(message.sessionId);
          if (message.xml !== undefined) registry.assertSendSize(message.xml);
          if (!proxied(managed).release(message.heldId, message.action, message.xml)) throw new Error("That stanza is not held any more (forwarded, dropped, or its connection closed).");
          send({ op: "done", ref: message.ref });
          return;
        }
      }
    }

    /** What this page hears of a proxy it started or reattached to. */
    function tabEvents(): ProxyTabEvents<ManagedSession> {
      return {
        onConnection: (managed, proxy) => {
          send({ op: "proxy-connection", proxyId: proxy.proxyId, session: summaryOf(managed) });
          attachTo(managed, 0);
        },
        onClosed: (why, proxy) => send({ op: "proxy-closed", proxyId: proxy.proxyId, message: why }),
      };
    }

    function proxied(managed: ManagedSession): ProxyConnection {
      if (!(managed.session instanceof ProxyConnection)) throw new Error("Inject and intercept work on a proxied connection only.");
      return managed.session;
    }

    /** A lesson session's variables go to the tab holding its token, and nowhere else. */
    function summaryOf(managed: ManagedSession) {
      const lesson = lessonDetailsOf(managed.session);
      return { ...registry.summary(managed), ...(lesson ? { lesson } : {}) };
    }

    function attachTo(managed: ManagedSession, afterSeq: number): void {
      attached.add(managed);
      registry.attach(managed, send, afterSeq);
    }

    /** Only a session this socket opened or reattached to with its token. */
    function owned(id: string): ManagedSession {
      for (const managed of attached) if (managed.id === id && managed.subscriber === send) return managed;
      throw new Error("This session does not exist or belongs to another page; connect again.");
    }
  });

  return {
    registry,
    /** The tabs' sockets, for tests that simulate a dropped connection. */
    sockets: () => wss.clients,
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      const verdict = checkOrigin(request);
      if (!verdict.ok) {
        log(`refused a WebSocket: ${verdict.reason}`);
        socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
    },
    async close(): Promise<void> {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await options.proxies?.closeAll();
      await registry.closeAll();
    },
  };
}
