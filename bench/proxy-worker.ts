/**
 * The proxy bench's measuring process (bench/cases/proxy.ts starts it with --expose-gc and
 * NODE_EXTRA_CA_CERTS naming both the server's and the proxy's certificates, which Node reads
 * only at startup). Prints one JSON line of raw samples; the case summarizes them.
 */
import { xml, type XmlElement } from "@xmpp/client";
import { BENCH_SERVER } from "../scripts/lib/instances";
import { loggedInClient, ping, startTestProxy, type LoggedClient } from "../test/proxy-helpers";

const ROUNDS = 10;
const PINGS_PER_ROUND = 100;
const WARM_UP = 100;
const FLOOD_RATE = 5000;
const FLOOD_SECONDS = 2;
const CONNECTIONS = 100;

const settings = { listenHost: "127.0.0.1", ports: { first: 0, last: 0 }, maxConnections: CONNECTIONS + 10, idleMs: 600_000, maxStanzaChars: 65_536 };
const proxy = await startTestProxy({ upstream: `127.0.0.1:${BENCH_SERVER.ports.starttls}`, transport: "starttls" }, [BENCH_SERVER], settings);

// 1. The same iq ping, through the proxy and direct, STARTTLS both ways in both, interleaved by batch.
const proxied = await loggedInClient(proxy.port, "alice", "alice", false, "bench-proxied");
const direct = await loggedInClient(BENCH_SERVER.ports.starttls, "bob", "bob", false, "bench-direct");
for (let i = 0; i < WARM_UP; i++) {
  await ping(proxied, `warm-p${i}`);
  await ping(direct, `warm-d${i}`);
}
const through: number[] = [];
const straight: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < PINGS_PER_ROUND; i++) through.push(await ping(proxied, `p${round}-${i}`));
  for (let i = 0; i < PINGS_PER_ROUND; i++) straight.push(await ping(direct, `d${round}-${i}`));
}

// 2. A flood at 5,000 stanzas/s from the proxied client to itself: every message must come back, in order.
const total = FLOOD_RATE * FLOOD_SECONDS;
const me = proxied.entity.jid?.toString() ?? "";
const seen: number[] = [];
const allBack = new Promise<void>((resolve) => {
  proxied.entity.on("stanza", (stanza: XmlElement) => {
    const body = stanza.name === "message" ? stanza.getChildText("body") : null;
    if (body === null || !body.startsWith("flood ")) return;
    seen.push(Number(body.slice(6)));
    if (seen.length === total) resolve();
  });
});
const floodStart = performance.now();
const perTick = FLOOD_RATE / 100;
for (let sent = 0; sent < total; ) {
  // 10 ms ticks: 50 messages each, paced against the clock so the rate holds.
  const due = floodStart + (sent / FLOOD_RATE) * 1000;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  for (let i = 0; i < perTick && sent < total; i++, sent++) void proxied.entity.send(xml("message", { to: me, type: "chat" }, xml("body", {}, `flood ${sent}`)));
}
const sentMs = performance.now() - floodStart;
const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 60_000).unref());
const outcome = await Promise.race([allBack.then(() => "complete" as const), timeout]);
const floodMs = performance.now() - floodStart;
const inOrder = seen.every((value, index) => value === index);

await proxied.entity.stop();
await direct.entity.stop();

// 3. Memory per proxied connection: 100 logged-in clients through the proxy against 100 direct,
// in this one process; the difference is what the proxy holds per connection.
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
await proxy.close();

console.log(
  JSON.stringify({
    through,
    straight,
    flood: { total, received: seen.length, inOrder, outcome, sentMs, floodMs },
    memory: { connections: CONNECTIONS, openThroughProxy, proxied: { heap: viaProxy.heap, rss: viaProxy.rss }, direct: { heap: viaDirect.heap, rss: viaDirect.rss } },
  }),
);
process.exit(0);
