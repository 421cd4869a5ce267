/**
 * The proxy bench's measuring process (bench/cases/proxy.ts starts it with --expose-gc and
 * NODE_EXTRA_CA_CERTS naming both the server's and the proxy's certificates, which Node reads
 * only at startup). Prints one JSON line of raw samples; the case summarizes them.
 */
import net from "node:net";
import { BENCH_SERVER } from "../scripts/lib/instances";
import { loggedInClient, ping, startTestProxy, type LoggedClient } from "../test/proxy-helpers";
import { pingsThroughAndDirect } from "./proxy-pings";
import { launchProxy } from "../server/proxy/launch-proxy";
import { allowlistFrom } from "../server/allowlist";
import { ensureProxyCertificate } from "../scripts/lib/certificates";

const FLOOD_RATE = 5000;
const FLOOD_SECONDS = 2;
const CONNECTIONS = 100;

const settings = { listenHost: "127.0.0.1", ports: { first: 0, last: 0 }, maxConnections: CONNECTIONS + 10, idleMs: 600_000, maxStanzaChars: 65_536 };
const proxy = await startTestProxy({ upstream: `127.0.0.1:${BENCH_SERVER.ports.starttls}`, transport: "starttls" }, [BENCH_SERVER], settings);

// 1. Memory per proxied connection, first (later steps leave garbage a GC here would count):
// 100 logged-in clients through the proxy against 100 direct, in this one process; the
// difference is what the proxy holds per connection.
async function growth(port: number, label: string): Promise<{ heap: number; rss: number; clients: LoggedClient[] }> {
  global.gc?.();
  const before = process.memoryUsage();
  const clients: LoggedClient[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const client = await loggedInClient(port, "alice", "alice", false, `${label}-${i}`);
    await ping(client, `${label}-${i}`);
    clients.push(client);
  }
  global.gc?.();
  const after = process.memoryUsage();
  return { heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss, clients };
}
const viaProxy = await growth(proxy.port, "mem-proxied");
const openThroughProxy = proxy.connections.size;
await Promise.all(viaProxy.clients.map((client) => client.entity.stop()));
const viaDirect = await growth(BENCH_SERVER.ports.starttls, "mem-direct");
await Promise.all(viaDirect.clients.map((client) => client.entity.stop()));

// 2. The same iq ping, through the proxy and direct, STARTTLS both ways in both, interleaved by batch.
const { through, straight } = await pingsThroughAndDirect(proxy.port, "bench");

// 3. A flood at 5,000 stanzas/s through the proxy and back, complete and in order. Against an
// echo upstream (plain TCP on loopback): ejabberd itself lets one client's messages through at
// a few dozen a second here, direct or proxied alike, so it would measure ejabberd, not the proxy.
const flood = await floodThroughProxy();

await proxy.close();

console.log(
  JSON.stringify({
    through,
    straight,
    flood,
    memory: { connections: CONNECTIONS, openThroughProxy, proxied: { heap: viaProxy.heap, rss: viaProxy.rss }, direct: { heap: viaDirect.heap, rss: viaDirect.rss } },
  }),
);
process.exit(0);

/** A server that opens its stream, then sends back whatever it reads. */
async function echoServer(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    let header: string | null = "";
    socket.on("data", (chunk: Buffer) => {
      if (header === null) return void socket.write(chunk);
      // The client's header may share a chunk with its first stanzas (the proxy forwards a read as one write).
      header += chunk.toString("utf8");
      const end = header.indexOf(">", header.indexOf("<stream:stream"));
      if (end === -1) return;
      const rest = header.slice(end + 1);
      header = null;
      socket.write(`<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='echo' from='localhost' version='1.0'><stream:features/>${rest}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function floodThroughProxy() {
  const echo = await echoServer();
  const upstream = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
  const relay = await launchProxy({ upstream, transport: "plain", clientSide: "plain" }, allowlistFrom(undefined, [upstream]), await ensureProxyCertificate("localhost"), settings);
  const client = net.connect(relay.port, "127.0.0.1");
  await new Promise((resolve) => client.once("connect", resolve));
  client.setNoDelay(true);
  client.setEncoding("utf8");
  const total = FLOOD_RATE * FLOOD_SECONDS;
  const seen: number[] = [];
  let pending = "";
  let done: () => void = () => undefined;
  const allBack = new Promise<void>((resolve) => (done = resolve));
  client.on("data", (chunk: string) => {
    pending += chunk;
    for (let match = /<body>flood (\d+)<\/body><\/message>/.exec(pending); match !== null; match = /<body>flood (\d+)<\/body><\/message>/.exec(pending)) {
      seen.push(Number(match[1]));
      pending = pending.slice(match.index + match[0].length);
    }
    if (seen.length === total) done();
  });
  client.write("<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
  const floodStart = performance.now();
  const perTick = FLOOD_RATE / 100;
  for (let sent = 0; sent < total; ) {
    // 10 ms ticks of 50 messages, paced against the clock so the rate holds.
    const wait = floodStart + (sent / FLOOD_RATE) * 1000 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    let batch = "";
    for (let i = 0; i < perTick && sent < total; i++, sent++) batch += `<message to='echo@localhost' type='chat'><body>flood ${sent}</body></message>`;
    client.write(batch);
  }
  const sentMs = performance.now() - floodStart;
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 60_000).unref());
  const outcome = await Promise.race([allBack.then(() => "complete" as const), timeout]);
  const floodMs = performance.now() - floodStart;
  const connection = [...relay.history][0];
  const recorded = connection?.transcript.since(0).filter((entry) => entry.kind === "message").length ?? 0;
  client.destroy();
  await relay.close();
  echo.close();
  return { total, received: seen.length, inOrder: seen.every((value, index) => value === index), outcome, sentMs, floodMs, recorded };
}
