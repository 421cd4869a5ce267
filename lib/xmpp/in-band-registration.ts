import net from "node:net";
import tls from "node:tls";
import { randomBytes, randomInt } from "node:crypto";
import { StreamFramer, type Frame } from "./framing";
import { parseElement, type ElementOutline } from "../xml/parse-element";
import { escapeXml } from "../xml/escape";
import { NS_BIND, NS_DATA_FORMS, NS_REGISTER, NS_SASL, NS_STANZA_ERRORS as NS_STANZAS, NS_STREAM, NS_STREAM_ERRORS, NS_TLS } from "../xml/namespaces";
import { describeConnectionError } from "./connection-errors";
import type { ServerAddress } from "./server-address";

/**
 * Disposable accounts for the "fresh account" action: in-band registration (XEP-0077
 * section 3.1) and removal (section 3.2), each over its own short c2s connection, so a
 * class can share one server without name collisions. Credentials never reach a log
 * or an error message.
 */

export interface AccountServer {
  server: ServerAddress;
  /** The XMPP domain (the JID's domainpart), also the TLS server name. */
  domain: string;
  transport: "plain" | "starttls";
  /** Limit for the whole exchange, connect to close. */
  timeoutMs?: number;
}

export interface Credentials {
  username: string;
  password: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const NAME_TRIES = 3;
const NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** What a server answers when in-band registration is off or not allowed from here. */
const REGISTRATION_REFUSED = new Set(["not-allowed", "forbidden", "service-unavailable", "feature-not-implemented"]);

/** Registers a random account such as guest-k3j9x2 and returns its credentials. */
export async function registerDisposableAccount(options: AccountServer & { prefix?: string }): Promise<Credentials> {
  const prefix = options.prefix ?? "guest";
  // Lowercase letters, digits and "-" pass nodeprep unchanged (RFC 7622 section 3.3), so the name stays the one returned.
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(prefix)) throw new Error(`the account prefix must be lowercase letters, digits or "-" (got ${JSON.stringify(prefix)})`);
  return withStream(options, "registering a disposable account", async (stream) => {
    await negotiate(stream, options);
    for (let attempt = 1; attempt <= NAME_TRIES; attempt++) {
      // 13 random bytes: 104 bits as 18 base64url characters.
      const account = { username: randomUsername(prefix), password: randomBytes(13).toString("base64url") };
      if ((await submitRegistration(stream, account, options.domain, `reg${attempt}`)) === "created") {
        await stream.close();
        return account;
      }
      // XEP-0077 section 3.1: <conflict/> means the name is taken; draw another one.
    }
    throw new Error(`${NAME_TRIES} random names in a row were already taken; try another prefix`);
  });
}

/**
 * Registers an account of a given name (XEP-0077 section 3.1): "exists" when the server answers
 * <conflict/>, the name being taken (whatever its password).
 */
export async function registerAccount(options: AccountServer & Credentials): Promise<"created" | "exists"> {
  return withStream(options, "registering an account", async (stream) => {
    await negotiate(stream, options);
    const outcome = await submitRegistration(stream, options, options.domain, "reg1");
    await stream.close();
    return outcome === "created" ? "created" : "exists";
  });
}

/** Sends the registration form's username and password; any refusal but <conflict/> throws. */
async function submitRegistration(stream: ShortStream, account: Credentials, domain: string, id: string): Promise<"created" | "conflict"> {
  stream.step = "waiting for the registration result";
  stream.send(`<iq type='set' id='${id}'><query xmlns='${NS_REGISTER}'><username>${escapeXml(account.username)}</username><password>${escapeXml(account.password)}</password></query></iq>`);
  const reply = await readIq(stream, id);
  if (reply.attrs.type === "result") return "created";
  if (errorCondition(reply) === "conflict") return "conflict";
  throw new RegistrationRefused(errorCondition(reply), registrationRefusal(reply, domain));
}

/**
 * A registration the server answered with a stanza error (XEP-0077 section 3.1). Its condition is
 * `errorCondition`, not `condition`: describeConnectionError would name a `condition` a second time.
 */
export class RegistrationRefused extends Error {
  constructor(
    readonly errorCondition: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Logs in as the account and cancels its registration (XEP-0077 section 3.2). An account
 * that is already gone resolves quietly, so removal can be repeated.
 */
export async function removeAccount(options: AccountServer & Credentials): Promise<void> {
  await withStream(options, "removing an account", async (stream) => {
    const features = await negotiate(stream, options);
    const mechanisms = features.children.find((child) => child.ns === NS_SASL && child.name === "mechanisms");
    if (!mechanisms) throw new Error("the server offers no SASL authentication on this stream");
    // RFC 4616: PLAIN's response is base64 of authzid NUL authcid NUL password.
    const response = Buffer.from(`\0${options.username}\0${options.password}`, "utf8").toString("base64");
    stream.step = "authenticating";
    stream.send(`<auth xmlns='${NS_SASL}' mechanism='PLAIN'>${response}</auth>`);
    const outcome = await stream.nextElement();
    if (outcome.ns === NS_SASL && outcome.name === "failure") {
      const condition = outcome.children.find((child) => child.name !== "text")?.name ?? "undefined-condition";
      // RFC 6120 section 6.5.10: no such account (or another password): nothing left to remove.
      if (condition === "not-authorized") return stream.close();
      throw new Error(`the server refused the login (SASL ${condition}, RFC 6120 section 6.5)`);
    }
    if (outcome.ns !== NS_SASL || outcome.name !== "success") throw new Error(`expected SASL success or failure, got <${outcome.name}>`);
    // RFC 6120 section 6.4.6: after SASL success the client restarts the stream, then binds (section 7).
    await openStream(stream, options.domain);
    stream.step = "binding a resource";
    stream.send(`<iq type='set' id='bind1'><bind xmlns='${NS_BIND}'/></iq>`);
    const bound = await readIq(stream, "bind1");
    if (bound.attrs.type !== "result") throw new Error(`resource binding failed: ${errorCondition(bound)}`);
    stream.step = "waiting for the removal result";
    stream.send(`<iq type='set' id='unreg1'><query xmlns='${NS_REGISTER}'><remove/></query></iq>`);
    const removed = await readIq(stream, "unreg1").catch((error: unknown) => {
      // XEP-0077 section 3.2: the server may end the stream of the removed account at once.
      if (stream.closedByServer) return undefined;
      throw error;
    });
    if (removed && removed.attrs.type !== "result") throw new Error(`the server refused to remove the account: ${errorCondition(removed)} (XEP-0077 section 3.2)`);
    await stream.close();
  });
}

function randomUsername(prefix: string): string {
  let suffix = "";
  for (let i = 0; i < 6; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${prefix}-${suffix}`;
}

/** Opens the stream, and for "starttls" upgrades it (RFC 6120 section 5.4); returns the features to use. */
async function negotiate(stream: ShortStream, options: AccountServer): Promise<ElementOutline> {
  const features = await openStream(stream, options.domain);
  if (options.transport === "plain") return features;
  if (!features.children.some((child) => child.ns === NS_TLS && child.name === "starttls")) {
    throw new Error("the server does not offer STARTTLS on this port");
  }
  stream.step = "negotiating STARTTLS";
  stream.send(`<starttls xmlns='${NS_TLS}'/>`);
  const answer = await stream.nextElement();
  if (answer.name !== "proceed") throw new Error(`the server answered STARTTLS with <${answer.name}> (RFC 6120 section 5.4.2.2)`);
  await stream.upgradeToTls(options.domain);
  // RFC 6120 section 5.4.3.3: after the handshake the client opens a new stream.
  return openStream(stream, options.domain);
}

async function openStream(stream: ShortStream, domain: string): Promise<ElementOutline> {
  stream.step = "opening the stream";
  stream.send(`<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='${NS_STREAM}' to='${escapeXml(domain)}' version='1.0'>`);
  const features = await stream.nextElement();
  if (features.ns !== NS_STREAM || features.name !== "features") throw new Error(`expected <stream:features>, got <${features.name}>`);
  return features;
}

async function readIq(stream: ShortStream, id: string): Promise<ElementOutline> {
  for (;;) {
    const element = await stream.nextElement();
    if (element.name === "iq" && element.attrs.id === id) return element;
  }
}

/** The defined condition of a stanza error (RFC 6120 section 8.3.3). */
function errorCondition(stanza: ElementOutline): string {
  const error = stanza.children.find((child) => child.name === "error");
  return error?.children.find((child) => child.ns === NS_STANZAS && child.name !== "text")?.name ?? "undefined-condition";
}

function registrationRefusal(reply: ElementOutline, domain: string): string {
  const condition = errorCondition(reply);
  const query = reply.children.find((child) => child.ns === NS_REGISTER && child.name === "query");
  if (query?.children.some((child) => child.ns === NS_DATA_FORMS && child.name === "x")) {
    return `the server wants a data form filled in (XEP-0077 section 4, XEP-0004; e.g. a CAPTCHA), not just a username and password (${condition}); disposable accounts need mod_register without captcha_protected for ${domain}`;
  }
  if (REGISTRATION_REFUSED.has(condition)) {
    return `the server refused in-band registration (${condition}): in-band registration (XEP-0077, mod_register) must be enabled for ${domain} and allowed from this address (mod_register access and ip_access)`;
  }
  if (condition === "resource-constraint") return "the server throttles registrations from this address (resource-constraint): set registration_timeout: infinity";
  return `the server rejected the registration: ${condition} (XEP-0077 section 3.1)`;
}

/** Runs one exchange on a fresh connection, always ending it, within one deadline. */
async function withStream<T>(options: AccountServer, purpose: string, body: (stream: ShortStream) => Promise<T>): Promise<T> {
  const { host, port } = options.server;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const stream = new ShortStream(net.connect({ host, port }));
  const timer = setTimeout(() => stream.fail(new Error(`no answer within ${timeoutMs} ms while ${stream.step}`)), timeoutMs);
  try {
    await stream.connected();
    return await body(stream);
  } catch (error) {
    throw new Error(`${purpose} at ${where} failed: ${describeConnectionError(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
}

/** One client-to-server connection read element by element (RFC 6120 section 4). */
class ShortStream {
  /** What the exchange is waiting for, named in timeout messages. */
  step = "connecting";
  private socket: net.Socket;
  private framer = new StreamFramer();
  private readonly arrived: ElementOutline[] = [];
  private ready = false;
  private ended = false;
  private failure: Error | undefined;
  /** We gave up on the connection (timeout, socket error, bad XML): not the server's choice. */
  private aborted = false;
  private wake: (() => void) | undefined;
  private detach: () => void;

  constructor(socket: net.Socket) {
    this.socket = socket;
    this.detach = this.listen(socket, "connect");
  }

  /** The server closed its stream, sent a stream error, or hung up (and we did not give up first). */
  get closedByServer(): boolean {
    return this.ended && !this.aborted;
  }

  connected(): Promise<true> {
    return this.waitFor(() => this.ready || undefined);
  }

  send(text: string): void {
    this.socket.write(text);
  }

  nextElement(): Promise<ElementOutline> {
    return this.waitFor(() => this.arrived.shift());
  }

  async upgradeToTls(servername: string): Promise<void> {
    const plain = this.socket;
    this.detach();
    plain.on("error", () => undefined); // errors surface on the TLS socket that now owns it
    this.ready = false;
    this.framer = new StreamFramer();
    this.socket = tls.connect({ socket: plain, servername });
    this.detach = this.listen(this.socket, "secureConnect");
    await this.connected();
  }

  /** RFC 6120 section 4.4: send the closing tag and wait for the server's before ending TCP. */
  async close(): Promise<void> {
    if (this.ended || this.failure) return;
    this.step = "closing the stream";
    this.send("</stream:stream>");
    await this.waitFor(() => undefined).catch(() => undefined);
  }

  fail(error: Error): void {
    this.aborted = true;
    this.failure ??= error;
    this.destroy();
    this.wake?.();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Returns a function that removes exactly these listeners (not the socket's own). */
  private listen(socket: net.Socket, readyEvent: "connect" | "secureConnect"): () => void {
    const onReady = () => {
      // Without this every round trip waits for Nagle's delayed ACK (40 ms).
      socket.setNoDelay(true);
      this.ready = true;
      this.wake?.();
    };
    const onData = (text: string) => this.onFrames(this.framer.push(text));
    const onError = (error: Error) => this.fail(error);
    const onClose = () => this.onFrames([{ raw: "", kind: "stream-close" }]);
    socket.setEncoding("utf8");
    socket.once(readyEvent, onReady).on("data", onData).on("error", onError).on("close", onClose);
    return () => {
      socket.off(readyEvent, onReady).off("data", onData).off("error", onError).off("close", onClose);
    };
  }

  private onFrames(frames: Frame[]): void {
    for (const frame of frames) {
      if (frame.kind === "malformed") this.fail(new Error(`the server sent malformed XML: ${frame.error ?? "unknown"}`));
      if (frame.kind === "stream-close") this.ended = true;
      if (frame.kind !== "element") continue;
      const parsed = parseElement(frame.raw);
      if (!parsed.ok) this.fail(new Error(`the server sent malformed XML: ${parsed.error}`));
      else if (parsed.element.ns === NS_STREAM && parsed.element.name === "error") this.onStreamError(parsed.element);
      else this.arrived.push(parsed.element);
    }
    this.wake?.();
  }

  /** RFC 6120 section 4.9: a stream error ends the stream. */
  private onStreamError(error: ElementOutline): void {
    this.ended = true;
    const condition = error.children.find((child) => child.ns === NS_STREAM_ERRORS && child.name !== "text")?.name;
    this.failure ??= new Error(`the server ended the stream: ${condition ?? "undefined-condition"} (RFC 6120 section 4.9.3)`);
  }

  /** Resolves with the first value `take` yields, or rejects once nothing more can arrive. */
  private async waitFor<T>(take: () => T | undefined): Promise<T> {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      if (this.failure) throw this.failure;
      if (this.ended) throw new Error(`the server closed the stream while ${this.step}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
