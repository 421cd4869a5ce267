import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { unfoldDone, type ClientMessage, type OpenRequest, type ServerMessage } from "../lib/bridge/protocol";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { TEST_SERVER } from "../scripts/lib/instances";
import { allowlistFrom } from "./allowlist";
import { createBridge } from "./bridge";
import { addressFor, bundledServerFromEnv, defaultAllowlist } from "./config";
import { removeAccount } from "../lib/xmpp/in-band-registration";
import { serveBridge, pageOriginOf } from "../test/bridge-server";

// Integration: lesson sessions through the real bridge, against the test ejabberd and the real scripted peer.
const bundled = bundledServerFromEnv({
  XMPP_PORT_STARTTLS: String(TEST_SERVER.ports.starttls),
  XMPP_PORT_TLS: String(TEST_SERVER.ports.directTls),
  XMPP_PORT_PLAIN: String(TEST_SERVER.ports.plain),
  XMPP_PORT_HTTP: String(TEST_SERVER.ports.http),
});
const bridge = createBridge({ server: bundled, allowlist: allowlistFrom(undefined, defaultAllowlist(bundled)) });
let http: Server;
let url: string;
const tabs: Tab[] = [];

/** A browser tab reduced to its WebSocket. */
class Tab {
  // With the Origin a page of the app sends; the bridge refuses sockets without one.
  readonly socket = new WebSocket(url, { origin: pageOriginOf(url) });
  readonly messages: ServerMessage[] = [];
  private nextRef = 1;

  constructor() {
    this.socket.on("message", (data) => this.messages.push(...unfoldDone(JSON.parse(String(data)) as ServerMessage)));
    tabs.push(this);
  }

  static async open(): Promise<Tab> {
    const tab = new Tab();
    await new Promise((resolve, reject) => tab.socket.once("open", resolve).once("error", reject));
    return tab;
  }

  async request(message: Omit<ClientMessage, "ref"> & Record<string, unknown>): Promise<ServerMessage> {
    const ref = String(this.nextRef++);
    this.socket.send(JSON.stringify({ ...message, ref }));
    return this.waitFor((reply) => "ref" in reply && reply.ref === ref, `a reply to ${message.op}`);
  }

  entries(sessionId: string): TranscriptEntry[] {
    return this.messages.flatMap((message) => (message.op === "entries" && message.sessionId === sessionId ? message.entries : []));
  }

  async waitFor(predicate: (message: ServerMessage) => boolean, what: string, timeoutMs = 8000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async waitForEntry(sessionId: string, predicate: (entry: TranscriptEntry) => boolean, what: string): Promise<TranscriptEntry> {
    const found = await this.waitFor((message) => message.op === "entries" && message.sessionId === sessionId && message.entries.some(predicate), what);
    return (found as Extract<ServerMessage, { op: "entries" }>).entries.find(predicate)!;
  }
}

function lessonOpen(mode: "guided" | "raw", peer: "scripted" | "none"): Omit<OpenRequest, "ref"> {
  return { op: "open", mode, transport: "plain", mechanism: "PLAIN", initialPresence: true, account: { kind: "fresh" }, lesson: { peer } };
}

async function openLesson(tab: Tab, mode: "guided" | "raw", peer: "scripted" | "none") {
  const opened = await tab.request(lessonOpen(mode, peer));
  if (opened.op !== "opened") throw new Error(`not opened: ${JSON.stringify(opened)}`);
  await tab.waitFor((message) => message.op === "state" && message.sessionId === opened.sessionId && message.state === "online", "online");
  return opened;
}

/**
 * Whether the server still has an account. ejabberd answers probes for absent and present
 * accounts alike, so this asks to register the name (XEP-0077 §3.1): <conflict/> means taken.
 * A name that was free is registered by the probe, so the probe removes it again.
 */
async function accountExists(tab: Tab, bareJid: string): Promise<boolean> {
  const opened = await tab.request({ op: "open", mode: "raw", transport: "plain", mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "probe@localhost", password: "unused" } });
  if (opened.op !== "opened") throw new Error("probe not opened");
  const username = bareJid.split("@")[0]!;
  const password = `probe-${Date.now()}`;
  await tab.waitFor((message) => message.op === "state" && message.sessionId === opened.sessionId && message.state === "online", "the probe's socket");
  await tab.request({ op: "send", sessionId: opened.sessionId, xml: "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" });
  await tab.waitForEntry(opened.sessionId, (entry) => entry.kind === "features", "the probe's stream features");
  await tab.request({ op: "send", sessionId: opened.sessionId, xml: `<iq type='set' id='probe'><query xmlns='jabber:iq:register'><username>${username}</username><password>${password}</password></query></iq>` });
  const reply = await tab.waitForEntry(opened.sessionId, (entry) => entry.dir === "in" && entry.attrs?.id === "probe", "the registration answer");
  await tab.request({ op: "close", sessionId: opened.sessionId });
  if (reply.attrs?.type === "result") {
    await removeAccount({ server: addressFor(bundled, "plain"), domain: bundled.domain, transport: "plain", username, password });
    return false;
  }
  expect(reply.error).toBe("conflict");
  return true;
}

beforeAll(async () => {
  ({ http, url } = await serveBridge(bridge));
});

afterEach(async () => {
  for (const tab of tabs.splice(0)) {
    if (tab.socket.readyState === WebSocket.OPEN) {
      for (const message of tab.messages) if (message.op === "opened" && message.state !== "closed") await tab.request({ op: "close", sessionId: message.sessionId });
    }
    tab.socket.close();
  }
});

afterAll(async () => {
  await bridge.close();
  http.close();
});

describe("lesson sessions", () => {
  it("give their own tab the variables, a live scripted peer, and remove both accounts at the end", async () => {
    const tab = await Tab.open();
    const opened = await openLesson(tab, "guided", "scripted");
    const variables = opened.lesson!.variables;
    expect(variables.me).toMatch(/^guest-[a-z0-9]+@localhost$/);
    expect(variables.peer).toMatch(/@localhost$/);
    expect(variables.peer).not.toBe(variables.me);
    expect(Buffer.from(variables.plain, "base64").toString()).toBe(`\0${variables.username}\0${variables.password}`);
    expect(variables.room.endsWith(`@${variables.muc}`)).toBe(true);

    // The peer is there: it echoes a chat message back.
    await tab.request({ op: "send", sessionId: opened.sessionId, xml: `<message to='${variables.peer}' type='chat' id='m1'><body>hello peer</body></message>` });
    await tab.waitForEntry(opened.sessionId, (entry) => entry.dir === "in" && entry.name === "message" && entry.raw.includes("echo: hello peer"), "the peer's echo");

    // Another tab without the token gets neither the session nor its variables.
    const other = await Tab.open();
    expect(await other.request({ op: "attach", sessionId: opened.sessionId, token: "x".repeat(32), afterSeq: 0 })).toMatchObject({ op: "failed" });
    expect(JSON.stringify(other.messages)).not.toContain(variables.password);
    // The token brings them back (a reload of the same tab).
    const reloaded = await Tab.open();
    const attached = await reloaded.request({ op: "attach", sessionId: opened.sessionId, token: opened.token, afterSeq: 0 });
    expect(attached.op === "attached" && attached.lesson?.variables).toEqual(variables);

    // Both accounts exist while the session lives, and are gone once it is closed.
    const observer = await Tab.open();
    expect(await accountExists(observer, variables.me)).toBe(true);
    expect(await accountExists(observer, variables.peer)).toBe(true);
    await reloaded.request({ op: "close", sessionId: opened.sessionId });
    const deadline = Date.now() + 8000;
    let gone = false;
    while (!gone && Date.now() < deadline) gone = !(await accountExists(observer, variables.me)) && !(await accountExists(observer, variables.peer));
    expect(gone).toBe(true);
  });

  it("open a raw socket for raw lessons, with the password and PLAIN payload to type, and no peer", async () => {
    const tab = await Tab.open();
    const opened = await openLesson(tab, "raw", "none");
    expect(opened.mode).toBe("raw");
    expect(opened.jid).toBeUndefined();
    const { variables } = opened.lesson!;
    expect(variables.peer).toBe("");
    expect(variables.password.length).toBeGreaterThan(8);
    // The learner's typed login works with those values (RFC 6120 §6.4.2).
    const stream = `<?xml version='1.0'?><stream:stream to='${variables.domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;
    await tab.request({ op: "send", sessionId: opened.sessionId, xml: stream });
    await tab.waitForEntry(opened.sessionId, (entry) => entry.kind === "features", "the stream features");
    await tab.request({ op: "send", sessionId: opened.sessionId, xml: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${variables.plain}</auth>` });
    await tab.waitForEntry(opened.sessionId, (entry) => entry.kind === "sasl" && entry.name === "success", "SASL success");
  });

  it("are refused for another server or an existing account, with a reason", async () => {
    const tab = await Tab.open();
    tab.socket.send(JSON.stringify({ ...lessonOpen("guided", "none"), ref: "1", server: { host: "127.0.0.1", port: bundled.ports.plain } }));
    tab.socket.send(JSON.stringify({ ...lessonOpen("guided", "none"), ref: "2", account: { kind: "existing", jid: "alice@localhost", password: "alice" } }));
    await tab.waitFor((message) => tab.messages.filter((seen) => seen.op === "error").length === 2 && message.op === "error", "two refusals");
    // Apart from the bridge's greeting (op "hello"), both replies are those refusals.
    const replies = tab.messages.filter((message) => message.op !== "hello");
    expect(replies).toHaveLength(2);
    for (const refusal of replies) expect(refusal).toMatchObject({ op: "error", message: expect.stringMatching(/fresh account on the bundled server/) });
  });
});
