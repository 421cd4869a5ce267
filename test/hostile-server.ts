import net from "node:net";
import { E2E_SERVER } from "../scripts/lib/instances";
import { NS_BIND, NS_FAST, NS_SASL, NS_SASL2, NS_TLS } from "../lib/xml/namespaces";

/**
 * A small XMPP server of the project's own, for what a real server will not send: it speaks
 * just enough of RFC 6120 for @xmpp/client (or a person in raw mode) to log in over plain
 * TCP (stream header, SASL PLAIN, stream restart, resource binding), then sends whatever the
 * script says. Loopback only. It keeps what each client sent, to check how the playground
 * answered.
 */

/**
 * Where the end-to-end tests of Playwright worker `parallelIndex` run it: a fixed port beside
 * the e2e ejabberd's (shifted by PLAYGROUND_SLOT with it), one per worker, because the app
 * under test reads its allowlist once, at start.
 */
export function e2eHostilePort(parallelIndex: number): number {
  return E2E_SERVER.ports.starttls + 77 + parallelIndex;
}

/** In a script: the server closes the connection there (a FIN, no closing tag). */
export const HANG_UP = Symbol("hang up");

export type HostilePayload = string | Uint8Array | typeof HANG_UP;

export interface HostileServerOptions {
  /** 0 (the default) for an ephemeral port. */
  port?: number;
  /** What to send once the client is bound, by the username it logged in with. */
  script(username: string): HostilePayload[];
  /** Offer STARTTLS, answer <starttls/> with <proceed/>, then hang up: a TLS upgrade that fails. */
  failStartTls?: boolean;
  /** Offer STARTTLS as required (RFC 6120 section 5.3.1), as a server that refuses clear-text logins does. */
  requireStartTls?: boolean;
  /**
   * Offer SASL2 (XEP-0388) beside SASL: its PLAIN <authenticate> is answered with a
   * <success> that carries a FAST token (XEP-0484) this string names, then the features
   * after authentication, with no stream restart (XEP-0388 section 2.6.1).
   */
  sasl2FastToken?: string;
  /** Called once the client is bound, after the script: for a sender that paces itself on the socket (the bench). */
  afterBind?(socket: net.Socket): void;
}

export interface HostileConnection {
  username: string | null;
  /** Everything the client sent, as text. */
  received(): string;
  /** Everything this server wrote to the client, as bytes. */
  sent(): Buffer;
  closed: Promise<void>;
}

export interface HostileServer {
  port: number;
  connections: HostileConnection[];
  close(): Promise<void>;
}

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='hostile' from='localhost' version='1.0' xml:lang='en'>";

function startTlsFeature(options: HostileServerOptions): string {
  if (options.requireStartTls) return `<starttls xmlns='${NS_TLS}'><required/></starttls>`;
  return options.failStartTls ? `<starttls xmlns='${NS_TLS}'/>` : "";
}

export async function startHostileServer(options: HostileServerOptions): Promise<HostileServer> {
  const connections: HostileConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("error", () => undefined);
    let text = "";
    const written: Buffer[] = [];
    let cursor = 0;
    let authenticated = false;
    let closedResolve: () => void = () => undefined;
    const connection: HostileConnection = {
      username: null,
      received: () => text,
      sent: () => Buffer.concat(written),
      closed: new Promise<void>((resolve) => {
        closedResolve = resolve;
      }),
    };
    connections.push(connection);
    socket.on("close", () => {
      sockets.delete(socket);
      closedResolve();
    });
    const write = (payload: HostilePayload) => {
      if (socket.destroyed || socket.writableEnded) return;
      if (payload === HANG_UP) return void socket.end();
      written.push(Buffer.from(payload));
      socket.write(payload);
    };

    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      // React to each complete request, in order; what is incomplete waits for more.
      for (;;) {
        const rest = text.slice(cursor);
        const header = /^\s*(?:<\?xml[^>]*\?>)?\s*<stream:stream[^>]*>/.exec(rest);
        const auth = /^\s*<auth[^>]*>([^<]*)<\/auth>/.exec(rest);
        const authenticate = /^\s*<authenticate[^>]*>[\s\S]*?<initial-response>([^<]*)<\/initial-response>[\s\S]*?<\/authenticate>/.exec(rest);
        const bind = /^\s*<iq[^>]*\bid=(["'])([^"']+)\1[^>]*>\s*<bind[\s\S]*?<\/iq>/.exec(rest);
        const close = /^\s*<\/stream:stream>/.exec(rest);
        const starttls = /^\s*<starttls[^>]*?(?:\/>|><\/starttls>)/.exec(rest);
        const other = /^\s*<([\w:]+)[^>]*?(?:\/>|>[\s\S]*?<\/\1>)/.exec(rest);
        if (header) {
          cursor += header[0].length;
          const sasl2 = options.sasl2FastToken === undefined ? "" : `<authentication xmlns='${NS_SASL2}'><mechanism>PLAIN</mechanism></authentication>`;
          const features = authenticated
            ? `<stream:features><bind xmlns='${NS_BIND}'/></stream:features>`
            : `<stream:features>${startTlsFeature(options)}<mechanisms xmlns='${NS_SASL}'><mechanism>PLAIN</mechanism></mechanisms>${sasl2}</stream:features>`;
          write(HEADER + features);
        } else if (authenticate) {
          cursor += authenticate[0].length;
          connection.username = Buffer.from(authenticate[1] ?? "", "base64").toString("utf8").split("\0")[1] ?? "";
          authenticated = true;
          const token = `<token xmlns='${NS_FAST}' expiry='2099-01-01T00:00:00Z' token='${options.sasl2FastToken ?? ""}'/>`;
          write(`<success xmlns='${NS_SASL2}'><authorization-identifier>${connection.username}@localhost</authorization-identifier>${token}</success>`);
          write(`<stream:features><bind xmlns='${NS_BIND}'/></stream:features>`);
        } else if (auth) {
          cursor += auth[0].length;
          // PLAIN (RFC 4616): authzid \0 authcid \0 password; any password will do here.
          connection.username = Buffer.from(auth[1] ?? "", "base64").toString("utf8").split("\0")[1] ?? "";
          authenticated = true;
          write(`<success xmlns='${NS_SASL}'/>`);
        } else if (bind) {
          cursor += bind[0].length;
          write(`<iq type='result' id='${bind[2]}'><bind xmlns='${NS_BIND}'><jid>${connection.username}@localhost/hostile</jid></bind></iq>`);
          for (const payload of options.script(connection.username ?? "")) write(payload);
          options.afterBind?.(socket);
        } else if (starttls && options.failStartTls) {
          cursor += starttls[0].length;
          write(`<proceed xmlns='${NS_TLS}'/>`);
          write(HANG_UP);
        } else if (close) {
          cursor += close[0].length;
          write("</stream:stream>");
          socket.end();
        } else if (other) {
          cursor += other[0].length; // presence, stream errors and the like: noted, not answered
        } else {
          break;
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The start tag of a message from a stranger, for payloads that ride in a stanza. */
export const MESSAGE_START = "<message from='mallory@localhost/x' to='victim@localhost' type='chat'>";

export function messageWith(inner: string): string {
  return `${MESSAGE_START}${inner}</message>`;
}

/** A number of bytes the session counted but did not keep, from its event (0 when none). */
export function droppedBytes(entries: readonly { dir: string; raw: string }[]): number {
  const event = entries.find((entry) => entry.dir === "event" && entry.raw.endsWith("after the stream was refused; they were not kept"));
  return event === undefined ? 0 : Number(event.raw.split(" ")[0]!.replaceAll(",", ""));
}
