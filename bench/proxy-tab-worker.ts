/**
 * The proxy-tab case's measuring process (bench/cases/proxy-tab.ts starts it with
 * NODE_EXTRA_CA_CERTS naming the server's and the proxy's certificates, which Node reads only
 * at startup). A tab, reduced to its WebSocket, starts a proxy in the app under test and watches
 * the connection a client then makes through it, as the workbench does; the client pings
 * through it, and the same client library pings ejabberd directly, in alternating rounds.
 * Prints one JSON line of raw samples.
 */
import { WebSocket } from "ws";
import { BENCH_URL } from "./app-under-test";
import { BENCH_SERVER } from "../scripts/lib/instances";
import { loggedInClient, ping } from "../test/proxy-helpers";

const ROUNDS = 10;
const PINGS_PER_ROUND = 100;
const WARM_UP = 100;

const tab = new WebSocket(`${BENCH_URL.replace("http:", "ws:")}/bridge`, { origin: BENCH_URL });
await new Promise((resolve, reject) => tab.once("open", resolve).once("error", reject));
let entries = 0;
const port = await new Promise<number>((resolve, reject) => {
  tab.on("message", (data) => {
    const message = JSON.parse(String(data)) as { op: string; proxy?: { port: number }; message?: string; entries?: unknown[] };
    if (message.op === "proxy-started") resolve(message.proxy!.port);
    else if (message.op === "failed") reject(new Error(`the app did not start the proxy: ${message.message}`));
    else if (message.op === "entries") entries += message.entries!.length;
  });
  tab.send(JSON.stringify({ op: "proxy-start", ref: "proxy", upstream: { host: "127.0.0.1", port: BENCH_SERVER.ports.starttls }, transport: "starttls", clientSide: "starttls" }));
});
const proxied = await loggedInClient(port, "alice", "alice", false, "bench-proxy-tab");
const direct = await loggedInClient(BENCH_SERVER.ports.starttls, "bob", "bob", false, "bench-proxy-tab-direct");
for (let i = 0; i < WARM_UP; i++) {
  await ping(proxied, `warm-${i}`);
  await ping(direct, `warm-direct-${i}`);
}
const through: number[] = [];
const straight: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < PINGS_PER_ROUND; i++) through.push(await ping(proxied, `proxied-${round}-${i}`));
  for (let i = 0; i < PINGS_PER_ROUND; i++) straight.push(await ping(direct, `direct-${round}-${i}`));
}
const pingEntries = entries;
await proxied.entity.stop().catch(() => undefined);
await direct.entity.stop().catch(() => undefined);
tab.close();
process.stdout.write(`${JSON.stringify({ through, straight, entries: pingEntries })}\n`);
process.exit(0);
