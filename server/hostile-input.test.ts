import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { unfoldDone, type OpenRequest, type ServerMessage } from "../lib/bridge/protocol";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { TEST_SERVER } from "../scripts/lib/instances";
import { HANG_UP, MESSAGE_START, droppedBytes, messageWith, startHostileServer, type HostileConnection, type HostilePayload, type HostileServer } from "../test/hostile-server";
import { allowlistFrom } from "./allowlist";
import { createBridge } from "./bridge";
import { bundledServerFromEnv, defaultAllowlist } from "./config";
import { DEFAULT_LIMITS, limitsFromEnv } from "./session-registry";
import { serveBridge, pageOriginOf } from "../test/bridge-server";

/**
 * What a hostile server sends, through the real bridge and sessions: a server of our own on
 * loopback (test/hostile-server.ts), reached because the allowlist names its port.
 */

const BILLION_LAUGHS =
  "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'><!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>]>" +
  messageWith("<body>&lol2;</body>");
const MAX_STANZA_CHARS = 200_000;
const TEN_MB = 10 * 1024 * 1024;

/** Scripts by username: log in as "dtd@localhost" and the server sends a billion laughs. */
const SCRIPTS: Record<string, HostilePayload[]> = {
  dtd: [messageWith("<body>before</body>"), BILLION_LAUGHS],
  pi: [messageWith("<?evil run='me'?><body>hi</body>")],
  comment: [messageWith("<body>hi</body><!-- hidden -->")],
  // ltx (the client library's parser) throws on an unknown entity once the text before a "<" ends.
  entity: [messageWith("<body>&lol;</body>")],
  latin1: [Buffer.concat([Buffer.from(`${MESSAGE_START}<body>caf`), Buffer.from([0xe9, 0x20, 0xff]), Buffer.from("</body></message>")])],
  nul: [messageWith("<body>a\u0000b</body>")],
  half: [messageWith("<body>whole</body>"), `${MESSAGE_START}<body>cut off`, HANG_UP],
  // A stream error ends the stream; whatever follows its close (here a second close and a stanza) is noise.
  over: [
    "<stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>",
    "</stream:stream>" + messageWith("<body>after the end</body>"),
  ],
  big: [Buffer.concat([Buffer.from(`${MESSAGE_START}<body>`), Buffer.alloc(TEN_MB, "x"), Buffer.from("</body></message>")])],
};

let hostile: HostileServer;
let http: Server;
let url: string;
let bridge: ReturnType<typeof createBridge>;

class Tab {
  readonly socket = new WebSocket(url, { origin: pageOriginOf(url) });
  readonly messages: ServerMessage[] = [];
  private nextRef = 1;

  constructor() {
    this.socket.on("message", (data) => this.messages.push(...unfoldDone(JSON.parse(String(data)) as ServerMessage)));
  }

  async ready(): Promise<this> {
    await new Promise((resolve, reject) => {
      this.socket.once("open", resolve);
      this.socket.once("error", reject);
    });
    return this;
  }

  async request(message: Record<string, unknown>): Promise<ServerMessage> {
    const ref = String(this.nextRef++);
    this.socket.send(JSON.stringify({ ...message, ref }));
    return this.waitFor((reply) => "ref" in reply && reply.ref === ref, `a reply to ${String(message.op)}`);
  }

  entries(): TranscriptEntry[] {
    return this.messages.flatMap((message) => (message.op === "entries" ? message.entries : []));
  }

  async waitFor(predicate: (message: ServerMessage) => boolean, what: string, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function openRequest(username: string, mode: "guided" | "raw" = "guided"): Omit<OpenRequest, "ref"> {
  return {
    op: "open",
    mode,
    transport: "plain",
    mechanism: "PLAIN",
    initialPresence: false,
    account: { kind: "existing", jid: `${username}@localhost`, password: "any" },
    server: { host: "127.0.0.1", port: hostile.port },
  };
}

/** Logs in as `username` on the hostile server and waits for the session to close; returns what happened. */
async function sessionAs(username: string): Promise<{ tab: Tab; entries: TranscriptEntry[]; closedWith: string; connection: HostileConnection }> {
  const tab = await new Tab().ready();
  const before = hostile.connections.length;
  const opened = await tab.request(openRequest(username));
  expect(opened.op).toBe("opened");
  const closed = await tab.waitFor((message) => message.op === "state" && message.state === "closed", "the session to close");
  const connection = hostile.connections[before]!;
  await connection.closed;
  // The closing event is the last entry; entries flush right after it.
  await tab.waitFor((message) => message.op === "entries" && message.entries.some((entry) => entry.raw.startsWith("closed: ")), "the closed event");
  tab.socket.close();
  return { tab, entries: tab.entries(), closedWith: closed.op === "state" ? (closed.message ?? "") : "", connection };
}

const incoming = (entries: TranscriptEntry[]) => entries.filter((entry) => entry.dir === "in");
const wire = (entries: TranscriptEntry[], dir: "in" | "out") => entries.filter((entry) => entry.dir === dir).map((entry) => entry.raw).join("");

beforeAll(async () => {
  hostile = await startHostileServer({ script: (username) => SCRIPTS[username] ?? [] });
  const bundled = bundledServerFromEnv({ XMPP_PORT_PLAIN: String(TEST_SERVER.ports.plain) });
  bridge = createBridge({
    server: bundled,
    allowlist: allowlistFrom([...defaultAllowlist(bundled), `127.0.0.1:${hostile.port}`].join(","), []),
    limits: { ...DEFAULT_LIMITS, maxStanzaChars: MAX_STANZA_CHARS, maxSendChars: 1000 },
  });
  ({ http, url } = await serveBridge(bridge));
});

afterAll(async () => {
  await bridge.close();
  http.close();
  await hostile.close();
});

describe("restricted XML from a server (RFC 6120 section 11.1)", () => {
  it("records a billion-laughs DTD byte for byte, flags it, expands nothing and closes with <restricted-xml/>", async () => {
    const { entries, closedWith, connection } = await sessionAs("dtd");
    // Everything the server wrote is in the transcript, exactly, up to the refusal; what came after is counted.
    const sent = connection.sent().toString("utf8");
    const kept = wire(entries, "in");
    expect(sent.startsWith(kept)).toBe(true);
    expect(kept).toContain(BILLION_LAUGHS);
    expect(Buffer.byteLength(kept) + droppedBytes(entries)).toBe(connection.sent().length);
    const refused = incoming(entries).find((entry) => entry.raw.includes("<!DOCTYPE"))!;
    expect(refused).toMatchObject({ kind: "malformed", violation: "restricted-xml" });
    expect(refused.error).toMatch(/DTDs and entity declarations are not allowed in XMPP \(RFC 6120 section 11\.1\)/);
    // No entity was expanded anywhere: "lol" appears only as often as the server wrote it.
    const lols = (text: string) => text.split("lol").length - 1;
    expect(lols(JSON.stringify(entries))).toBeLessThan(lols(connection.sent().toString("utf8")) * 2 + 10);
    expect(incoming(entries).find((entry) => entry.kind === "message")?.raw).toContain("before");
    const event = entries.find((entry) => entry.dir === "event" && entry.raw.startsWith("closing the stream"))!;
    expect(event.raw).toMatch(/the server sent restricted XML in #\d+ .* closed the stream with <restricted-xml\/> as RFC 6120 sections 11\.1 and 4\.9\.3\.18 requires/);
    expect(event.error).toBe("restricted-xml");
    expect(wire(entries, "out")).toContain("<stream:error><restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
    expect(connection.received()).toContain("<restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    expect(closedWith).toMatch(/restricted-xml/);
  });

  it("refuses a processing instruction and a comment inside a stanza the same way", async () => {
    for (const username of ["pi", "comment"]) {
      const { entries, connection } = await sessionAs(username);
      const refused = incoming(entries).find((entry) => entry.violation !== undefined)!;
      expect(refused.kind).toBe("malformed");
      expect(refused.violation).toBe("restricted-xml");
      expect(refused.error).toMatch(username === "pi" ? /processing instructions are not allowed/ : /comments are not allowed/);
      expect(connection.received()).toContain("<restricted-xml");
    }
  });

  it("survives an entity the client library throws on, and closes with <not-well-formed/>", async () => {
    const { entries, connection } = await sessionAs("entity");
    const refused = incoming(entries).find((entry) => entry.violation !== undefined)!;
    expect(refused.raw).toContain("&lol;");
    expect(refused.violation).toBe("not-well-formed");
    expect(connection.received()).toContain("<not-well-formed");
    // The bridge lives on: another session opens.
    const tab = await new Tab().ready();
    expect((await tab.request(openRequest("nobody"))).op).toBe("opened");
    await tab.waitFor((message) => message.op === "state" && message.state === "online", "the next session online");
    await tab.request({ op: "close", sessionId: (tab.messages.find((message) => message.op === "opened") as { sessionId: string }).sessionId });
    tab.socket.close();
  });

  it("refuses to send restricted XML from the user, with a message, sending nothing", async () => {
    const tab = await new Tab().ready();
    const opened = await tab.request(openRequest("quiet"));
    if (opened.op !== "opened") throw new Error("not opened");
    expect(opened.maxSendChars).toBe(1000);
    await tab.waitFor((message) => message.op === "state" && message.state === "online", "online");
    const connection = hostile.connections.at(-1)!;
    for (const xml of ["<!DOCTYPE x [<!ENTITY a 'b'>]><message><body>&a;</body></message>", "<message><?php x?></message>", "<message><!-- c --></message>"]) {
      const reply = await tab.request({ op: "send", sessionId: opened.sessionId, xml });
      expect(reply).toMatchObject({ op: "failed" });
      expect(reply.op === "failed" && reply.message).toMatch(/^Not sent: .*not allowed in XMPP \(RFC 6120 section 11\.1\)/);
    }
    const tooBig = await tab.request({ op: "send", sessionId: opened.sessionId, xml: `<message><body>${"x".repeat(1000)}</body></message>` });
    expect(tooBig.op === "failed" && tooBig.message).toMatch(/1,032 characters, over this playground's limit of 1,000 .*\(BRIDGE_MAX_SEND_CHARS\)\. Send it in smaller pieces/);
    // A send within the rules still goes out.
    expect(await tab.request({ op: "send", sessionId: opened.sessionId, xml: "<presence/>" })).toMatchObject({ op: "done" });
    expect(connection.received()).toContain("<presence/>");
    expect(connection.received()).not.toMatch(/DOCTYPE|<\?php|<!--|xxxxxxxxxx/);
    await tab.request({ op: "close", sessionId: opened.sessionId });
    tab.socket.close();
  });
});

describe("a whitespace keepalive from the user (RFC 6120 section 4.6.1)", () => {
  it("goes through the bridge to the socket as it is, and is recorded as whitespace when it is written", async () => {
    const tab = await new Tab().ready();
    const opened = await tab.request(openRequest("keepalive"));
    if (opened.op !== "opened") throw new Error("not opened");
    await tab.waitFor((message) => message.op === "state" && message.state === "online", "online");
    const connection = hostile.connections.at(-1)!;
    expect(await tab.request({ op: "send", sessionId: opened.sessionId, xml: "\t \n" })).toMatchObject({ op: "done" });
    const deadline = Date.now() + 5000;
    while (!connection.received().endsWith("\t \n") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(connection.received().endsWith("\t \n")).toBe(true);
    await tab.waitFor((message) => message.op === "entries" && message.entries.some((entry) => entry.dir === "out" && entry.raw === "\t \n"), "the keepalive's entry");
    expect(tab.entries().find((entry) => entry.dir === "out" && entry.raw === "\t \n")?.kind).toBe("whitespace");
    await tab.request({ op: "close", sessionId: opened.sessionId });
    tab.socket.close();
  });
});

describe("bytes a server must not send", () => {
  it("records invalid UTF-8 with the offset and the bytes, and closes with <unsupported-encoding/> (RFC 6120 section 11.6)", async () => {
    const { entries, connection } = await sessionAs("latin1");
    const refused = incoming(entries).find((entry) => entry.violation !== undefined)!;
    expect(refused).toMatchObject({ kind: "malformed", violation: "unsupported-encoding" });
    expect(refused.raw).toContain("caf\uFFFD \uFFFD</body>");
    expect(refused.invalidBytes?.map((bytes) => bytes.hex)).toEqual(["e9", "ff"]);
    expect(refused.raw[refused.invalidBytes![0]!.at]).toBe("\uFFFD");
    const offset = connection.sent().indexOf(0xe9);
    expect(refused.error).toContain(`at byte offset ${offset.toLocaleString("en-US")} of the server's stream (e9), shown as U+FFFD`);
    expect(connection.received()).toContain("<unsupported-encoding");
  });

  it("records a NUL as it came, names it, and closes with <not-well-formed/>", async () => {
    const { entries, connection } = await sessionAs("nul");
    const refused = incoming(entries).find((entry) => entry.violation !== undefined)!;
    expect(refused.raw).toContain("a\u0000b");
    expect(refused.error).toMatch(/^U\+0000 \(NUL\) at character \d+ is not allowed anywhere in XML/);
    expect(refused.violation).toBe("not-well-formed");
    expect(connection.received()).toContain("<not-well-formed");
  });

  it("cuts a 10 MB stanza off at BRIDGE_MAX_STANZA_CHARS, closes with <policy-violation/> and keeps memory bounded", async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const { entries, connection } = await sessionAs("big");
    const refused = incoming(entries).find((entry) => entry.violation !== undefined)!;
    expect(refused.violation).toBe("policy-violation");
    expect(refused.error).toMatch(/an element is longer than 200,000 characters, the most accepted here \(BRIDGE_MAX_STANZA_CHARS\)/);
    // What was kept: the limit plus at most the reads in flight, never the 10 MB.
    const kept = incoming(entries).reduce((sum, entry) => sum + entry.raw.length, 0);
    expect(kept).toBeGreaterThan(MAX_STANZA_CHARS);
    expect(kept).toBeLessThan(MAX_STANZA_CHARS + 1024 * 1024);
    // Every byte is accounted for: kept as text, or counted as dropped, or never read because the socket closed.
    expect(kept + droppedBytes(entries)).toBeLessThanOrEqual(connection.sent().length);
    expect(connection.received()).toContain("<policy-violation");
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("a server that hangs up mid-stanza", () => {
  it("keeps the unfinished element as malformed, and answers nothing: there is no stream left", async () => {
    const { entries, closedWith, connection } = await sessionAs("half");
    const cut = incoming(entries).at(-1)!;
    expect(cut).toMatchObject({ kind: "malformed", raw: `${MESSAGE_START}<body>cut off`, error: "the connection ended in the middle of an element" });
    expect(cut.violation).toBeUndefined();
    expect(entries.some((entry) => entry.raw.startsWith("closing the stream"))).toBe(false);
    expect(connection.received()).not.toContain("stream:error");
    // No stream error and no </stream:stream>: the session says the server went away (RFC 6120 section 4.4).
    expect(closedWith).toMatch(/^the connection to 127\.0\.0\.1:\d+ closed without the server ending the stream/);
    expect(wire(entries, "in")).toBe(connection.sent().toString("utf8"));
  });
});

describe("bytes after the server ended its stream", () => {
  it("do not turn the server's own stream error into a refusal of ours", async () => {
    const { entries, closedWith, connection } = await sessionAs("over");
    // The session ends with the server's reason, not with a refusal of the noise after it.
    expect(closedWith).toContain("undefined-condition");
    expect(closedWith).not.toContain("not well-formed");
    expect(entries.some((entry) => entry.raw.startsWith("closing the stream"))).toBe(false);
    expect(connection.received()).not.toContain("not-well-formed");
  });
});

describe("limits from the environment", () => {
  it("reads BRIDGE_MAX_STANZA_CHARS and BRIDGE_MAX_SEND_CHARS and refuses nonsense", () => {
    expect(limitsFromEnv({ BRIDGE_MAX_STANZA_CHARS: "5000", BRIDGE_MAX_SEND_CHARS: "700" })).toMatchObject({ maxStanzaChars: 5000, maxSendChars: 700 });
    expect(limitsFromEnv({})).toMatchObject({ maxStanzaChars: 1_000_000, maxSendChars: 1_000_000 });
    expect(() => limitsFromEnv({ BRIDGE_MAX_SEND_CHARS: "big" })).toThrow(/BRIDGE_MAX_SEND_CHARS=big is not a positive number/);
  });
});

describe("raw mode against a hostile server", () => {
  it("closes the stream itself when the server sends restricted XML, even with a person typing", async () => {
    const tab = await new Tab().ready();
    const opened = await tab.request(openRequest("ignored", "raw"));
    if (opened.op !== "opened") throw new Error("not opened");
    await tab.waitFor((message) => message.op === "state" && message.state === "online", "the socket open");
    const send = (xml: string) => tab.request({ op: "send", sessionId: opened.sessionId, xml });
    const header = "<stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    await send(header);
    await send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from("\0comment\0x").toString("base64")}</auth>`);
    await tab.waitFor((message) => message.op === "entries" && message.entries.some((entry) => entry.name === "success"), "SASL success");
    await send(header);
    await tab.waitFor((message) => message.op === "entries" && message.entries.some((entry) => entry.dir === "in" && entry.kind === "features"), "the features after the restart");
    await send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
    const closed = await tab.waitFor((message) => message.op === "state" && message.state === "closed", "the refusal");
    expect(closed.op === "state" && closed.message).toMatch(/closed the stream with <restricted-xml\/>/);
    expect(wire(tab.entries(), "out")).toContain("<restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    tab.socket.close();
  });
});
