import net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

/**
 * The least a bridge can be (issue 17's round trip): its own process, a WebSocket from the
 * page in, a TCP connection to ejabberd out, each text frame written to the socket as it came
 * and each read sent back as a frame. No parse, no JSON, no transcript. The round-trip case
 * pings through it beside the bridge, so the bridge's own work and what any process in the
 * middle costs on this machine are told apart.
 *
 * `node --import tsx bench/bare-relay.ts UPSTREAM_PORT`: listens on a free loopback port, prints
 * it on its first line of output.
 */
const upstreamPort = Number(process.argv[2]);
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0) throw new Error("give ejabberd's plaintext port: bare-relay.ts 5222");

const relay = new WebSocketServer({ host: "127.0.0.1", port: 0 });
relay.on("connection", (page) => {
  const upstream = net.connect({ host: "127.0.0.1", port: upstreamPort, noDelay: true });
  // A UTF-8 sequence split between two reads is joined before it is sent on.
  upstream.setEncoding("utf8");
  upstream.on("data", (text: string) => page.send(text));
  page.on("message", (data) => upstream.write(String(data)));
  upstream.on("close", () => page.close());
  upstream.on("error", () => page.close());
  page.on("close", () => upstream.destroy());
});
relay.on("listening", () => console.log(String((relay.address() as AddressInfo).port)));
