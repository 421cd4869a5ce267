import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BRIDGE_RESTARTED_MESSAGE, BridgeClient, type SessionEvents } from "./client";
import type { ServerMessage, SessionState } from "./protocol";
import type { TranscriptEntry } from "../xmpp/entry";

/**
 * The page's end of the bridge protocol, driven message by message: a socket that records
 * what the client sends and hands it the replies a test writes. (server/bridge-client.test.ts
 * runs the same client against the real bridge and ejabberd.)
 */
class ScriptedSocket {
  static readonly OPEN = 1;
  static all: ScriptedSocket[] = [];
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  onmessage: ((event: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: (() => void) | null = null;

  constructor(readonly url: string) {
    ScriptedSocket.all.push(this);
  }

  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }

  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.();
  }

  /** The bridge accepts the connection and says which process it is. */
  hello(instance = "bridge-1"): void {
    this.readyState = ScriptedSocket.OPEN;
    this.deliver({ op: "hello", instance });
  }

  deliver(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** The reply to the last request sent, by its ref. */
  reply(message: Record<string, unknown>): void {
    this.deliver({ ...message, ref: this.sent.at(-1)!.ref } as ServerMessage);
  }
}

const latest = () => ScriptedSocket.all.at(-1)!;
const entry = (seq: number): TranscriptEntry => ({ seq, dir: "in", at: seq, wall: seq, raw: `<presence id='${seq}'/>`, kind: "presence" });
const summary = { sessionId: "s1", token: "tok", mode: "guided", target: "t", state: "online", maxSendChars: 10 } as const;
const OPEN = { mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: true, account: { kind: "fresh" } } as const;

function recorder() {
  const log = { entries: [] as number[], states: [] as [SessionState, object][], links: [] as string[], gaps: [] as [number, number][] };
  const events: SessionEvents = {
    onEntries: (batch) => log.entries.push(...batch.map((item) => item.seq)),
    onState: (state, detail) => log.states.push([state, detail]),
    onLink: (link) => log.links.push(link),
    onGap: (from, to) => log.gaps.push([from, to]),
  };
  return { log, events };
}

/** A client with one session open (s1, token tok). */
async function openedClient() {
  const client = new BridgeClient("ws://bridge.test/bridge");
  const { log, events } = recorder();
  const opening = client.open(OPEN, events);
  await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(1));
  latest().hello();
  await vi.waitFor(() => expect(latest().sent.length).toBe(1));
  latest().reply({ op: "opened", ...summary });
  await opening;
  return { client, log, socket: latest() };
}

const realWebSocket = globalThis.WebSocket;
beforeEach(() => {
  ScriptedSocket.all = [];
  globalThis.WebSocket = ScriptedSocket as unknown as typeof WebSocket;
});
afterEach(() => {
  globalThis.WebSocket = realWebSocket;
  vi.useRealTimers();
});

describe("BridgeClient: requests and replies", () => {
  it("sends an open with a ref, after the bridge's hello, and resolves with the session", async () => {
    const client = new BridgeClient("ws://bridge.test/bridge");
    const opening = client.open(OPEN, recorder().events);
    await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(1));
    expect(latest().url).toBe("ws://bridge.test/bridge");
    expect(latest().sent).toEqual([]);
    latest().hello("bridge-7");
    await vi.waitFor(() => expect(latest().sent).toEqual([{ op: "open", ref: "1", ...OPEN }]));
    latest().reply({ op: "opened", ...summary });
    await expect(opening).resolves.toEqual({ op: "opened", ref: "1", ...summary });
    expect(client.instance).toBe("bridge-7");
  });

  it("delivers the entries that arrive right behind the opened reply, before the caller resumes", async () => {
    const client = new BridgeClient("ws://bridge.test/bridge");
    const { log, events } = recorder();
    const opening = client.open(OPEN, events);
    await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(1));
    latest().hello();
    await vi.waitFor(() => expect(latest().sent.length).toBe(1));
    latest().reply({ op: "opened", ...summary });
    latest().deliver({ op: "entries", sessionId: "s1", entries: [entry(1), entry(2)] });
    await opening;
    expect(log.entries).toEqual([1, 2]);
  });

  it("hands a storing tab each batch's text exactly as the socket delivered it, before its entries, and no resend twice", async () => {
    const client = new BridgeClient("ws://bridge.test/bridge");
    const order: string[] = [];
    const texts: string[] = [];
    const events: SessionEvents = {
      onEntries: (batch) => order.push(`entries ${batch.map((item) => item.seq).join(",")}`),
      onBatch: (text) => {
        texts.push(text);
        order.push("batch");
      },
      onState: () => undefined,
    };
    const opening = client.open(OPEN, events);
    await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(1));
    latest().hello();
    await vi.waitFor(() => expect(latest().sent.length).toBe(1));
    latest().reply({ op: "opened", ...summary });
    await opening;
    const first = JSON.stringify({ op: "entries", sessionId: "s1", entries: [entry(1), { ...entry(2), raw: "<x a='\u00e9'>\"</x>" }] });
    latest().onmessage?.({ data: first });
    // A reattach may resend what arrived already: nothing new, nothing handed on.
    latest().deliver({ op: "entries", sessionId: "s1", entries: [entry(2)] });
    latest().deliver({ op: "entries", sessionId: "s1", entries: [entry(2), entry(3)] });
    expect(order).toEqual(["batch", "entries 1,2", "batch", "entries 3"]);
    expect(texts[0]).toBe(first);
    expect(JSON.parse(texts[1]!)).toEqual({ op: "entries", sessionId: "s1", entries: [entry(2), entry(3)] });
  });

  it("rejects a request the bridge refused, with the bridge's message", async () => {
    const { client, socket } = await openedClient();
    const sending = client.send("s1", "<presence/>");
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    expect(socket.sent.at(-1)).toEqual({ op: "send", ref: "2", sessionId: "s1", xml: "<presence/>" });
    socket.reply({ op: "failed", message: "Too fast: a session may send 20 times a second" });
    await expect(sending).rejects.toThrow("Too fast: a session may send 20 times a second");
  });

  it("settles a send whose done rides in an entries message, once those entries are delivered", async () => {
    const { client, log, socket } = await openedClient();
    let deliveredWhenSettled = -1;
    const sending = client.send("s1", "<iq/>").then(() => (deliveredWhenSettled = log.entries.length));
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    socket.deliver({ op: "entries", sessionId: "s1", entries: [entry(1), entry(2)], done: ["999", String(socket.sent.at(-1)!.ref)] });
    await sending;
    expect(deliveredWhenSettled).toBe(2);
  });

  it("ignores a reply to a ref it never sent, and still settles the right one", async () => {
    const { client, socket } = await openedClient();
    const closing = client.close("s1");
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    socket.deliver({ op: "done", ref: "999" });
    socket.deliver({ op: "failed", ref: "998", message: "not yours" });
    socket.reply({ op: "done" });
    await expect(closing).resolves.toBeUndefined();
  });

  it("refuses an open answered with something other than opened", async () => {
    const client = new BridgeClient("ws://bridge.test/bridge");
    const opening = client.open(OPEN, recorder().events);
    await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(1));
    latest().hello();
    await vi.waitFor(() => expect(latest().sent.length).toBe(1));
    latest().reply({ op: "done" });
    await expect(opening).rejects.toThrow("the bridge answered an open request with something else");
  });

  it("reads revealed secrets by seq", async () => {
    const { client, socket } = await openedClient();
    const revealing = client.reveal("s1");
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    expect(socket.sent.at(-1)).toMatchObject({ op: "reveal", sessionId: "s1" });
    socket.reply({ op: "secrets", sessionId: "s1", secrets: { 4: "<auth>AGFs</auth>" } });
    expect(await revealing).toEqual(new Map([[4, "<auth>AGFs</auth>"]]));
  });

  it("says the bridge cannot be reached when the socket fails before its hello, and tries afresh next time", async () => {
    const client = new BridgeClient("ws://bridge.test/bridge");
    const first = client.send("s1", "<presence/>");
    await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(1));
    latest().onerror?.();
    await expect(first).rejects.toThrow("Cannot reach the playground's bridge. Is the playground server still running (npm run playground)?");
    const second = client.send("s1", "<presence/>");
    await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(2));
    latest().hello();
    await vi.waitFor(() => expect(latest().sent.length).toBe(1));
    latest().reply({ op: "done" });
    await expect(second).resolves.toBeUndefined();
  });
});

describe("BridgeClient: a session's entries and state", () => {
  it("keeps each seq once when a reattach resends what arrived, and names a gap nobody holds", async () => {
    const { socket, log } = await openedClient();
    socket.deliver({ op: "entries", sessionId: "s1", entries: [entry(1), entry(2)] });
    socket.deliver({ op: "entries", sessionId: "s1", entries: [entry(1), entry(2), entry(3)] });
    socket.deliver({ op: "entries", sessionId: "s1", entries: [entry(2)] });
    socket.deliver({ op: "entries", sessionId: "s1", entries: [entry(6), entry(7)] });
    expect(log.entries).toEqual([1, 2, 3, 6, 7]);
    expect(log.gaps).toEqual([[4, 5]]);
  });

  it("ignores entries and states of a session it does not track", async () => {
    const { socket, log } = await openedClient();
    socket.deliver({ op: "entries", sessionId: "other", entries: [entry(1)] });
    socket.deliver({ op: "state", sessionId: "other", state: "closed" });
    expect(log.entries).toEqual([]);
    expect(log.states).toEqual([]);
  });

  it("passes a state on with the JID and message only when the bridge gave them", async () => {
    const { socket, log } = await openedClient();
    socket.deliver({ op: "state", sessionId: "s1", state: "online", jid: "a@localhost/r", message: "bound" });
    socket.deliver({ op: "state", sessionId: "s1", state: "closed", jid: "", message: "" });
    expect(log.states).toEqual([
      ["online", { jid: "a@localhost/r", message: "bound" }],
      ["closed", {}],
    ]);
  });

  it("acknowledges stored entries over a live link for a tracked session only", async () => {
    const { client, socket } = await openedClient();
    client.acknowledge("s1", 5);
    client.acknowledge("unknown", 5);
    expect(socket.sent.at(-1)).toEqual({ op: "ack", ref: "2", sessionId: "s1", seq: 5 });
    expect(socket.sent.filter((message) => message.op === "ack")).toHaveLength(1);
    client.dispose();
    client.acknowledge("s1", 6);
    expect(socket.sent.filter((message) => message.op === "ack")).toHaveLength(1);
  });

  it("forgets a session whose attach was refused, so its entries go nowhere", async () => {
    const client = new BridgeClient("ws://bridge.test/bridge");
    const { log, events } = recorder();
    const attaching = client.attach("s9", "tok", 3, events);
    await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(1));
    latest().hello();
    await vi.waitFor(() => expect(latest().sent).toEqual([{ op: "attach", ref: "1", sessionId: "s9", token: "tok", afterSeq: 3 }]));
    latest().reply({ op: "failed", message: "This session has ended." });
    await expect(attaching).rejects.toThrow("This session has ended.");
    latest().deliver({ op: "entries", sessionId: "s9", entries: [entry(4)] });
    expect(log.entries).toEqual([]);
  });

  it("takes entries after the seq an attach named, and only those", async () => {
    const client = new BridgeClient("ws://bridge.test/bridge");
    const { log, events } = recorder();
    const attaching = client.attach("s9", "tok", 3, events);
    await vi.waitFor(() => expect(ScriptedSocket.all.length).toBe(1));
    latest().hello();
    await vi.waitFor(() => expect(latest().sent.length).toBe(1));
    latest().reply({ op: "attached", ...summary, sessionId: "s9" });
    await attaching;
    latest().deliver({ op: "entries", sessionId: "s9", entries: [entry(3), entry(4)] });
    expect(log.entries).toEqual([4]);
    expect(log.gaps).toEqual([]);
  });
});

describe("BridgeClient: when the link to the bridge drops", () => {
  it("rejects what was waiting, says the link is down, and reattaches from the last seq after 100 ms", async () => {
    const { client, socket, log } = await openedClient();
    socket.deliver({ op: "entries", sessionId: "s1", entries: [entry(1), entry(2)] });
    const waiting = client.send("s1", "<presence/>");
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    vi.useFakeTimers();
    socket.close();
    await expect(waiting).rejects.toThrow("The connection to the bridge was lost; try again.");
    expect(log.links).toEqual(["down"]);
    await vi.advanceTimersByTimeAsync(99);
    expect(ScriptedSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ScriptedSocket.all).toHaveLength(2);
    latest().hello();
    await vi.advanceTimersByTimeAsync(0);
    expect(latest().sent).toEqual([{ op: "attach", ref: "3", sessionId: "s1", token: "tok", afterSeq: 2 }]);
    latest().reply({ op: "attached", ...summary });
    await vi.advanceTimersByTimeAsync(0);
    expect(log.links).toEqual(["down", "up"]);
  });

  it("rejects a request whose socket closes after a newer one took over, and leaves the newer one's alone", async () => {
    const { client, socket } = await openedClient();
    const first = client.send("s1", "<presence/>");
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    // The first socket is closing (its close event still to come): the next request opens another.
    socket.readyState = 2;
    const second = client.send("s1", "<presence type='unavailable'/>");
    await vi.waitFor(() => expect(ScriptedSocket.all).toHaveLength(2));
    latest().hello();
    await vi.waitFor(() => expect(latest().sent).toHaveLength(1));
    socket.close();
    await expect(first).rejects.toThrow("The connection to the bridge was lost; try again.");
    latest().reply({ op: "done" });
    await expect(second).resolves.toBeUndefined();
  });

  /** A reload's attach whose first request a drop cut off; the reconnect is 100 ms later. */
  async function attachCutOff() {
    const client = new BridgeClient("ws://bridge.test/bridge");
    const { log, events } = recorder();
    const attaching = client.attach("s1", "tok", 5, events);
    const settled = vi.fn();
    attaching.then(settled, settled);
    await vi.waitFor(() => expect(ScriptedSocket.all).toHaveLength(1));
    const cut = latest();
    cut.hello();
    await vi.waitFor(() => expect(cut.sent).toEqual([{ op: "attach", ref: "1", sessionId: "s1", token: "tok", afterSeq: 5 }]));
    vi.useFakeTimers();
    cut.close();
    await vi.advanceTimersByTimeAsync(99);
    // Not asked again on its own: the reconnect attaches it, once.
    expect(ScriptedSocket.all).toHaveLength(1);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(ScriptedSocket.all).toHaveLength(2);
    return { client, attaching, log, settled };
  }

  it("a reload's attach cut off by a drop is attached once by the reconnect, from the last seq, and resolves", async () => {
    const { attaching, log } = await attachCutOff();
    latest().hello();
    await vi.advanceTimersByTimeAsync(0);
    expect(latest().sent).toEqual([{ op: "attach", ref: "2", sessionId: "s1", token: "tok", afterSeq: 5 }]);
    latest().reply({ op: "attached", ...summary });
    await expect(attaching).resolves.toMatchObject({ op: "attached", sessionId: "s1" });
    expect(log.links).toEqual(["down", "up"]);
    expect(log.states).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(latest().sent).toHaveLength(1);
  });

  it("a reload's attach cut off by a drop fails with the bridge's reason when the reconnect's attach is refused", async () => {
    const { attaching } = await attachCutOff();
    latest().hello();
    await vi.advanceTimersByTimeAsync(0);
    latest().reply({ op: "failed", message: "No such session (it may have timed out)." });
    await expect(attaching).rejects.toThrow("No such session (it may have timed out).");
  });

  it("a reload's attach cut off by a drop fails when the bridge comes back as a new process", async () => {
    const { attaching, log } = await attachCutOff();
    latest().hello("bridge-2");
    await expect(attaching).rejects.toThrow(BRIDGE_RESTARTED_MESSAGE);
    expect(log.states).toEqual([["closed", { message: BRIDGE_RESTARTED_MESSAGE }]]);
    expect(latest().sent).toEqual([]);
  });

  it("a reload's attach cut off by a drop fails when the page stops listening before the reconnect", async () => {
    const { client, attaching } = await attachCutOff();
    client.dispose();
    await expect(attaching).rejects.toThrow("This page stopped listening to the bridge.");
  });

  it("a reload's attach cut off with a socket a newer link had replaced asks again over that link", async () => {
    const { client, socket } = await openedClient();
    const { events } = recorder();
    const attaching = client.attach("s2", "tok2", 0, events);
    await vi.waitFor(() => expect(socket.sent.at(-1)).toEqual({ op: "attach", ref: "2", sessionId: "s2", token: "tok2", afterSeq: 0 }));
    // The socket is closing (its close event still to come): the next request opens another.
    socket.readyState = 2;
    void client.send("s1", "<presence/>").catch(() => undefined);
    await vi.waitFor(() => expect(ScriptedSocket.all).toHaveLength(2));
    const newer = latest();
    newer.hello();
    await vi.waitFor(() => expect(newer.sent).toHaveLength(1));
    // No reconnect follows the close of a socket already replaced: the attach asks over the newer link.
    socket.close();
    await vi.waitFor(() => expect(newer.sent.at(-1)).toEqual({ op: "attach", ref: "4", sessionId: "s2", token: "tok2", afterSeq: 0 }));
    newer.reply({ op: "attached", ...summary, sessionId: "s2" });
    await expect(attaching).resolves.toMatchObject({ sessionId: "s2" });
  });

  it("waits longer after each failed try to reach the bridge: 100, 250, then 500 ms", async () => {
    const { socket } = await openedClient();
    vi.useFakeTimers();
    socket.close();
    const waits: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = ScriptedSocket.all.length;
      let waited = 0;
      while (ScriptedSocket.all.length === before) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      waits.push(waited);
      latest().onerror?.();
    }
    expect(waits).toEqual([100, 250, 500]);
  });

  it("ends a session the bridge no longer knows after a reconnect, with the bridge's reason", async () => {
    const { socket, log } = await openedClient();
    vi.useFakeTimers();
    socket.close();
    await vi.advanceTimersByTimeAsync(100);
    latest().hello();
    await vi.advanceTimersByTimeAsync(0);
    latest().reply({ op: "failed", message: "No such session (it may have timed out)." });
    await vi.advanceTimersByTimeAsync(0);
    expect(log.states).toEqual([["closed", { message: "No such session (it may have timed out)." }]]);
    latest().deliver({ op: "entries", sessionId: "s1", entries: [entry(1)] });
    expect(log.entries).toEqual([]);
  });

  it("ends every session when the bridge that answers is a new process, and says why", async () => {
    const { socket, log } = await openedClient();
    vi.useFakeTimers();
    socket.close();
    await vi.advanceTimersByTimeAsync(100);
    latest().hello("bridge-2");
    await vi.advanceTimersByTimeAsync(0);
    expect(log.links).toEqual(["down", "up"]);
    expect(log.states).toEqual([["closed", { message: BRIDGE_RESTARTED_MESSAGE }]]);
    expect(latest().sent).toEqual([]);
  });

  it("does not reconnect once disposed", async () => {
    const { client, log } = await openedClient();
    vi.useFakeTimers();
    client.dispose();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ScriptedSocket.all).toHaveLength(1);
    expect(log.links).toEqual([]);
  });
});
