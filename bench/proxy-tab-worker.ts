/**
 * The proxy-tab case's measuring process (bench/cases/proxy-tab.ts starts it with
 * NODE_EXTRA_CA_CERTS naming the server's and the proxy's certificates, which Node reads only
 * at startup). A tab, reduced to its WebSocket, starts a proxy in the app under test and watches
 * the connection a client then makes through it, as the workbench does; the client pings
 * through it, through the byte-copying relay whose port is the first argument, and the same
 * client library pings ejabberd directly, in alternating rounds. The clients run here, in a
 * process of their own, as a real client does. Prints one JSON line of raw samples.
 */
import { WebSocket } from "ws";
import { BENCH_URL } from "./app-under-test";
import { BENCH_SERVER } from "../scripts/lib/instances";
import { pingsThroughAndDirect } from "./proxy-pings";

const relayPort = Number(process.argv[2]);
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
const samples = await pingsThroughAndDirect(port, "bench-proxy-tab", relayPort);
tab.close();
process.stdout.write(`${JSON.stringify({ ...samples, entries })}\n`);
process.exit(0);
