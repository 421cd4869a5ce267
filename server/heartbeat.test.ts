import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { heartbeatFromEnv, keepAlive } from "./heartbeat";

const INTERVAL_MS = 40;
let server: WebSocketServer | undefined;

// The intervals are driven by hand: with real timers, a test process paused longer than an
// interval by a busy machine woke to its timer before the pong waiting in its socket, and the
// socket was terminated (a CI run failed so). Sockets and pongs stay real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
});

afterEach(() => {
  vi.useRealTimers();
  server?.close();
  server = undefined;
});

/** A server that keeps every socket alive, and a client of it (with or without pongs). */
async function connect(autoPong: boolean): Promise<{ client: WebSocket; serverSide: WebSocket }> {
  server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await once(server, "listening");
  const accepted = once(server, "connection") as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { autoPong });
  const [serverSide] = await accepted;
  keepAlive(serverSide, INTERVAL_MS);
  await once(client, "open");
  return { client, serverSide };
}

describe("keepAlive", () => {
  it("keeps a socket that answers pings open through several intervals", async () => {
    const { client, serverSide } = await connect(true);
    const ended = once(serverSide, "close").then(() => "ended" as const);
    for (let interval = 0; interval < 4; interval++) {
      const answered = once(serverSide, "pong").then(() => "answered" as const);
      vi.advanceTimersByTime(INTERVAL_MS);
      expect(await Promise.race([answered, ended])).toBe("answered");
    }
    // The interval after the fourth pong finds it answered and pings again instead of ending it.
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(serverSide.readyState).toBe(WebSocket.OPEN);
    await once(client, "ping");
    expect(client.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it("terminates a socket whose ping went unanswered, at the next interval", async () => {
    const { client } = await connect(false);
    let pings = 0;
    client.on("ping", () => pings++);
    const closed = once(client, "close") as Promise<[number]>;
    vi.advanceTimersByTime(INTERVAL_MS);
    await once(client, "ping");
    vi.advanceTimersByTime(INTERVAL_MS);
    const [code] = await closed;
    // 1006: closed without a closing handshake (RFC 6455 section 7.1.5), as terminate() does.
    expect(code).toBe(1006);
    expect(pings).toBe(1);
  });
});

describe("heartbeatFromEnv", () => {
  it("defaults to 25 s and reads BRIDGE_HEARTBEAT_MS", () => {
    expect(heartbeatFromEnv({})).toBe(25_000);
    expect(heartbeatFromEnv({ BRIDGE_HEARTBEAT_MS: "5000" })).toBe(5000);
  });

  it("refuses a value below a second, naming the variable", () => {
    expect(() => heartbeatFromEnv({ BRIDGE_HEARTBEAT_MS: "10" })).toThrow(/BRIDGE_HEARTBEAT_MS=10/);
    expect(() => heartbeatFromEnv({ BRIDGE_HEARTBEAT_MS: "soon" })).toThrow(/BRIDGE_HEARTBEAT_MS/);
  });
});
