import { afterEach, describe, expect, it, vi } from "vitest";
import type { ServerMessage, SessionState } from "../lib/bridge/protocol";
import { Transcript } from "../lib/xmpp/transcript";
import type { StateListener, XmppSession } from "../lib/xmpp/session";
import { DEFAULT_LIMITS, MAX_ENTRIES_PER_MESSAGE, SessionRegistry, limitsFromEnv } from "./session-registry";

/** A session with a real transcript and no socket: the registry's bookkeeping is under test here. */
class OfflineSession implements XmppSession {
  readonly transcript = new Transcript();
  currentState: SessionState = "online";
  closes = 0;
  /** Every call to close, including those on a session already closed. */
  closeCalls = 0;
  private readonly listeners = new Set<StateListener>();
  onState(listener: StateListener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async connect() {
    return "offline";
  }
  async send(xml: string) {
    this.transcript.record("out", xml);
  }
  async close(reason = "closed by you") {
    this.closeCalls++;
    if (this.currentState === "closed") return;
    this.transcript.recordEvent("closed", `closed: ${reason}`);
    this.closes++;
    this.currentState = "closed";
    for (const listener of this.listeners) listener("closed", { message: "closed" });
  }
  /** What a real session tells its listeners when it goes online or says something. */
  emit(state: SessionState, detail: { jid?: string; message?: string }) {
    this.currentState = state;
    for (const listener of this.listeners) listener(state, detail);
  }
}

let now = 0;
const registries: SessionRegistry[] = [];
function registry(limits: Partial<typeof DEFAULT_LIMITS> = {}) {
  const created = new SessionRegistry({ ...DEFAULT_LIMITS, ...limits }, () => now);
  registries.push(created);
  return created;
}

afterEach(async () => {
  for (const created of registries.splice(0)) await created.closeAll();
  now = 0;
});

describe("SessionRegistry", () => {
  it("closes a session idle past the timeout, with a message naming the setting", () => {
    const sessions = registry({ idleTimeoutMs: 1000 });
    const session = new OfflineSession();
    sessions.add(session, { mode: "guided", target: "test" });
    now = 999;
    sessions.sweep();
    expect(session.currentState).toBe("online");
    now = 1001;
    sessions.sweep();
    expect(session.currentState).toBe("closed");
    expect(session.transcript.since(0).at(-1)?.raw).toMatch(/BRIDGE_IDLE_TIMEOUT_MS/);
  });

  it("activity keeps a session alive", () => {
    const sessions = registry({ idleTimeoutMs: 1000 });
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    now = 900;
    sessions.touch(managed);
    now = 1500;
    sessions.sweep();
    expect(session.currentState).toBe("online");
  });

  it("closes a session no page reattached to in time", () => {
    const sessions = registry({ detachedTimeoutMs: 500 });
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const tab = () => undefined;
    sessions.attach(managed, tab, 0);
    sessions.detach(managed, tab);
    now = 400;
    sessions.sweep();
    expect(session.currentState).toBe("online");
    now = 600;
    sessions.sweep();
    expect(session.currentState).toBe("closed");
  });

  it("resends a backlog in messages of at most MAX_ENTRIES_PER_MESSAGE, in order, with a send's done in the last", async () => {
    const sessions = registry({ answerWaitMs: 1000 });
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const total = 2 * MAX_ENTRIES_PER_MESSAGE + 1;
    for (let i = 1; i <= total; i++) session.transcript.recordEvent("connected", `event ${i}`);
    const messages: Extract<ServerMessage, { op: "entries" }>[] = [];
    const tab = (message: ServerMessage) => {
      if (message.op === "entries") messages.push(message);
    };
    sessions.attach(managed, tab, 0);
    await Promise.resolve();
    expect(messages.map((message) => message.entries.length)).toEqual([MAX_ENTRIES_PER_MESSAGE, MAX_ENTRIES_PER_MESSAGE, 1]);
    expect(messages.flatMap((message) => message.entries.map((entry) => entry.seq))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(messages.some((message) => message.done !== undefined)).toBe(false);

    // A send waiting for its answer: its done rides in the last message of what follows.
    messages.length = 0;
    vi.useFakeTimers();
    try {
      sessions.holdForAnswer(managed);
      sessions.finishSend(managed, "ref-1", tab);
      for (let i = 1; i <= MAX_ENTRIES_PER_MESSAGE + 1; i++) session.transcript.recordEvent("connected", `later ${i}`);
      expect(messages).toEqual([]);
      vi.advanceTimersByTime(1000);
    } finally {
      vi.useRealTimers();
    }
    expect(messages.map((message) => [message.entries.length, message.done])).toEqual([
      [MAX_ENTRIES_PER_MESSAGE, undefined],
      [1, ["ref-1"]],
    ]);
  });

  it("closes a session whose transcript reaches its limit, saying so", () => {
    const sessions = registry({ maxEntries: 5 });
    const session = new OfflineSession();
    sessions.add(session, { mode: "guided", target: "test" });
    for (let i = 0; i < 6; i++) session.transcript.recordEvent("connected", `event ${i}`);
    expect(session.currentState).toBe("closed");
    expect(session.transcript.since(0).some((entry) => /BRIDGE_MAX_ENTRIES/.test(entry.raw))).toBe(true);
  });

  it("refuses a session past the maximum, and counts only open ones", async () => {
    const sessions = registry({ maxSessions: 1 });
    const first = new OfflineSession();
    sessions.add(first, { mode: "guided", target: "test" });
    expect(() => sessions.add(new OfflineSession(), { mode: "guided", target: "test" })).toThrow(/maximum of 1 sessions \(BRIDGE_MAX_SESSIONS\)/);
    await first.close();
    expect(() => sessions.add(new OfflineSession(), { mode: "guided", target: "test" })).not.toThrow();
  });

  it("runs a session's cleanup once when it closes", async () => {
    const sessions = registry();
    const session = new OfflineSession();
    let cleanups = 0;
    sessions.add(session, { mode: "guided", target: "test", cleanup: async () => void cleanups++ });
    await session.close();
    await sessions.closeAll();
    expect(cleanups).toBe(1);
  });

  it("only the token the session was opened with authorizes it", () => {
    const sessions = registry();
    const managed = sessions.add(new OfflineSession(), { mode: "guided", target: "test" });
    expect(sessions.authorize(managed.id, managed.token)).toBe(managed);
    expect(sessions.authorize(managed.id, managed.token.slice(1))).toBeNull();
    const lastChanged = `${managed.token.slice(0, -1)}${managed.token.endsWith("x") ? "y" : "x"}`;
    expect(sessions.authorize(managed.id, lastChanged)).toBeNull();
    expect(sessions.authorize("no-such-id", managed.token)).toBeNull();
  });

  it("forgets only what reached the tab: an acknowledgement past it cannot drop unsent entries", async () => {
    const sessions = registry();
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const received: number[] = [];
    sessions.attach(managed, (message) => {
      if (message.op === "entries") received.push(...message.entries.map((entry) => entry.seq));
    }, 0);
    for (let i = 1; i <= 3; i++) session.transcript.recordEvent("connected", `event ${i}`);
    await Promise.resolve();
    expect(received).toEqual([1, 2, 3]);
    session.transcript.recordEvent("connected", "event 4");
    session.transcript.recordEvent("connected", "event 5");
    // A confused or hostile tab acknowledges entries it was never sent.
    sessions.acknowledge(managed, 99);
    await Promise.resolve();
    expect(received).toEqual([1, 2, 3, 4, 5]);
    sessions.acknowledge(managed, 4);
    expect(session.transcript.since(0).map((entry) => entry.seq)).toEqual([5]);
  });

  it("reads its limits from the environment and refuses nonsense", () => {
    expect(limitsFromEnv({ BRIDGE_MAX_SESSIONS: "7" }).maxSessions).toBe(7);
    expect(() => limitsFromEnv({ BRIDGE_MAX_SESSIONS: "lots" })).toThrow(/BRIDGE_MAX_SESSIONS=lots/);
  });
});

describe("SessionRegistry: limits, at their edges", () => {
  it("closes a session when its transcript reaches the entry limit exactly, and asks it once", () => {
    const sessions = registry({ maxEntries: 5 });
    const session = new OfflineSession();
    sessions.add(session, { mode: "guided", target: "test" });
    for (let i = 1; i <= 4; i++) session.transcript.recordEvent("connected", `event ${i}`);
    expect(session.currentState).toBe("online");
    session.transcript.recordEvent("connected", "event 5");
    expect(session.currentState).toBe("closed");
    session.transcript.recordEvent("connected", "after the close");
    expect(session.closeCalls).toBe(1);
  });

  it("accepts a send of exactly BRIDGE_MAX_SEND_CHARS and refuses one more, saying both sizes", () => {
    const sessions = registry({ maxSendChars: 1000 });
    expect(() => sessions.assertSendSize("x".repeat(1000))).not.toThrow();
    expect(() => sessions.assertSendSize("x".repeat(1001))).toThrow(/this text is 1,001 characters, over this playground's limit of 1,000 for one send \(BRIDGE_MAX_SEND_CHARS\)\. Send it in smaller pieces/);
  });

  it("refuses a send past the rate with the settings and when to send again, and allows it once the bucket refilled", () => {
    const sessions = registry({ maxSendsPerSecond: 0.4, sendBurst: 2 });
    const managed = sessions.add(new OfflineSession(), { mode: "raw", target: "test" });
    sessions.takeSend(managed);
    sessions.takeSend(managed);
    expect(() => sessions.takeSend(managed)).toThrow("Too fast: a session may send 0.4 times a second, 2 at once (BRIDGE_MAX_SENDS_PER_SECOND, BRIDGE_SEND_BURST). Nothing was sent; send again in 2.5 s.");
    now += 2500;
    expect(() => sessions.takeSend(managed)).not.toThrow();
  });

  it("says at least 1 s when the next send is allowed sooner", () => {
    const sessions = registry({ maxSendsPerSecond: 10, sendBurst: 1 });
    const managed = sessions.add(new OfflineSession(), { mode: "raw", target: "test" });
    sessions.takeSend(managed);
    expect(() => sessions.takeSend(managed)).toThrow(/send again in 1 s\.$/);
  });

  it("counts idle time from when the session opened, and closes only past the timeout", () => {
    const sessions = registry({ idleTimeoutMs: 1000 });
    now = 5000;
    const session = new OfflineSession();
    sessions.add(session, { mode: "guided", target: "test" });
    now = 6000;
    sessions.sweep();
    expect(session.currentState).toBe("online");
    now = 6001;
    sessions.sweep();
    expect(session.currentState).toBe("closed");
  });

  it("counts detached time from when the tab left, and closes only past the timeout, saying which setting", () => {
    const sessions = registry({ detachedTimeoutMs: 30_000 });
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const tab = () => undefined;
    sessions.attach(managed, tab, 0);
    now = 100_000;
    sessions.detach(managed, tab);
    now = 130_000;
    sessions.sweep();
    expect(session.currentState).toBe("online");
    now = 130_001;
    sessions.sweep();
    expect(session.currentState).toBe("closed");
    expect(session.transcript.since(0).at(-1)?.raw).toBe("closed: no page was attached to this session for 30 s (BRIDGE_DETACHED_TIMEOUT_MS); the bridge closed it");
  });

  it("names a timeout of a minute or more in minutes", () => {
    const sessions = registry({ idleTimeoutMs: 60_000 });
    const session = new OfflineSession();
    sessions.add(session, { mode: "guided", target: "test" });
    now = 60_001;
    sessions.sweep();
    expect(session.transcript.since(0).at(-1)?.raw).toBe("closed: nothing was sent for 1 min (BRIDGE_IDLE_TIMEOUT_MS)");
  });

  it("a tab that attaches again keeps the session: only the current tab's detach counts", async () => {
    const sessions = registry({ detachedTimeoutMs: 500 });
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const oldTab = () => undefined;
    const received: number[] = [];
    const newTab = (message: ServerMessage) => {
      if (message.op === "entries") received.push(...message.entries.map((entry) => entry.seq));
    };
    sessions.attach(managed, oldTab, 0);
    sessions.attach(managed, newTab, 0);
    sessions.detach(managed, oldTab);
    now = 10_000;
    sessions.sweep();
    expect(session.currentState).toBe("online");
    session.transcript.recordEvent("connected", "event 1");
    await Promise.resolve();
    expect(received).toEqual([1]);
  });

  it("keeps a closed session for the detached timeout, so a reloaded page learns how it ended, then forgets it", async () => {
    const sessions = registry({ detachedTimeoutMs: 500 });
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const other = sessions.add(new OfflineSession(), { mode: "guided", target: "test" });
    now = 1000;
    await session.close();
    expect(sessions.openCount).toBe(1);
    now = 1500;
    sessions.sweep();
    expect(sessions.authorize(managed.id, managed.token)).toBe(managed);
    now = 1501;
    sessions.sweep();
    expect(sessions.authorize(managed.id, managed.token)).toBeNull();
    expect(sessions.authorize(other.id, other.token)).toBe(other);
  });

  it("flags an iq request unanswered after BRIDGE_IQ_TIMEOUT_MS when it sweeps, and not before", async () => {
    const patient = registry({ iqTimeoutMs: 3_600_000 });
    const waiting = new OfflineSession();
    patient.add(waiting, { mode: "raw", target: "test" });
    await waiting.send("<iq type='get' id='q1'><ping xmlns='urn:xmpp:ping'/></iq>");
    patient.sweep();
    expect(waiting.transcript.since(0).filter((entry) => entry.code === "unanswered")).toEqual([]);

    const impatient = registry({ iqTimeoutMs: 0 });
    const session = new OfflineSession();
    impatient.add(session, { mode: "raw", target: "test" });
    await session.send("<iq type='get' id='q1'><ping xmlns='urn:xmpp:ping'/></iq>");
    impatient.sweep();
    expect(session.transcript.since(0).filter((entry) => entry.code === "unanswered").map((entry) => entry.pair)).toEqual([1]);
  });

  it("reads every limit from its variable, falls back on an empty one, and refuses zero, negatives and infinity", () => {
    expect(limitsFromEnv({})).toStrictEqual(DEFAULT_LIMITS);
    expect(
      limitsFromEnv({
        BRIDGE_MAX_SESSIONS: "1",
        BRIDGE_IDLE_TIMEOUT_MS: "2",
        BRIDGE_DETACHED_TIMEOUT_MS: "3",
        BRIDGE_MAX_ENTRIES: "4",
        BRIDGE_IQ_TIMEOUT_MS: "5",
        BRIDGE_MAX_STANZA_CHARS: "6",
        BRIDGE_MAX_SEND_CHARS: "7",
        BRIDGE_MAX_SENDS_PER_SECOND: "8",
        BRIDGE_SEND_BURST: "9",
        BRIDGE_ANSWER_WAIT_MS: "10",
      }),
    ).toEqual({ maxSessions: 1, idleTimeoutMs: 2, detachedTimeoutMs: 3, maxEntries: 4, iqTimeoutMs: 5, maxStanzaChars: 6, maxSendChars: 7, maxSendsPerSecond: 8, sendBurst: 9, answerWaitMs: 10 });
    expect(limitsFromEnv({ BRIDGE_MAX_ENTRIES: "" }).maxEntries).toBe(DEFAULT_LIMITS.maxEntries);
    for (const value of ["0", "-1", "Infinity"]) {
      expect(() => limitsFromEnv({ BRIDGE_IQ_TIMEOUT_MS: value })).toThrow(`BRIDGE_IQ_TIMEOUT_MS=${value} is not a positive number`);
    }
  });
});

describe("SessionRegistry: who reaches a session, and what its tab is sent", () => {
  it("a session opened by one browser is not reached from another, nor without the browser cookie", () => {
    const sessions = registry();
    const mine = sessions.add(new OfflineSession(), { mode: "guided", target: "test", owner: "browser-a" });
    expect(sessions.authorize(mine.id, mine.token, "browser-a")).toBe(mine);
    expect(sessions.authorize(mine.id, mine.token, "browser-b")).toBeNull();
    expect(sessions.authorize(mine.id, mine.token)).toBeNull();
    const script = sessions.add(new OfflineSession(), { mode: "guided", target: "test" });
    expect(sessions.authorize(script.id, script.token)).toBe(script);
    expect(sessions.authorize(script.id, script.token, "browser-a")).toBeNull();
  });

  it("sums a session up for its tab: what it dialled, its state, the account and the send limit, and the bound JID once known", () => {
    const sessions = registry({ maxSendChars: 4096 });
    const session = new OfflineSession();
    const account = { jid: "guest-1@localhost", password: "pw" };
    const managed = sessions.add(session, { mode: "raw", target: "raw · plain · 127.0.0.1:5222", account });
    expect(sessions.summary(managed)).toEqual({ sessionId: managed.id, token: managed.token, mode: "raw", target: "raw · plain · 127.0.0.1:5222", state: "online", maxSendChars: 4096, account });
    session.emit("online", { jid: "guest-1@localhost/web", message: "bound" });
    expect(sessions.summary(managed)).toEqual({ sessionId: managed.id, token: managed.token, mode: "raw", target: "raw · plain · 127.0.0.1:5222", state: "online", maxSendChars: 4096, account, jid: "guest-1@localhost/web", message: "bound" });
    const plain = sessions.add(new OfflineSession(), { mode: "guided", target: "t" });
    expect(Object.keys(sessions.summary(plain)).sort()).toEqual(["maxSendChars", "mode", "sessionId", "state", "target", "token"]);
  });

  it("passes state changes on to the attached tab, keeping the bound JID when a later change names none", () => {
    const sessions = registry();
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const messages: ServerMessage[] = [];
    sessions.attach(managed, (message) => messages.push(message), 0);
    session.emit("online", { jid: "alice@localhost/r", message: "bound" });
    session.emit("online", {});
    expect(messages).toEqual([
      { op: "state", sessionId: managed.id, state: "online", jid: "alice@localhost/r", message: "bound" },
      { op: "state", sessionId: managed.id, state: "online" },
    ]);
    expect(managed.jid).toBe("alice@localhost/r");
    expect(managed.message).toBeUndefined();
  });

  it("sends a reattaching tab only what came after the seq it holds, and never skips entries for a seq past the end", async () => {
    const sessions = registry();
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    for (let i = 1; i <= 3; i++) session.transcript.recordEvent("connected", `event ${i}`);
    const batches: number[][] = [];
    const tab = (message: ServerMessage) => {
      if (message.op === "entries") batches.push(message.entries.map((entry) => entry.seq));
    };
    sessions.attach(managed, tab, 1);
    await Promise.resolve();
    expect(batches).toEqual([[2, 3]]);
    // A tab from before a bridge restart holds seqs this transcript never reached.
    sessions.attach(managed, tab, 99);
    await Promise.resolve();
    session.transcript.recordEvent("connected", "event 4");
    await Promise.resolve();
    expect(batches).toEqual([[2, 3], [4]]);
  });

  it("sends what one turn recorded as one message, and nothing when there is nothing new", async () => {
    const sessions = registry();
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const messages: ServerMessage[] = [];
    sessions.attach(managed, (message) => messages.push(message), 0);
    await Promise.resolve();
    expect(messages).toEqual([]);
    for (let i = 1; i <= 3; i++) session.transcript.recordEvent("connected", `event ${i}`);
    await Promise.resolve();
    await Promise.resolve();
    expect(messages.map((message) => (message.op === "entries" ? message.entries.map((entry) => entry.seq) : message.op))).toEqual([[1, 2, 3]]);
  });

  it("sends nothing to a tab that left before the batch went out; the next tab gets it", async () => {
    const sessions = registry();
    const session = new OfflineSession();
    const managed = sessions.add(session, { mode: "guided", target: "test" });
    const left: ServerMessage[] = [];
    const leaving = (message: ServerMessage) => left.push(message);
    sessions.attach(managed, leaving, 0);
    session.transcript.recordEvent("connected", "event 1");
    sessions.detach(managed, leaving);
    await Promise.resolve();
    expect(left).toEqual([]);
    const received: number[] = [];
    sessions.attach(managed, (message) => {
      if (message.op === "entries") received.push(...message.entries.map((entry) => entry.seq));
    }, 0);
    await Promise.resolve();
    expect(received).toEqual([1]);
  });

  it("closes every session and runs each cleanup, even when a cleanup fails", async () => {
    const sessions = registry();
    const first = new OfflineSession();
    const second = new OfflineSession();
    const ran: string[] = [];
    sessions.add(first, { mode: "guided", target: "test", cleanup: async () => void ran.push("first") });
    sessions.add(second, {
      mode: "guided",
      target: "test",
      cleanup: async () => {
        ran.push("second");
        throw new Error("the server is gone");
      },
    });
    await expect(sessions.closeAll()).resolves.toBeUndefined();
    expect([first.currentState, second.currentState]).toEqual(["closed", "closed"]);
    expect(ran.sort()).toEqual(["first", "second"]);
    expect(sessions.openCount).toBe(0);
  });
});

describe("SessionRegistry: its own clock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sweeps every second by itself, with nobody calling sweep", async () => {
    vi.useFakeTimers();
    const sessions = registry({ idleTimeoutMs: 1000 });
    const session = new OfflineSession();
    sessions.add(session, { mode: "guided", target: "test" });
    now = 1500;
    await vi.advanceTimersByTimeAsync(999);
    expect(session.currentState).toBe("online");
    await vi.advanceTimersByTimeAsync(1);
    expect(session.currentState).toBe("closed");
  });

  it("counts a session that changed state without closing as open, and still closes it when idle", () => {
    const sessions = registry({ idleTimeoutMs: 1000 });
    const session = new OfflineSession();
    sessions.add(session, { mode: "guided", target: "test" });
    session.emit("online", { jid: "alice@localhost/r" });
    expect(sessions.openCount).toBe(1);
    now = 1001;
    sessions.sweep();
    expect(session.currentState).toBe("closed");
  });

  describe("a send's done (finishSend)", () => {
    const PING = "<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>";
    const PONG = "<iq type='result' id='p1' from='localhost'/>";
    function attached(limits: Partial<typeof DEFAULT_LIMITS> = {}) {
      const sessions = registry({ answerWaitMs: 60_000, ...limits });
      const session = new OfflineSession();
      const managed = sessions.add(session, { mode: "guided", target: "test" });
      const tab: ServerMessage[] = [];
      const subscriber = (message: ServerMessage) => tab.push(message);
      sessions.attach(managed, subscriber, 0);
      return { sessions, session, managed, tab, subscriber };
    }
    const summaryOf = (messages: ServerMessage[]) => messages.map((message) => (message.op === "entries" ? { entries: message.entries.map((entry) => entry.dir), done: message.done } : message));

    it("rides in the message that carries the send's entry and the answer, for the tab that sent it", async () => {
      const { sessions, session, managed, tab, subscriber } = attached();
      sessions.holdForAnswer(managed);
      await session.send(PING);
      sessions.finishSend(managed, "r1", subscriber);
      expect(tab).toEqual([]);
      session.transcript.record("in", PONG);
      expect(summaryOf(tab)).toEqual([{ entries: ["out", "in"], done: ["r1"] }]);
    });

    it("comes with the send's entry alone when the answer does not come within the wait", async () => {
      vi.useFakeTimers();
      try {
        const { sessions, session, managed, tab, subscriber } = attached({ answerWaitMs: 3 });
        sessions.holdForAnswer(managed);
        await session.send(" ");
        sessions.finishSend(managed, "r1", subscriber);
        vi.advanceTimersByTime(3);
        expect(summaryOf(tab)).toEqual([{ entries: ["out"], done: ["r1"] }]);
      } finally {
        vi.useRealTimers();
      }
    });

    it("goes on its own, after the entries, to a sender that is not the session's tab", async () => {
      const { sessions, session, managed, tab } = attached();
      const other: ServerMessage[] = [];
      sessions.holdForAnswer(managed);
      await session.send(PING);
      sessions.finishSend(managed, "r1", (message) => other.push(message));
      session.transcript.record("in", PONG);
      expect(summaryOf(tab)).toEqual([{ entries: ["out", "in"], done: undefined }]);
      expect(other).toEqual([{ op: "done", ref: "r1" }]);
    });

    it("goes on its own when no entries are left to carry it, and at once when nothing is held", async () => {
      const { sessions, session, managed, tab, subscriber } = attached();
      sessions.holdForAnswer(managed);
      sessions.finishSend(managed, "r1", subscriber);
      session.transcript.record("in", PONG);
      // The answer's entry went out with the done; the send recorded nothing (a held-back auth, say).
      expect(summaryOf(tab)).toEqual([{ entries: ["in"], done: ["r1"] }]);
      sessions.finishSend(managed, "r2", subscriber);
      expect(tab.at(-1)).toEqual({ op: "done", ref: "r2" });
      sessions.holdForAnswer(managed);
      sessions.finishSend(managed, "r3", subscriber);
      sessions.detach(managed, subscriber);
      session.transcript.record("in", PONG);
      expect(tab.at(-1)).toEqual({ op: "done", ref: "r3" });
    });
  });

  describe("a tab whose socket is backed up (Subscriber.backedUp)", () => {
    const seqsOf = (messages: ServerMessage[]) => messages.flatMap((message) => (message.op === "entries" ? message.entries.map((entry) => entry.seq) : []));
    /** A session whose tab takes `room` messages, then stops reading until given room again. */
    function stalling(room: number, limits: Partial<typeof DEFAULT_LIMITS> = {}) {
      const sessions = registry(limits);
      const session = new OfflineSession();
      const managed = sessions.add(session, { mode: "guided", target: "test" });
      const received: ServerMessage[] = [];
      const tab = Object.assign((message: ServerMessage) => void received.push(message), { room, backedUp: () => tab.room <= received.length });
      sessions.attach(managed, tab, 0);
      return { sessions, session, managed, tab, received };
    }

    it("keeps entries in the transcript while the tab does not read, and sends them, in order, when it drains", async () => {
      const { sessions, session, managed, tab, received } = stalling(1);
      session.transcript.recordEvent("connected", "first");
      await Promise.resolve();
      session.transcript.record("in", "<presence/>");
      session.transcript.recordEvent("connected", "third");
      await Promise.resolve();
      // One message went out before the socket backed up; the others wait.
      expect(seqsOf(received)).toEqual([1]);
      expect(managed.sentSeq).toBe(1);
      tab.room = Infinity;
      sessions.resume([managed]);
      expect(seqsOf(received)).toEqual([1, 2, 3]);
      expect(received).toHaveLength(2);
    });

    it("sends a backlog a message at a time, as the tab takes each", async () => {
      const { sessions, session, managed, tab, received } = stalling(1);
      const total = 3 * MAX_ENTRIES_PER_MESSAGE;
      for (let i = 1; i <= total; i++) session.transcript.recordEvent("connected", `event ${i}`);
      await Promise.resolve();
      expect(received).toHaveLength(1);
      tab.room = 2;
      sessions.resume([managed]);
      expect(received).toHaveLength(2);
      tab.room = Infinity;
      sessions.resume([managed]);
      expect(received.map((message) => (message.op === "entries" ? message.entries.length : 0))).toEqual([MAX_ENTRIES_PER_MESSAGE, MAX_ENTRIES_PER_MESSAGE, MAX_ENTRIES_PER_MESSAGE]);
      expect(seqsOf(received)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    });

    it("tells a send it is done only after the entries recorded before it, even when they wait", async () => {
      const { sessions, session, managed, tab, received } = stalling(1);
      session.transcript.recordEvent("connected", "takes the room");
      await Promise.resolve();
      await session.send("<presence/>");
      sessions.finishSend(managed, "r1", tab);
      expect(received).toHaveLength(1);
      tab.room = Infinity;
      sessions.resume([managed]);
      expect(received.at(-1)).toMatchObject({ op: "entries", done: ["r1"] });
      expect(seqsOf(received)).toEqual([1, 2]);
    });

    it("keeps a send that waits for its answer held when the socket drains, so the two still go as one message", async () => {
      const { sessions, session, managed, tab, received } = stalling(Infinity, { answerWaitMs: 60_000 });
      sessions.holdForAnswer(managed);
      await session.send("<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
      sessions.finishSend(managed, "r1", tab);
      sessions.resume([managed]);
      expect(received).toEqual([]);
      session.transcript.record("in", "<iq type='result' id='p1' from='localhost'/>");
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ op: "entries", done: ["r1"] });
      expect(seqsOf(received)).toEqual([1, 2]);
    });

    it("tells a waiting send it is done when its tab detaches, so nothing waits on a socket that is gone", async () => {
      const { sessions, session, managed, tab, received } = stalling(0);
      await session.send("<presence/>");
      sessions.finishSend(managed, "r1", tab);
      expect(received).toEqual([]);
      sessions.detach(managed, tab);
      expect(received).toEqual([{ op: "done", ref: "r1" }]);
    });
  });

  it("defaults to 30 minutes idle, 2 minutes detached, 500 sessions, a million entries and 3 ms waiting for an answer", () => {
    expect(DEFAULT_LIMITS).toStrictEqual({
      maxSessions: 500,
      idleTimeoutMs: 1_800_000,
      detachedTimeoutMs: 120_000,
      maxEntries: 1_000_000,
      iqTimeoutMs: 30_000,
      maxStanzaChars: 1_000_000,
      maxSendChars: 1_000_000,
      maxSendsPerSecond: 20,
      sendBurst: 100,
      answerWaitMs: 3,
    });
  });
});
