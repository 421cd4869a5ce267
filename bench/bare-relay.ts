import net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

/**
 * The least a process in the middle can be, so what any such process costs on this machine
 * and the bridge's or the proxy's own work are told apart. Its own process, as theirs is. No
 * parse, no JSON, no transcript.
 * - `ws` (issue 17's round trip): a WebSocket from the page in, a TCP connection to ejabberd
 *   out, each text frame written to the socket as it came and each read sent back as a frame.
 * - `tcp` (the proxy-tab case): TCP in and out, bytes copied each way as read, so a client's
 *   STARTTLS runs end to end with ejabberd through it.
 *
 * `node --import tsx bench/bare-relay.ts ws|tcp UPSTREAM_PORT`: listens on a free loopback
 * port, prints it on its first line of output.
 */
const mode = process.argv[2];
const upstreamPort = Number(process.argv[3]);
if ((mode !== "ws" && mode !== "tcp") || !Number.isInteger(upstreamPort) || upstreamPort <= 0) {
  throw new Error("give the mode and ejabberd's port: bare-relay.ts ws 5222, or bare-relay.ts tcp 5222");
}

function upstream(): net.Socket {
  return net.connect({ host: "127.0.0.1", port: upstreamPort, noDelay: true });
}

function listening(address: AddressInfo | string | null): void {
  console.log(String((address as AddressInfo).port));
}

if (mode === "ws") {
  const relay = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  relay.on("connection", (page) => {
    const server = upstream();
    // A UTF-8 sequence split between two reads is joined before it is sent on.
    server.setEncoding("utf8");
    server.on("data", (text: string) => page.send(text));
    page.on("message", (data) => server.write(String(data)));
    server.on("close", () => page.close());
    server.on("error", () => page.close());
    page.on("close", () => server.destroy());
  });
  relay.on("listening", () => listening(relay.address()));
} else {
  const relay = net.createServer({ noDelay: true }, (client) => {
    const server = upstream();
    client.on("data", (bytes) => server.write(bytes));
    server.on("data", (bytes) => client.write(bytes));
    for (const [from, to] of [[client, server], [server, client]] as const) {
      from.on("close", () => to.destroy());
      from.on("error", () => to.destroy());
    }
  });
  relay.listen(0, "127.0.0.1", () => listening(relay.address()));
}
