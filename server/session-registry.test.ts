import { afterEach, describe, expect, it } from "vitest";
import type { SessionState } from "../lib/bridge/protocol";
import { Transcript } from "../lib/xmpp/transcript";
import type { StateListener, XmppSession } from "../lib/xmpp/session";
import { DEFAULT_LIMITS, SessionRegistry, limitsFromEnv } from "./session-registry";

/** A session with a real transcript and no socket: the registry's bookkeeping is under test here. */
class OfflineSession implements XmppSession {
  readonly transcript = new Transcript();
  currentState: SessionState = "online";
  closes = 0;
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
    if (this.currentState === "closed") return;
    this.transcript.recordEvent("closed", `closed: ${reason}`);
    this.closes++;
    this.currentState = "closed";
    for (const listener of this.listeners) listener("closed", { message: "closed" });
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
