import net from "node:net";
import { UserFacingError } from "./errors";
import { whoHoldsPortCommand } from "../../lib/proxy/proxy-messages";

export const LOOPBACK = "127.0.0.1";

export interface PortToCheck {
  port: number;
  host?: string;
  /** What the port is for, shown in messages ("c2s STARTTLS"). */
  label?: string;
}

/**
 * True when nothing holds `port` on `host`: we can bind it ourselves.
 * Binding (not connecting) is what the server will do, so this also catches
 * a socket bound to 0.0.0.0 or one that is bound but not yet accepting.
 */
export function isPortFree(port: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") resolve(false);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

// The command that shows which process listens on a port: one wording for the servers and the proxy.
export { whoHoldsPortCommand };

/** Throws a UserFacingError naming every busy port and how to find its owner. */
export async function assertPortsFree(ports: readonly PortToCheck[], hint?: string): Promise<void> {
  const busy: PortToCheck[] = [];
  for (const entry of ports) {
    if (!(await isPortFree(entry.port, entry.host ?? LOOPBACK))) busy.push(entry);
  }
  if (busy.length === 0) return;
  const lines = busy.map(({ port, host = LOOPBACK, label }) => {
    const what = label ? ` (${label})` : "";
    return `Port ${port} on ${host}${what} is already in use. See who holds it: ${whoHoldsPortCommand(port)}`;
  });
  if (hint) lines.push(hint);
  throw new UserFacingError(lines.join("\n"));
}

/** True when a TCP connection to host:port is accepted within timeoutMs. */
export function canConnect(port: number, host: string = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until host:port accepts connections. Resolves with the wait in ms;
 * rejects with a UserFacingError after timeoutMs.
 */
export async function waitForPort(port: number, host: string = LOOPBACK, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (;;) {
    if (await canConnect(port, host, Math.max(1, Math.min(1000, deadline - Date.now())))) return Date.now() - started;
    if (Date.now() >= deadline) {
      throw new UserFacingError(`Nothing accepted connections on ${host}:${port} within ${timeoutMs / 1000} s.`);
    }
    await sleep(Math.min(50, Math.max(0, deadline - Date.now())));
  }
}
