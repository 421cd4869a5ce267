import type { Server } from "node:http";
import type { Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { unfoldDone, type ClientMessage, type OpenRequest, type ServerMessage } from "../lib/bridge/protocol";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { TEST_SERVER } from "../scripts/lib/instances";
import { allowlistFrom } from "./allowlist";
import { createBridge, TAB_BUFFER_LIMIT } from "./bridge";
import { bundledServerFromEnv, defaultAllowlist } from "./config";
import { DEFAULT_LIMITS } from "./session-registry";
import { serveBridge, pageOriginOf } from "../test/bridge-server";
import { DirectClient, flood } from "../bench/direct-client";

// Integration: the real bridge on an ephemeral port, against the test ejabberd.
const bundled = bundledServerFromEnv({
  XMPP_PORT_STARTTLS: String(TEST_SERVER.ports.starttls),
  XMPP_PORT_TLS: String(TEST_SERVER.ports.directTls),
  XMPP_PORT_PLAIN: String(TEST_SERVER.ports.plain),
  XMPP_PORT_HTTP: String(TEST_SERVER.ports.http),
});
const logLines: string[] = [];
const bridge = createBridge({
  server: bundled,
  allowlist: allowlistFrom(undefined, defaultAllowlist(bundled)),
  limits: { ...DEFAULT_LIMITS, maxSessions: 4, maxSendsPerSecond: 5, sendBurst: 3 },
  log: (line) => logLines.push(line),
});
let http: Server;
let url: string;
const clients: TestClient[] = [];

/** A tab, reduced to its WebSocket: requests by ref, entries and states as they come. */
class TestClient {
  readonly socket: WebSocket;
  readonly messages: ServerMessage[] = [];
  private nextRef = 1;

  /** `origin` is the page's own unless given; null sends none, as a script might. */
  constructor(origin: string | null = pageOrigin(), cookie?: string, at: string = url) {
    const headers = { ...(origin === null ? {} : { origin }), ...(cookie === undefined ? {} : { cookie }) };
    this.socket = new WebSocket(at, { headers });
    this.socket.on("message", (data) => this.messages.push(...unfoldDone(JSON.parse(String(data)) as ServerMessage)));
    clients.push(this);
  }

  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("error", reject);
    });
  }

  async request(message: Omit<ClientMessage, "ref"> & Record<string, unknown>): Promise<ServerMessage> {
    const ref = String(this.nextRef++);
    this.socket.send(JSON.stringify({ ...message, ref }));
    return this.waitFor((reply) => "ref" in reply && reply.ref === ref, `a reply to ${message.op}`);
  }

  entries(sessionId: string): TranscriptEntry[] {
    return this.messages.flatMap((message) => (message.op === "entries" && message.sessionId === sessionId ? message.entries : []));
  }

  async waitFor(predicate: (message: ServerMessage) => boolean, what: string, timeoutMs = 5000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const pageOrigin = (): string => pageOriginOf(url);

function openAs(username: string, extra: Partial<OpenRequest> = {}): Omit<OpenRequest, "ref"> {
  return { op: "open", mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: true, account: { kind: "existing", jid: `${username}@localhost`, password: username }, ...extra };
}

async function online(client: TestClient, sessionId: string): Promise<void> {
  await client.waitFor((message) => message.op === "state" && message.sessionId === sessionId && message.state === "online", "online");
}

beforeAll(async () => {
  ({ http, url } = await serveBridge(bridge));
});

afterEach(async () => {
  // Detached sessions would live on for minutes: close each test's sessions so the next starts clean.
  for (const client of clients.splice(0)) {
    if (client.socket.readyState === WebSocket.OPEN) {
      for (const message of client.messages) {
        if (message.op === "opened" || message.op === "attached") await client.request({ op: "close", sessionId: message.sessionId });
      }
    }
    client.socket.close();
  }
  expect(bridge.registry.openCount).toBe(0);
});

afterAll(async () => {
  await bridge.close();
  http.close();
});

describe("bridge", () => {
  it("opens a guided session and streams its transcript to the tab", async () => {
    const tab = new TestClient();
    await tab.ready();
    const opened = await tab.request(openAs("alice"));
    if (opened.op !== "opened") throw new Error(`not opened: ${JSON.stringify(opened)}`);
    expect(opened.token.length).toBeGreaterThan(20);
    await online(tab, opened.sessionId);
    const seqs = tab.entries(opened.sessionId).map((entry) => entry.seq);
    // A login crosses a stream header each way, the features, SASL and the bind pair at least:
    // an empty list would be "contiguous" too.
    expect(seqs.length).toBeGreaterThanOrEqual(6);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
  });

  it("refuses a host outside the allowlist and names the variable", async () => {
    const tab = new TestClient();
    await tab.ready();
    const reply = await tab.request(openAs("alice", { server: { host: "127.0.0.1", port: 22 } }));
    expect(reply).toMatchObject({ op: "failed" });
    expect(reply.op === "failed" && reply.message).toMatch(/XMPP_ALLOWED_HOSTS/);
  });

  it("lets a reloaded tab reattach with its token and fills the gap by seq", async () => {
    const first = new TestClient();
    await first.ready();
    const opened = await first.request(openAs("bob"));
    if (opened.op !== "opened") throw new Error("not opened");
    await online(first, opened.sessionId);
    const seen = first.entries(opened.sessionId);
    first.socket.close();

    // A new tab (the reloaded page) reattaches, saying it already had all but the last two entries.
    const second = new TestClient();
    await second.ready();
    const lastSeen = seen.at(-1)!.seq;
    const attached = await second.request({ op: "attach", sessionId: opened.sessionId, token: opened.token, afterSeq: lastSeen - 2 });
    expect(attached).toMatchObject({ op: "attached", state: "online" });
    await second.request({ op: "send", sessionId: opened.sessionId, xml: "<iq type='get' id='after-reload' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>" });
    await second.waitFor((message) => message.op === "entries" && message.entries.some((entry) => entry.attrs?.id === "after-reload" && entry.dir === "in"), "the ping result");
    const resent = second.entries(opened.sessionId).map((entry) => entry.seq);
    // Starts right after what the tab said it had, with no gap and no repeat.
    expect(resent[0]).toBe(lastSeen - 1);
    expect(resent).toEqual(resent.map((_, index) => lastSeen - 1 + index));
  });

  it("keeps sessions apart: a wrong token or another tab gets nothing", async () => {
    const owner = new TestClient();
    await owner.ready();
    const opened = await owner.request(openAs("alice"));
    if (opened.op !== "opened") throw new Error("not opened");
    const intruder = new TestClient();
    await intruder.ready();
    const guessed = await intruder.request({ op: "attach", sessionId: opened.sessionId, token: "x".repeat(32), afterSeq: 0 });
    expect(guessed).toMatchObject({ op: "failed" });
    const driven = await intruder.request({ op: "send", sessionId: opened.sessionId, xml: "<presence/>" });
    expect(driven).toMatchObject({ op: "failed" });
    expect(intruder.entries(opened.sessionId)).toEqual([]);
  });

  it("binds a session to the browser that opened it: its id and token replayed elsewhere do not reattach", async () => {
    const browserA = `playground-browser=${"a".repeat(32)}`;
    const owner = new TestClient(pageOrigin(), browserA);
    await owner.ready();
    const opened = await owner.request(openAs("alice"));
    if (opened.op !== "opened") throw new Error("not opened");
    await online(owner, opened.sessionId);
    const stolen = { op: "attach" as const, sessionId: opened.sessionId, token: opened.token, afterSeq: 0 };
    for (const cookie of [`playground-browser=${"b".repeat(32)}`, undefined, "playground-browser=short"]) {
      const thief = new TestClient(pageOrigin(), cookie);
      await thief.ready();
      expect(await thief.request(stolen)).toMatchObject({ op: "failed", message: expect.stringMatching(/not yours/) as unknown });
      expect(thief.entries(opened.sessionId)).toEqual([]);
    }
    // The same browser (a reload) does reattach.
    const reloaded = new TestClient(pageOrigin(), `other=1; ${browserA}`);
    await reloaded.ready();
    expect(await reloaded.request(stolen)).toMatchObject({ op: "attached" });
  });

  it("refuses a WebSocket from another site's page, or with no Origin at all, and logs why", async () => {
    const foreign = new TestClient("http://evil.example");
    await expect(foreign.ready()).rejects.toThrow(/403/);
    const anonymous = new TestClient(null);
    await expect(anonymous.ready()).rejects.toThrow(/403/);
    const rebound = new TestClient(pageOrigin().replace("127.0.0.1", "evil.example"));
    await expect(rebound.ready()).rejects.toThrow(/403/);
    expect(logLines.filter((line) => line.startsWith("refused a WebSocket"))).toEqual([
      "refused a WebSocket: Origin http://evil.example is another site than " + new URL(url).host,
      "refused a WebSocket: no Origin header (browsers always send one; a script must send the page's origin)",
      expect.stringMatching(/^refused a WebSocket: Origin http:\/\/evil\.example:\d+ is another site/) as unknown as string,
    ]);
  });

  it("refuses sends beyond the session's rate with a message naming the variables, and serves others meanwhile", async () => {
    const tab = new TestClient();
    await tab.ready();
    const opened = await tab.request(openAs("alice"));
    if (opened.op !== "opened") throw new Error("not opened");
    await online(tab, opened.sessionId);
    const ping = (id: string) => ({ op: "send" as const, sessionId: opened.sessionId, xml: `<iq type='get' id='${id}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>` });
    const replies = await Promise.all(Array.from({ length: 6 }, (_, index) => tab.request(ping(`burst-${index}`))));
    expect(replies.slice(0, 3).map((reply) => reply.op)).toEqual(["done", "done", "done"]);
    const refused = replies.find((reply) => reply.op === "failed");
    expect(refused && refused.op === "failed" && refused.message).toMatch(/BRIDGE_MAX_SENDS_PER_SECOND.*Nothing was sent; send again in/);
    // What was refused never reached the server.
    const sentIds = tab.entries(opened.sessionId).filter((entry) => entry.dir === "out").map((entry) => entry.attrs?.id);
    replies.forEach((reply, index) => expect(sentIds.includes(`burst-${index}`)).toBe(reply.op === "done"));

    // Another session on another tab is untouched, and this one sends again once tokens come back.
    const other = new TestClient();
    await other.ready();
    const second = await other.request(openAs("bob"));
    if (second.op !== "opened") throw new Error("not opened");
    await online(other, second.sessionId);
    expect(await other.request({ op: "send", sessionId: second.sessionId, xml: "<presence/>" })).toMatchObject({ op: "done" });
    await expect.poll(async () => (await tab.request(ping("later"))).op, { timeout: 3000 }).toBe("done");
  });

  it("reveals masked credentials only when asked", async () => {
    const tab = new TestClient();
    await tab.ready();
    const opened = await tab.request(openAs("alice"));
    if (opened.op !== "opened") throw new Error("not opened");
    await online(tab, opened.sessionId);
    const password = Buffer.from("\0alice\0alice").toString("base64");
    expect(JSON.stringify(tab.messages)).not.toContain(password);
    const secrets = await tab.request({ op: "reveal", sessionId: opened.sessionId });
    expect(JSON.stringify(secrets)).toContain(password);
    // The bridge logged the session, and nothing of the credentials.
    expect(logLines.join("\n")).toContain(opened.sessionId.slice(0, 8));
    expect(logLines.join("\n")).not.toMatch(new RegExp(`${password}|alice@localhost`));
  });

  it("says so when the process holds its maximum of sessions", async () => {
    const tab = new TestClient();
    await tab.ready();
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await tab.request(openAs("alice")));
    const refused = replies.find((reply) => reply.op === "failed");
    expect(refused && refused.op === "failed" && refused.message).toMatch(/maximum of 4 sessions \(BRIDGE_MAX_SESSIONS\)/);
    // The sessions it holds still work.
    const first = replies[0]!;
    if (first.op !== "opened") throw new Error("not opened");
    await online(tab, first.sessionId);
    expect(await tab.request({ op: "send", sessionId: first.sessionId, xml: "<presence/>" })).toMatchObject({ op: "done" });
  });
});

describe("bridge accounts and modes", () => {
  it("registers a fresh account, logs in with it and removes it when the session ends", async () => {
    const tab = new TestClient();
    await tab.ready();
    const opened = await tab.request({ ...openAs("ignored"), account: { kind: "fresh" } });
    if (opened.op !== "opened") throw new Error(`not opened: ${JSON.stringify(opened)}`);
    expect(opened.account?.jid).toMatch(/^guest-[a-z0-9]+@localhost$/);
    await online(tab, opened.sessionId);
    await tab.request({ op: "close", sessionId: opened.sessionId });

    // Once removed, the disposable account can no longer log in.
    const username = opened.account!.jid.split("@")[0]!;
    const deadline = Date.now() + 5000;
    let message = "";
    while (Date.now() < deadline && !/wrong username or password/.test(message)) {
      const retry = await tab.request(openAs(username, { account: { kind: "existing", jid: opened.account!.jid, password: opened.account!.password } }));
      if (retry.op !== "opened") throw new Error("not opened");
      const closed = await tab.waitFor((reply) => reply.op === "state" && reply.sessionId === retry.sessionId && reply.state !== "connecting", "a login outcome");
      message = closed.op === "state" ? closed.message ?? closed.state : "";
      if (closed.op === "state" && closed.state === "online") await tab.request({ op: "close", sessionId: retry.sessionId });
    }
    expect(message).toMatch(/wrong username or password/);
  });

  it("opens a raw socket where the person types the stream", async () => {
    const tab = new TestClient();
    await tab.ready();
    const opened = await tab.request({ ...openAs("alice"), mode: "raw" });
    if (opened.op !== "opened") throw new Error("not opened");
    expect(opened.mode).toBe("raw");
    await online(tab, opened.sessionId);
    await tab.request({ op: "send", sessionId: opened.sessionId, xml: "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" });
    await tab.waitFor((message) => message.op === "entries" && message.entries.some((entry) => entry.kind === "features"), "the stream features");
    await tab.request({ op: "close", sessionId: opened.sessionId });
  });
});

// A send's own entry waits for the server's answer (SessionRegistry.holdForAnswer). Here it
// waits long enough that a busy machine's slow answer still makes it, so the test is exact.
describe("a send and its answer", () => {
  const holding = createBridge({ server: bundled, allowlist: allowlistFrom(undefined, defaultAllowlist(bundled)), limits: { ...DEFAULT_LIMITS, answerWaitMs: 1500 } });
  let holdingHttp: Server;
  let holdingUrl: string;
  beforeAll(async () => {
    ({ http: holdingHttp, url: holdingUrl } = await serveBridge(holding));
  });
  afterAll(async () => {
    await holding.close();
    holdingHttp.close();
  });

  /** A tab of the holding bridge with alice's session online (no initial presence, so nothing else comes). */
  async function holdingSession() {
    const tab = new TestClient(pageOriginOf(holdingUrl), undefined, holdingUrl);
    await tab.ready();
    const opened = await tab.request(openAs("alice", { initialPresence: false }));
    if (opened.op !== "opened") throw new Error(`not opened: ${JSON.stringify(opened)}`);
    await online(tab, opened.sessionId);
    return { tab, opened };
  }

  it("sends a stanza's own entry with the server's answer and the send's done, in one message", async () => {
    const { tab, opened } = await holdingSession();
    const before = tab.messages.length;
    const done = await tab.request({ op: "send", sessionId: opened.sessionId, xml: "<iq type='get' id='held-1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>" });
    expect(done.op).toBe("done");
    const after = tab.messages.slice(before);
    const carrying = after.filter((message) => message.op === "entries" && message.entries.some((entry) => entry.raw.includes("held-1")));
    expect(carrying).toHaveLength(1);
    if (carrying[0]!.op !== "entries") throw new Error("not entries");
    expect(carrying[0]!.entries.map((entry) => entry.dir)).toEqual(["out", "in"]);
    // One message on the wire: the test client unfolds its done right after it (unfoldDone).
    expect(carrying[0]!.done).toEqual([(done as { ref: string }).ref]);
    expect(after.indexOf(done)).toBe(after.indexOf(carrying[0]!) + 1);
  });

  it("sends a stanza the server does not answer after a moment, with its done", async () => {
    const { tab, opened } = await holdingSession();
    // A whitespace keepalive (RFC 6120 section 4.6.1): the server answers nothing.
    const outBefore = tab.entries(opened.sessionId).filter((entry) => entry.dir === "out").length;
    const done = await tab.request({ op: "send", sessionId: opened.sessionId, xml: " " });
    expect(done.op).toBe("done");
    const sent = tab.entries(opened.sessionId).filter((entry) => entry.dir === "out").slice(outBefore);
    expect(sent.map((entry) => entry.kind)).toEqual(["whitespace"]);
  });

  it("tells the tab of a send it refuses after the send before it, never ahead of it", async () => {
    const { tab, opened } = await holdingSession();
    // The keepalive is answered by nothing, so its entry and done wait the whole 1,500 ms; the
    // second send is too large and refused at once.
    const kept = tab.request({ op: "send", sessionId: opened.sessionId, xml: " " });
    const refused = await tab.request({ op: "send", sessionId: opened.sessionId, xml: `<message><body>${"x".repeat(DEFAULT_LIMITS.maxSendChars)}</body></message>` });
    expect(refused.op).toBe("failed");
    const done = await kept;
    expect(done.op).toBe("done");
    expect(tab.messages.indexOf(done)).toBeLessThan(tab.messages.indexOf(refused));
    expect(tab.entries(opened.sessionId).filter((entry) => entry.kind === "whitespace" && entry.dir === "out")).toHaveLength(1);
  });
});

describe("a tab that stops reading", () => {
  const FLOOD_RATE = 20_000;
  const FLOOD_SECONDS = 2;

  /** A disposable account's session through the bridge, online, with its password (XEP-0077). */
  async function freshSession(tab: TestClient): Promise<{ sessionId: string; jid: string; password: string }> {
    const opened = await tab.request({ ...openAs("ignored"), account: { kind: "fresh" } });
    if (opened.op !== "opened" || opened.account === undefined) throw new Error(`not opened: ${JSON.stringify(opened)}`);
    await online(tab, opened.sessionId);
    return { sessionId: opened.sessionId, ...opened.account };
  }

  /** Logs in beside the session with its account and turns its archive off (XEP-0313 §6.1): the flood measures the bridge, not ejabberd's archive. */
  async function unarchived(account: { jid: string; password: string }): Promise<DirectClient> {
    const client = await DirectClient.login(TEST_SERVER.ports.plain, account.jid.split("@")[0]!, account.password);
    await client.stopArchiving();
    return client;
  }

  it("gets its entries from the transcript when it reads again, while its socket's buffer stays bounded", async () => {
    const tabSockets: Socket[] = [];
    const onUpgrade = (_request: unknown, socket: Socket) => tabSockets.push(socket);
    http.on("upgrade", onUpgrade);
    const reader = new TestClient();
    await reader.ready();
    http.off("upgrade", onUpgrade);
    const wire = tabSockets[0]!;
    const readerSession = await freshSession(reader);
    (await unarchived(readerSession)).close();
    const sender = new TestClient();
    await sender.ready();
    const flooder = await unarchived(await freshSession(sender));
    const fullJid = (await reader.waitFor((message) => message.op === "state" && message.sessionId === readerSession.sessionId && message.jid !== undefined, "the reader's full JID")) as { jid: string };

    // The page stops reading (a tab paused in a debugger): its socket's buffers fill up.
    reader.socket.pause();
    let largest = 0;
    const sampler = setInterval(() => (largest = Math.max(largest, wire.writableLength)), 5);
    const sent = await flood(flooder, FLOOD_RATE, FLOOD_SECONDS, "stall-", readerSession.jid);
    // An iq after the flood: the reader's session answers it only after reading everything before it.
    const answered = flooder.readUntil("id='after-flood'", 60_000);
    flooder.write(`<iq type='get' id='after-flood' to='${fullJid.jid}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await answered;
    clearInterval(sampler);
    largest = Math.max(largest, wire.writableLength);
    flooder.close();
    // About 13 MB of entries went to a tab that took none; the socket held one message past the limit at most.
    expect(sent).toBe(FLOOD_RATE * FLOOD_SECONDS);
    expect(largest).toBeLessThanOrEqual(2 * TAB_BUFFER_LIMIT);

    reader.socket.resume();
    await reader.waitFor((message) => message.op === "entries" && message.entries.some((entry) => entry.attrs?.id === "after-flood"), "the entries after the flood", 30_000);
    const entries = reader.entries(readerSession.sessionId);
    expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, index) => index + 1));
    const flooded = entries.filter((entry) => entry.dir === "in" && entry.kind === "message").map((entry) => entry.attrs?.id);
    expect(flooded).toEqual(Array.from({ length: sent }, (_, n) => `stall-${n}`));
  }, 90_000);
});
