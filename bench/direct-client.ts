import net from "node:net";

/**
 * The floor for round trips: a bare TCP client with Nagle off, logged in with SASL PLAIN,
 * that matches replies by scanning for their id. No framing, no transcript, no bridge.
 */
export class DirectClient {
  private buffer = "";
  private waiter: { needle: string; resolve: () => void } | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      if (this.waiter && this.buffer.includes(this.waiter.needle)) {
        const { resolve } = this.waiter;
        this.waiter = null;
        this.buffer = "";
        resolve();
      } else if (this.buffer.length > 64 * 1024) {
        // A flood being read: keep only what a needle cut in two could still need.
        this.buffer = this.buffer.slice(-1024);
      }
    });
  }

  static async login(port: number, username: string, password: string): Promise<DirectClient> {
    const socket = net.connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.setNoDelay(true);
    const client = new DirectClient(socket);
    const header = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    await client.exchange(header, "</stream:features>");
    const auth = Buffer.from(`\0${username}\0${password}`).toString("base64");
    await client.exchange(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${auth}</auth>`, "<success");
    await client.exchange(header, "</stream:features>");
    await client.exchange("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>", "</iq>");
    return client;
  }

  /** Milliseconds from writing an iq ping to reading its result. */
  async ping(id: string): Promise<number> {
    const started = performance.now();
    await this.exchange(`<iq type='get' id='${id}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`, `id='${id}'`);
    return performance.now() - started;
  }

  /**
   * Asks the server not to archive this account's messages (XEP-0313 §6.1, default='never'),
   * so a flood measures the playground, not ejabberd writing each message to its archive.
   */
  async stopArchiving(): Promise<void> {
    await this.exchange("<iq type='set' id='mam-prefs'><prefs xmlns='urn:xmpp:mam:2' default='never'/></iq>", "id='mam-prefs'");
  }

  /** Says it is available (RFC 6121 §4.2), so messages to its bare JID reach it rather than offline storage. */
  async available(): Promise<void> {
    await this.exchange("<presence/>", "<presence");
  }

  /** Resolves with the wall-clock time (ms) at which `needle` is read. */
  readUntil(needle: string, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${needle} within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = {
        needle,
        resolve: () => {
          clearTimeout(timer);
          resolve(Date.now());
        },
      };
    });
  }

  /** Writes without waiting for anything back (a flood). */
  write(text: string): void {
    this.socket.write(text);
  }

  close(): void {
    this.socket.end("</stream:stream>");
  }

  private exchange(text: string, needle: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${needle} within 5 s`)), 5000);
      this.waiter = {
        needle,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.socket.write(text);
    });
  }
}

/** A flood's batches go out this often. */
export const FLOOD_TICK_MS = 10;

/**
 * Sends `rate` chat messages a second for `seconds` (or until `signal` aborts), in batches every
 * FLOOD_TICK_MS, paced by the clock. Message n has id `${prefix}${n}` and body n. Returns how
 * many were sent: the last one's id ends in that count minus one.
 */
export async function flood(client: DirectClient, rate: number, seconds: number, prefix = `f${rate}-`, to = "alice@localhost", signal?: AbortSignal): Promise<number> {
  const perTick = Math.max(1, Math.round((rate * FLOOD_TICK_MS) / 1000));
  const ticks = Math.round((seconds * 1000) / FLOOD_TICK_MS);
  const started = performance.now();
  let n = 0;
  for (let tick = 0; tick < ticks && !signal?.aborted; tick++) {
    let batch = "";
    for (let i = 0; i < perTick; i++, n++) batch += `<message to='${to}' type='chat' id='${prefix}${n}'><body>${n}</body></message>`;
    client.write(batch);
    const due = started + (tick + 1) * FLOOD_TICK_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return n;
}
