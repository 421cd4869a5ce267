import type { WebSocket } from "ws";

/**
 * WebSocket heartbeats (RFC 6455 section 5.5.2): the bridge pings each tab's socket every
 * interval; a browser answers with a pong by itself. Two things follow. A load balancer or
 * proxy that closes connections idle for a minute (nginx's proxy_read_timeout is 60 s by
 * default) sees traffic, so an idle tab keeps its socket. And a tab that vanished without
 * closing (a laptop lid, a dropped network) is noticed after two intervals, so its sessions
 * start their detached countdown instead of waiting on a dead socket.
 */

export const HEARTBEAT_VARIABLE = "BRIDGE_HEARTBEAT_MS";
export const DEFAULT_HEARTBEAT_MS = 25_000;

export function heartbeatFromEnv(env: Record<string, string | undefined> = process.env): number {
  const value = env[HEARTBEAT_VARIABLE];
  if (value === undefined || value === "") return DEFAULT_HEARTBEAT_MS;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 1000) {
    throw new Error(`${HEARTBEAT_VARIABLE}=${value} is not a number of milliseconds of at least 1000`);
  }
  return parsed;
}

/** Pings `socket` every `intervalMs`; terminates it when the previous ping got no pong. */
export function keepAlive(socket: WebSocket, intervalMs: number): void {
  let answered = true;
  socket.on("pong", () => {
    answered = true;
  });
  const timer = setInterval(() => {
    if (!answered) {
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, intervalMs);
  timer.unref();
  socket.once("close", () => clearInterval(timer));
}
