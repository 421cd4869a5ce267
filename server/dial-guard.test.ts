import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type OpenRequest, type ServerMessage, type Transport } from "../lib/bridge/protocol";
import { CERTS, fromRepoRoot } from "../scripts/lib/instances";
import { waitFor } from "../test/helpers";
import { allowlistFrom, type HostLookup } from "./allowlist";
import { createBridge } from "./bridge";
import { bundledServerFromEnv } from "./config";
import { openSession } from "./open-session";
import { serveBridge, pageOriginOf } from "../test/bridge-server";

/**
 * The allowlist on the network: loopback listeners of our own record every connection
 * (and the TLS server name asked for), and the bridge is asked to dial them in every way.
 * A refused target must never see a TCP connection; an admitted name must be dialled at
 * the address that was checked, whatever its DNS says later.
 */
interface Seen {
  remote: string;
  servername?: string;
}

class Recorder {
  readonly seen: Seen[] = [];
  private constructor(readonly server: net.Server | tls.Server | HttpServer) {}

  static async tcp(host: string, port = 0): Promise<Recorder> {
    const server = net.createServer((socket) => {
      recorder.seen.push({ remote: String(socket.remoteAddress) });
      socket.destroy();
    });
    const recorder = new Recorder(server);
    return recorder.listen(host, port);
  }

  /** Completes TLS handshakes with the test certificate and notes the SNI each client sent. */
  static async tls(host: string, port = 0): Promise<Recorder> {
    const context = tls.createSecureContext({ cert: readFileSync(fromRepoRoot(CERTS.cert)), key: readFileSync(fromRepoRoot(CERTS.key)) });
    const server = tls.createServer({
      SNICallback: (servername, callback) => {
        recorder.seen.push({ remote: "tls", servername });
        callback(null, context);
      },
      ...{ cert: readFileSync(fromRepoRoot(CERTS.cert)), key: readFileSync(fromRepoRoot(CERTS.key)) },
    });
    server.on("tlsClientError", () => undefined);
    server.on("secureConnection", (socket) => socket.destroy());
    const recorder = new Recorder(server);
    return recorder.listen(host, port);
  }

  /** Answers every WebSocket upgrade with a redirect to `location`. */
  static async redirecting(host: string, location: string): Promise<Recorder> {
    const server = createHttpServer();
    server.on("upgrade", (request, socket) => {
      recorder.seen.push({ remote: String(request.headers.host) });
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    });
    const recorder = new Recorder(server);
    return recorder.listen(host, 0);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private listen(host: string, port: number): Promise<Recorder> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve(this));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers for `rebind.test` that change after the first question, as a rebinding DNS server would. */
function rebindingLookup(first: string, later: string): HostLookup & { calls: number } {
  const lookup = async (hostname: string) => {
    if (hostname !== "rebind.test" && hostname !== "loopback.test") throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
    lookup.calls++;
    const address = hostname === "loopback.test" ? "127.0.0.1" : lookup.calls === 1 ? first : later;
    return [{ address, family: 4 }];
  };
  lookup.calls = 0;
  return lookup;
}

const recorders: Recorder[] = [];
const track = async (recorder: Promise<Recorder>) => {
  const ready = await recorder;
  recorders.push(ready);
  return ready;
};

afterAll(async () => {
  await Promise.all(recorders.map((recorder) => recorder.close()));
});

describe("a refused target never gets a connection", () => {
  let v4: Recorder;
  let v6: Recorder;
  let control: Recorder;
  let http: HttpServer;
  let bridge: ReturnType<typeof createBridge>;
  let url: string;

  beforeAll(async () => {
    v4 = await track(Recorder.tcp("127.0.0.1"));
    v6 = await track(Recorder.tcp("::1", v4.port));
    control = await track(Recorder.tcp("127.0.0.1"));
    // Allowed: a public-looking name (which resolves to loopback here) on the recorders' port, and the control port.
    const allowlist = allowlistFrom(`loopback.test:${v4.port},127.0.0.1:${control.port}`, [], { lookup: rebindingLookup("127.0.0.1", "127.0.0.1") });
    bridge = createBridge({ server: bundledServerFromEnv({}), allowlist });
    ({ http, url } = await serveBridge(bridge));
  });

  afterAll(async () => {
    await bridge.close();
    http.close();
  });

  const spellings = [
    "127.0.0.1", "127.0.0.2", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0", "0.0.0.0",
    "localhost", "LOCALHOST.", "loopback.test", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "0:0:0:0:0:ffff:7f00:1", "::",
  ];

  it("refuses every spelling of this machine, in every mode and transport, before dialling", async () => {
    const tab = new WebSocket(url, { headers: { origin: pageOriginOf(url) } });
    const replies: ServerMessage[] = [];
    tab.on("message", (data) => replies.push(JSON.parse(String(data)) as ServerMessage));
    await new Promise((resolve, reject) => tab.once("open", resolve).once("error", reject));

    const requests: Omit<OpenRequest, "ref">[] = [];
    for (const host of spellings) {
      for (const transport of ["plain", "tls", "websocket"] as Transport[]) {
        for (const mode of transport === "websocket" ? (["guided"] as const) : (["guided", "raw"] as const)) {
          requests.push({ op: "open", mode, transport, mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "alice@localhost", password: "alice" }, server: { host, port: v4.port } });
        }
      }
    }
    requests.forEach((request, index) => tab.send(JSON.stringify({ ...request, ref: String(index) })));
    await waitFor(() => replies.filter((reply) => "ref" in reply).length === requests.length, "a reply to every open request");
    const outcomes = replies.flatMap((reply) => ("ref" in reply ? [reply.op] : []));
    expect(new Set(outcomes)).toEqual(new Set(["failed"]));
    expect(replies.find((reply) => reply.op === "failed" && /loopback\.test resolves to 127\.0\.0\.1/.test(reply.message))).toBeDefined();

    // The control: an allowed target on a recorder of the same kind does get its connection.
    tab.send(JSON.stringify({ ...requests[0], server: { host: "127.0.0.1", port: control.port }, mode: "raw", ref: "control" }));
    await waitFor(() => control.seen.length === 1, "the control connection");
    tab.close();
    expect(v4.seen).toEqual([]);
    expect(v6.seen).toEqual([]);
  });
});

describe("an admitted name is dialled at the address that was checked", () => {
  const bundled = bundledServerFromEnv({});
  const existing = { kind: "existing" as const, jid: "alice@rebind.test", password: "alice" };
  const request = (transport: Transport, mode: "guided" | "raw", port: number): OpenRequest =>
    ({ op: "open", ref: "", mode, transport, mechanism: "PLAIN", initialPresence: false, account: existing, server: { host: "rebind.test", port } });

  /** Opens and connects a session, and returns once it has ended (the recorders never speak XMPP). */
  async function dial(openRequest: OpenRequest, lookup: HostLookup): Promise<void> {
    const allowlist = allowlistFrom(`rebind.test,127.0.0.1`, [], { lookup });
    const opened = await openSession(openRequest, bundled, allowlist);
    await opened.session.connect().catch(() => undefined);
    await opened.session.close();
  }

  it.each([
    ["plain", "guided"],
    ["plain", "raw"],
    ["websocket", "guided"],
  ] as const)("over %s (%s): to the first answer, never the rebound one", async (transport, mode) => {
    const checked = await track(Recorder.tcp("127.0.0.1"));
    const rebound = await track(Recorder.tcp("127.0.0.2", checked.port));
    const lookup = rebindingLookup("127.0.0.1", "127.0.0.2");
    await dial(request(transport, mode, checked.port), lookup);
    await waitFor(() => checked.seen.length > 0, "a connection to the checked address");
    expect(lookup.calls).toBe(1);
    expect(rebound.seen).toEqual([]);
  });

  it.each(["guided", "raw"] as const)("over direct TLS (%s): to the checked address, with the name as SNI", async (mode) => {
    const checked = await track(Recorder.tls("127.0.0.1"));
    const rebound = await track(Recorder.tcp("127.0.0.2", checked.port));
    const lookup = rebindingLookup("127.0.0.1", "127.0.0.2");
    await dial(request("tls", mode, checked.port), lookup);
    await waitFor(() => checked.seen.length > 0, "a TLS handshake at the checked address");
    expect(checked.seen[0]?.servername).toBe("rebind.test");
    expect(lookup.calls).toBe(1);
    expect(rebound.seen).toEqual([]);
  });

  it("does not follow a WebSocket redirect, even to an address of the same machine", async () => {
    const forbidden = await track(Recorder.tcp("127.0.0.2"));
    const redirecting = await track(Recorder.redirecting("127.0.0.1", `ws://127.0.0.2:${forbidden.port}/ws`));
    const allowlist = allowlistFrom(`127.0.0.1:${redirecting.port}`, []);
    const opened = await openSession({ ...request("websocket", "guided", redirecting.port), server: { host: "127.0.0.1", port: redirecting.port } }, bundled, allowlist);
    await expect(opened.session.connect()).rejects.toThrow();
    expect(redirecting.seen).toHaveLength(1);
    expect(forbidden.seen).toEqual([]);
    expect(opened.session.transcript.since(0).some((entry) => entry.dir === "event" && /closed/.test(entry.raw))).toBe(true);
  });
});
