import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { DEFAULT_MAX_SEND_CHARS, DEFAULT_SEND_RATE, type SessionMode, type SessionSummary, type ServerMessage } from "../lib/bridge/protocol";
import type { XmppSession } from "../lib/xmpp/session";
import { TokenBucket } from "./send-rate";

export interface RegistryLimits {
  /** Sessions one bridge process holds at most. */
  maxSessions: number;
  /** A session nobody sent anything on for this long is closed. */
  idleTimeoutMs: number;
  /** A session no tab is attached to for this long is closed. */
  detachedTimeoutMs: number;
  /** Entries one transcript holds at most; the session closes when it is full. */
  maxEntries: number;
  /** An iq request without an answer after this long is flagged. */
  iqTimeoutMs: number;
  /** The longest top-level element a server may send (characters); past it the stream is refused. */
  maxStanzaChars: number;
  /** The most characters one send from a tab may carry. */
  maxSendChars: number;
  /** Sends one session may make a second on average (token bucket), and at most at once. */
  maxSendsPerSecond: number;
  sendBurst: number;
  /** How long a tab's send waits for the server's answer before its own entry goes out alone (holdForAnswer). */
  answerWaitMs: number;
}

export const DEFAULT_LIMITS: RegistryLimits = {
  maxSessions: 500,
  idleTimeoutMs: 30 * 60_000,
  detachedTimeoutMs: 2 * 60_000,
  maxEntries: 1_000_000,
  iqTimeoutMs: 30_000,
  maxStanzaChars: 1_000_000,
  maxSendChars: DEFAULT_MAX_SEND_CHARS,
  // A person sends a few stanzas a second at most; a replay or a script gets bursts.
  maxSendsPerSecond: DEFAULT_SEND_RATE.perSecond,
  sendBurst: DEFAULT_SEND_RATE.burst,
  // A server on this machine answers in a fraction of a millisecond; one far away is not waited for.
  answerWaitMs: 3,
};

/** Where a session's messages go: the tab attached to it. */
export interface Subscriber {
  (message: ServerMessage): void;
  /**
   * True while the tab's socket already holds more than it should of what it has not taken (a
   * tab paused in a debugger or frozen in the background stops reading, and Chromium then stops
   * reading its socket). Entries then wait in the transcript, which keeps them until the tab
   * acknowledges them anyway, rather than as a second copy in the socket's buffer, and go out
   * when the bridge calls `resume` (the socket drained).
   */
  backedUp?(): boolean;
}

/** A tab's send whose `done` is still to go to `sender`. */
interface SendToFinish {
  ref: string;
  sender: Subscriber;
}

export interface ManagedSession {
  readonly id: string;
  readonly token: string;
  readonly mode: SessionMode;
  readonly target: string;
  readonly session: XmppSession;
  readonly account?: { jid: string; password: string };
  /** The browser that opened it (server/browser-id.ts); null for scripts without the cookie. */
  readonly owner: string | null;
  jid?: string;
  message?: string;
  lastActivity: number;
  detachedSince: number | null;
  closedAt: number | null;
  subscriber: Subscriber | null;
  /** Entries up to this seq have reached the current subscriber. */
  sentSeq: number;
  flushScheduled: boolean;
  /** Set while a tab's send waits for the server's answer (holdForAnswer), with the sends to complete then. */
  answerWait: { timer: NodeJS.Timeout; done: SendToFinish[] } | null;
  /** Sends of the current subscriber whose `done` waits for entries a backed-up tab has not had yet. */
  doneAfterEntries: SendToFinish[];
  /** Runs once when the session ends, such as removing a disposable account. */
  cleanup?: () => Promise<void>;
  readonly sends: TokenBucket;
}

/**
 * Every live session of this process, by an unguessable id. A tab reaches a session only
 * with the token it got when opening it, so ids seen elsewhere are not enough.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, ManagedSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly limits: RegistryLimits = DEFAULT_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  /** Sessions with a live connection (closed ones linger a while for reattaching tabs). */
  get openCount(): number {
    let open = 0;
    for (const managed of this.sessions.values()) if (managed.closedAt === null) open++;
    return open;
  }

  /** Throws when the process already holds its maximum, with a message saying so. */
  assertRoom(): void {
    if (this.openCount >= this.limits.maxSessions) {
      throw new Error(`This playground server already holds its maximum of ${this.limits.maxSessions} sessions (BRIDGE_MAX_SESSIONS). Close another session or try again later.`);
    }
  }

  /** Throws when one send is over the size limit, with a message saying what to do. */
  assertSendSize(xml: string): void {
    const limit = this.limits.maxSendChars;
    if (xml.length > limit) {
      throw new Error(`Not sent: this text is ${xml.length.toLocaleString("en-US")} characters, over this playground's limit of ${limit.toLocaleString("en-US")} for one send (BRIDGE_MAX_SEND_CHARS). Send it in smaller pieces, one stanza at a time, or ask the operator to raise BRIDGE_MAX_SEND_CHARS.`);
    }
  }

  add(session: XmppSession, details: { mode: SessionMode; target: string; owner?: string | null; account?: { jid: string; password: string }; cleanup?: () => Promise<void> }): ManagedSession {
    this.assertRoom();
    const managed: ManagedSession = {
      id: randomUUID(),
      token: randomBytes(24).toString("base64url"),
      mode: details.mode,
      target: details.target,
      owner: details.owner ?? null,
      session,
      ...(details.account ? { account: details.account } : {}),
      ...(details.cleanup ? { cleanup: details.cleanup } : {}),
      lastActivity: this.clock(),
      detachedSince: null,
      closedAt: null,
      subscriber: null,
      sentSeq: 0,
      flushScheduled: false,
      answerWait: null,
      doneAfterEntries: [],
      sends: new TokenBucket(this.limits.maxSendsPerSecond, this.limits.sendBurst, this.clock),
    };
    this.sessions.set(managed.id, managed);
    // A read's entries go out as soon as they are recorded: the client library's own
    // handling of the same bytes (its parser, its middleware) comes after, not before.
    session.transcript.onRecorded((dir) => {
      if (managed.answerWait === null) this.flush(managed);
      else if (dir === "in") this.releaseAnswerWait(managed);
    });
    session.transcript.onEntry(() => {
      this.scheduleFlush(managed);
      if (session.transcript.lastSeq >= this.limits.maxEntries && session.currentState !== "closed") {
        void session.close(`this session reached its limit of ${this.limits.maxEntries} entries (BRIDGE_MAX_ENTRIES); export it and start a new one`);
      }
    });
    session.onState((state, detail) => {
      if (detail.jid) managed.jid = detail.jid;
      managed.message = detail.message;
      managed.subscriber?.({ op: "state", sessionId: managed.id, state, ...detail });
      if (state === "closed") {
        managed.closedAt = this.clock();
        void this.runCleanup(managed);
      }
    });
    return managed;
  }

  /** The session, if `token` is the one it was opened with, from the browser that opened it. */
  authorize(id: string, token: string, owner: string | null = null): ManagedSession | null {
    const managed = this.sessions.get(id);
    if (managed === undefined || managed.owner !== owner) return null;
    const expected = Buffer.from(managed.token);
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given) ? managed : null;
  }

  /** Points the session's output at a tab, resending what came after `afterSeq`. */
  attach(managed: ManagedSession, subscriber: Subscriber, afterSeq: number): void {
    this.finishWaitingSends(managed);
    managed.subscriber = subscriber;
    managed.detachedSince = null;
    managed.sentSeq = Math.max(0, Math.min(afterSeq, managed.session.transcript.lastSeq));
    this.scheduleFlush(managed);
  }

  detach(managed: ManagedSession, subscriber: Subscriber): void {
    if (managed.subscriber !== subscriber) return;
    this.finishWaitingSends(managed);
    managed.subscriber = null;
    managed.detachedSince = this.clock();
  }

  /**
   * The tab stored the entries up to `seq` in its browser: the bridge keeps only what came
   * after, so its memory follows what is in flight rather than the whole history.
   */
  acknowledge(managed: ManagedSession, seq: number): void {
    managed.session.transcript.forgetThrough(Math.min(seq, managed.sentSeq));
  }

  touch(managed: ManagedSession): void {
    managed.lastActivity = this.clock();
  }

  /** Throws, with a message saying which variables set the limit, when the session sends too fast. */
  takeSend(managed: ManagedSession): void {
    const taken = managed.sends.take();
    if (taken.ok) return;
    const { maxSendsPerSecond, sendBurst } = this.limits;
    throw new Error(`Too fast: a session may send ${maxSendsPerSecond} times a second, ${sendBurst} at once (BRIDGE_MAX_SENDS_PER_SECOND, BRIDGE_SEND_BURST). Nothing was sent; send again in ${Math.max(1, Math.ceil(taken.retryInMs / 100) / 10)} s.`);
  }

  summary(managed: ManagedSession): SessionSummary {
    return {
      sessionId: managed.id,
      token: managed.token,
      mode: managed.mode,
      target: managed.target,
      state: managed.session.currentState,
      maxSendChars: this.limits.maxSendChars,
      ...(managed.jid ? { jid: managed.jid } : {}),
      ...(managed.message ? { message: managed.message } : {}),
      ...(managed.account ? { account: managed.account } : {}),
    };
  }

  /** Closes every session and waits for their cleanup (disposable accounts removed). */
  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all(
      [...this.sessions.values()].map(async (managed) => {
        await managed.session.close();
        await this.runCleanup(managed);
      }),
    );
  }

  /** Ends idle and abandoned sessions; flags unanswered iq requests. */
  sweep(): void {
    const now = this.clock();
    for (const managed of this.sessions.values()) {
      const { session } = managed;
      if (managed.closedAt !== null) {
        // Kept a while so a reloaded page can still fetch how it ended.
        if (now - managed.closedAt > this.limits.detachedTimeoutMs) this.sessions.delete(managed.id);
        continue;
      }
      session.transcript.flagUnanswered(this.limits.iqTimeoutMs);
      if (now - managed.lastActivity > this.limits.idleTimeoutMs) {
        void session.close(`nothing was sent for ${minutes(this.limits.idleTimeoutMs)} (BRIDGE_IDLE_TIMEOUT_MS)`);
      } else if (managed.detachedSince !== null && now - managed.detachedSince > this.limits.detachedTimeoutMs) {
        // Said by the session's closing event itself: whatever the server answers to our </stream:stream>.
        void session.close(`no page was attached to this session for ${minutes(this.limits.detachedTimeoutMs)} (BRIDGE_DETACHED_TIMEOUT_MS); the bridge closed it`);
      }
    }
  }

  /**
   * Entries reach the tab in batches: everything recorded while handling one socket read
   * goes out as one message, right after that read (onRecorded), or for entries recorded
   * otherwise (events), in a microtask, not a later turn.
   */
  private scheduleFlush(managed: ManagedSession): void {
    if (managed.flushScheduled || managed.subscriber === null || managed.answerWait !== null) return;
    managed.flushScheduled = true;
    queueMicrotask(() => {
      managed.flushScheduled = false;
      // A send may have started waiting for its answer since: its release flushes these too.
      if (managed.answerWait === null) this.flush(managed);
    });
  }

  /**
   * What a tab sends waits up to limits.answerWaitMs for the server's first answer before its
   * own entry goes out: the two then reach the tab as one message, with the send's `done` in it
   * (finishSend). Each message a tab gets costs Chromium about 0.3 ms of the round trip
   * (issue 17: the sent entry and `done` were 0.5-0.8 ms of a 1.4 ms gap).
   */
  holdForAnswer(managed: ManagedSession): void {
    if (managed.answerWait !== null) return;
    managed.answerWait = { timer: setTimeout(() => this.releaseAnswerWait(managed), this.limits.answerWaitMs), done: [] };
  }

  /**
   * Tells `sender` its send is complete, after the entries the session recorded before it: in
   * the message that carries the last of them when the sender is the session's tab (with the
   * answer's, when the wait is on), otherwise as a `done` of its own.
   */
  finishSend(managed: ManagedSession, ref: string, sender: Subscriber): void {
    if (managed.answerWait !== null) {
      managed.answerWait.done.push({ ref, sender });
      return;
    }
    if (sender !== managed.subscriber) {
      sender({ op: "done", ref });
      return;
    }
    managed.doneAfterEntries.push({ ref, sender });
    this.flush(managed);
  }

  /** The tab's socket drained: what waited for it goes out, session by session, until it backs up again. */
  resume(sessions: Iterable<ManagedSession>): void {
    // A send waiting for its answer goes out with it (holdForAnswer), as at any other time.
    for (const managed of sessions) if (managed.answerWait === null) this.flush(managed);
  }

  /** Ends the wait for an answer now: what it held goes to the tab (holdForAnswer). */
  releaseAnswerWait(managed: ManagedSession): void {
    const wait = managed.answerWait;
    if (wait === null) return;
    clearTimeout(wait.timer);
    managed.answerWait = null;
    for (const send of wait.done) {
      if (send.sender === managed.subscriber) managed.doneAfterEntries.push(send);
      else send.sender({ op: "done", ref: send.ref });
    }
    this.flush(managed);
  }

  /**
   * Sends the subscriber what it has not had yet, with the `done` refs waiting for those entries
   * in the last message (or alone, when no entry is left to carry them). A backlog (a reattach
   * after a long drop) goes in messages of at most MAX_ENTRIES_PER_MESSAGE, each a task of its
   * own in the page; while the tab's socket is backed up, the rest waits for `resume`.
   */
  private flush(managed: ManagedSession): void {
    const subscriber = managed.subscriber;
    if (subscriber === null) return;
    const transcript = managed.session.transcript;
    for (;;) {
      // Checked before the entries are even copied: a stalled tab's backlog grows with each read.
      if (subscriber.backedUp?.() === true) return;
      const part = transcript.since(managed.sentSeq, MAX_ENTRIES_PER_MESSAGE);
      if (part.length === 0) break;
      managed.sentSeq = part.at(-1)!.seq;
      const done = managed.sentSeq === transcript.lastSeq ? this.takeDone(managed) : [];
      subscriber(done.length > 0 ? { op: "entries", sessionId: managed.id, entries: part, done } : { op: "entries", sessionId: managed.id, entries: part });
    }
    for (const ref of this.takeDone(managed)) subscriber({ op: "done", ref });
  }

  private takeDone(managed: ManagedSession): string[] {
    const refs = managed.doneAfterEntries.map((send) => send.ref);
    managed.doneAfterEntries = [];
    return refs;
  }

  /** The subscriber changes: its sends still waiting for entries are told they are done now. */
  private finishWaitingSends(managed: ManagedSession): void {
    for (const { ref, sender } of managed.doneAfterEntries) sender({ op: "done", ref });
    managed.doneAfterEntries = [];
  }

  private async runCleanup(managed: ManagedSession): Promise<void> {
    const cleanup = managed.cleanup;
    if (cleanup === undefined) return;
    delete managed.cleanup;
    await cleanup().catch(() => undefined);
  }
}

/**
 * Entries in one message to a tab. The page takes each message in one task (parse, store,
 * lanes): a reattach's backlog of 30,000 flood entries is a 14 MB message whose JSON.parse
 * alone took 90-160 ms (V8, measured in Node). In the workbench reloaded with half a million
 * entries still in the bridge, messages of 2,000 came every 54-56 ms (the page's task for each,
 * often over 50 ms) and of 1,000 every 25-27 ms, the whole backlog as fast either way.
 */
export const MAX_ENTRIES_PER_MESSAGE = 1_000;

function minutes(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

export function limitsFromEnv(env: Record<string, string | undefined> = process.env): RegistryLimits {
  const number = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name}=${value} is not a positive number`);
    return parsed;
  };
  return {
    maxSessions: number("BRIDGE_MAX_SESSIONS", DEFAULT_LIMITS.maxSessions),
    idleTimeoutMs: number("BRIDGE_IDLE_TIMEOUT_MS", DEFAULT_LIMITS.idleTimeoutMs),
    detachedTimeoutMs: number("BRIDGE_DETACHED_TIMEOUT_MS", DEFAULT_LIMITS.detachedTimeoutMs),
    maxEntries: number("BRIDGE_MAX_ENTRIES", DEFAULT_LIMITS.maxEntries),
    iqTimeoutMs: number("BRIDGE_IQ_TIMEOUT_MS", DEFAULT_LIMITS.iqTimeoutMs),
    maxStanzaChars: number("BRIDGE_MAX_STANZA_CHARS", DEFAULT_LIMITS.maxStanzaChars),
    maxSendChars: number("BRIDGE_MAX_SEND_CHARS", DEFAULT_LIMITS.maxSendChars),
    maxSendsPerSecond: number("BRIDGE_MAX_SENDS_PER_SECOND", DEFAULT_LIMITS.maxSendsPerSecond),
    sendBurst: number("BRIDGE_SEND_BURST", DEFAULT_LIMITS.sendBurst),
    answerWaitMs: number("BRIDGE_ANSWER_WAIT_MS", DEFAULT_LIMITS.answerWaitMs),
  };
}
