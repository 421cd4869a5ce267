import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { CERTS, fromRepoRoot } from "../scripts/lib/instances";

/**
 * A relay of the tests' own between a session and a real server, keeping its own copy of
 * what crossed in each direction: the independent view of the wire that the exported stream
 * files are compared with, byte for byte. Where the link is encrypted it terminates TLS on
 * both sides (with the test bed's certificate), so the copy is the plaintext inside TLS.
 */
export interface CaptureRelay {
  port: number;
  /** Every byte the relay passed from the session to the server, in order. */
  toServer(): Buffer;
  /** Every byte the relay passed from the server to the session, in order. */
  toClient(): Buffer;
  close(): Promise<void>;
}

/** How the relayed link is encrypted: not at all, STARTTLS after <proceed/> (RFC 6120 section 5.4.2.3), or TLS from the first byte. */
export type RelayTls = "none" | "starttls" | "direct";

interface Upstream {
  host: string;
  port: number;
  /** The TLS name the relay checks the server's certificate against. */
  servername: string;
}

const certificate = () => ({ cert: readFileSync(fromRepoRoot(CERTS.cert)), key: readFileSync(fromRepoRoot(CERTS.key)) });

// The server's <proceed/>: after its '>' both sides speak TLS on the same connection.
const PROCEED = /<proceed\b[^>]*urn:ietf:params:xml:ns:xmpp-tls[^>]*\/>|<proceed\b[^>]*urn:ietf:params:xml:ns:xmpp-tls[^>]*><\/proceed>/;

/** A TCP relay for one session at a time, optionally terminating TLS as the session negotiates it. */
export async function tcpCaptureRelay(upstream: Upstream, encryption: RelayTls): Promise<CaptureRelay> {
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const { cert, key } = certificate();
  const trust = { ca: cert, servername: upstream.servername };

  const relay = net.createServer((accepted) => {
    let client: net.Socket = encryption === "direct" ? new tls.TLSSocket(accepted, { isServer: true, cert, key }) : accepted;
    let server: net.Socket = encryption === "direct" ? tls.connect({ host: upstream.host, port: upstream.port, ...trust }) : net.connect(upstream.port, upstream.host);
    let upgraded = encryption !== "starttls";
    let clearFromServer = "";
    for (const socket of [accepted, client, server]) sockets.add(socket);

    const fromClient = (data: Buffer): void => {
      toServer.push(data);
      server.write(data);
    };
    const fromServer = (data: Buffer): void => {
      toClient.push(data);
      client.write(data);
      if (upgraded) return;
      clearFromServer += data.toString("utf8");
      if (PROCEED.test(clearFromServer)) upgrade();
    };
    // Synchronously after forwarding <proceed/>: the session cannot have answered it yet, so no
    // byte of its TLS handshake can reach the clear-text listener.
    const upgrade = (): void => {
      upgraded = true;
      client.off("data", fromClient);
      server.off("data", fromServer);
      client = new tls.TLSSocket(client, { isServer: true, cert, key });
      server = tls.connect({ socket: server, ...trust });
      wire();
    };
    const wire = (): void => {
      client.on("data", fromClient);
      server.on("data", fromServer);
      // A failed handshake or a reset ends the relayed connection on both sides; the test sees it.
      client.on("error", () => accepted.destroy());
      server.on("error", () => accepted.destroy());
      for (const socket of [client, server]) sockets.add(socket);
    };
    wire();
    accepted.on("error", () => undefined);
    accepted.on("close", () => server.destroy());
    server.on("close", () => accepted.end());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    port: (relay.address() as net.AddressInfo).port,
    toServer: () => Buffer.concat(toServer),
    toClient: () => Buffer.concat(toClient),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        relay.close(() => resolve());
      }),
  };
}

/**
 * A WebSocket relay: the session's messages go to the server's endpoint and back, and the
 * copy is their payloads, which is what the transcript records (RFC 7395: one XMPP element a message).
 */
export async function websocketCaptureRelay(upstream: Omit<Upstream, "servername"> & { path: string }, options: { wss?: boolean } = {}): Promise<CaptureRelay> {
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  // wss://: the relay's side is TLS with the test bed's certificate; the server behind it is ws://.
  const http = options.wss ? https.createServer(certificate()) : createServer();
  const server = new WebSocketServer({ server: http, handleProtocols: (protocols) => (protocols.has("xmpp") ? "xmpp" : false) });
  server.on("connection", (client) => {
    const target = new WebSocket(`ws://${upstream.host}:${upstream.port}${upstream.path}`, ["xmpp"]);
    const pending: RawData[] = [];
    const send = (data: RawData): void => {
      const bytes = asBuffer(data);
      toServer.push(bytes);
      target.send(bytes.toString("utf8"));
    };
    client.on("message", (data) => (target.readyState === WebSocket.OPEN ? send(data) : pending.push(data)));
    target.on("open", () => pending.splice(0).forEach(send));
    target.on("message", (data) => {
      const bytes = asBuffer(data);
      toClient.push(bytes);
      client.send(bytes.toString("utf8"));
    });
    client.on("close", () => target.close());
    target.on("close", () => client.close());
    for (const socket of [client, target]) socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    port: (http.address() as net.AddressInfo).port,
    toServer: () => Buffer.concat(toServer),
    toClient: () => Buffer.concat(toClient),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close();
        http.close(() => resolve());
      }),
  };
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
