import { BARRIER_ID_PREFIX, evaluateCheck } from "../../lib/lessons/check";
import { scramExchangeFrom } from "../../lib/lessons/scram-exchange";
import { streamManagementAnswer } from "../../lib/lessons/stream-management";
import type { CheckResult, Lesson, LessonStep } from "../../lib/lessons/types";
import { expandLessonText, type LessonVariables } from "../../lib/lessons/variables";
import type { OpenRequest } from "../../lib/bridge/protocol";
import type { TranscriptEntry } from "../../lib/xmpp/entry";
import type { XmppSession } from "../../lib/xmpp/session";
import { allowlistFrom } from "../../server/allowlist";
import { defaultAllowlist, type BundledServer } from "../../server/config";
import { lessonDetailsOf, openLessonSession } from "../../server/lesson-session";
import type { XmppServerInstance } from "./instances";
import { until } from "../../lib/xmpp/until";

/**
 * Runs lesson steps headless against a real server, with the code the bridge uses for a
 * lesson session (server/lesson-session.ts): a fresh account, the lesson's mode and
 * transport, the scripted peer when asked. The "every step is solvable" test and
 * scripts/try-lesson.ts both drive it.
 *
 * Each step is tried the way the Chromium test does it: on a fresh session, replay the
 * solutions of the steps before it, then send the starter (which must not pass), and
 * again on a fresh session, replay, send the solution (which must pass).
 */

/** How long a solution may take to pass: replies from the server and the peer. */
const PASS_TIMEOUT_MS = 10_000;
/** Before binding there is nothing to ping: wait this long for the server to say something, if it does. */
const UNBOUND_REPLY_MS = 3_000;

export interface StepOutcome {
  /** The check on the step's window right after the starter settled. */
  starter: CheckResult;
  starterWindow: TranscriptEntry[];
  /** The check once the solution passed (or timed out). */
  solution: CheckResult;
  solutionWindow: TranscriptEntry[];
}

export function bundledServerOf(instance: XmppServerInstance): BundledServer {
  const { ports } = instance;
  return { host: instance.host, domain: instance.domain, ports: { starttls: ports.starttls, tls: ports.directTls, plain: ports.plain, websocket: ports.http }, internalTransport: "plain" };
}

/** One lesson session, as a learner's tab would open it. */
export class LessonRun {
  private barriers = 0;
  /** Where the current step's window starts: entries after this seq. */
  private windowStart = 0;

  private constructor(
    readonly lesson: Lesson,
    readonly session: XmppSession,
    readonly variables: LessonVariables,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async open(lesson: Lesson, bundled: BundledServer): Promise<LessonRun> {
    // The same request the lesson page sends (components/lessons/use-lesson-session.ts).
    const request: OpenRequest = {
      op: "open",
      ref: "headless",
      mode: lesson.mode,
      transport: lesson.transport,
      mechanism: "PLAIN",
      initialPresence: lesson.initialPresence !== false,
      account: { kind: "fresh" },
      lesson: { peer: lesson.accounts.peer, ...(lesson.peerInRoom ? { peerInRoom: true } : {}), ...(lesson.otherDevice ? { otherDevice: true } : {}), ...(lesson.streamManagement ? { streamManagement: true } : {}) },
    };
    const opened = await openLessonSession(request, bundled, allowlistFrom(undefined, defaultAllowlist(bundled)));
    const cleanup = opened.cleanup ?? (async () => undefined);
    const details = lessonDetailsOf(opened.session);
    try {
      if (details === undefined) throw new Error("the lesson session gave no variables");
      await opened.session.connect();
    } catch (error) {
      await opened.session.close().catch(() => undefined);
      await cleanup().catch(() => undefined);
      throw error;
    }
    const run = new LessonRun(lesson, opened.session, details.variables, cleanup);
    run.openWindow();
    return run;
  }

  get entries(): TranscriptEntry[] {
    return this.session.transcript.since(0);
  }

  /** The current step's window of the transcript. */
  window(): TranscriptEntry[] {
    return this.session.transcript.since(this.windowStart);
  }

  /** Starts a new step's window here, as the page does when a step opens. */
  openWindow(): void {
    this.windowStart = this.session.transcript.lastSeq;
  }

  check(step: LessonStep): CheckResult {
    return evaluateCheck(step.check, this.window(), this.variables, this.entries);
  }

  /** Sends the text as the editor would once loaded: variables filled in, everything in one write. */
  async sendText(text: string): Promise<number> {
    const before = this.session.transcript.lastSeq;
    if (this.session.currentState !== "online") throw new Error(`${this.where()}: the session is closed (${this.closedReason() ?? "no reason given"}), so nothing more can be sent`);
    await this.session.send(expandLessonText(text, this.variables));
    return before;
  }

  /**
   * Waits until the server has answered what was just sent (lessons/README.md, barrier
   * convention): on a bound stream, a ping whose reply the check ignores; before binding,
   * the server's next words, if it has any.
   */
  async settle(sentAfterSeq: number): Promise<void> {
    const transcript = this.session.transcript;
    const closed = () => this.session.currentState === "closed";
    if (this.isBound() && !closed()) {
      const id = `${BARRIER_ID_PREFIX}${++this.barriers}`;
      await this.session.send(`<iq type='get' to='${this.variables.domain}' id='${id}'><ping xmlns='urn:xmpp:ping'/></iq>`);
      await until(() => closed() || transcript.since(sentAfterSeq).some((entry) => entry.dir === "in" && entry.attrs?.id === id), PASS_TIMEOUT_MS);
      return;
    }
    await until(() => closed() || transcript.since(sentAfterSeq).some((entry) => entry.dir === "in" || entry.code === "closed"), UNBOUND_REPLY_MS);
  }

  /** What the learner does before typing a step that has an action (lessons/README.md, `action`). */
  async act(step: LessonStep): Promise<void> {
    if (step.action !== "drop-connection") return;
    if (this.session.reconnect === undefined) throw new Error(`${this.where(step)}: only a raw session can drop its connection`);
    await this.session.reconnect();
  }

  /** Sends a step's solution and waits until its check passes; throws with what is still missing. */
  async solve(step: LessonStep, timeoutMs = PASS_TIMEOUT_MS): Promise<CheckResult> {
    await this.sendText(await this.solutionText(step));
    const passed = await until(() => this.check(step).passed, timeoutMs);
    const result = this.check(step);
    if (!passed) {
      const missing = result.missing ? `check[${result.missing.index}] is missing: ${result.missing.message}` : "the check did not pass";
      throw new Error(`${this.where(step)}: the solution did not pass within ${timeoutMs / 1000} s; ${missing}${this.closedNote()}`);
    }
    return result;
  }

  /** The solution file, or for a calculator step what the page's calculator writes from this session's wire. */
  private async solutionText(step: LessonStep): Promise<string> {
    if (step.calculator === "stream-management") {
      // XEP-0198 §4: h counts what this session received; sendText fills the lesson's variables after.
      const answer = streamManagementAnswer(step.solution, this.entries, this.variables);
      if (!answer.ok) throw new Error(`${this.where(step)}: ${answer.reason}`);
      return answer.text;
    }
    if (step.calculator !== "scram") return step.solution;
    const result = await scramExchangeFrom(this.entries, this.session.transcript.revealSecrets(), this.variables.password);
    if (!result.ok) throw new Error(`${this.where(step)}: the SCRAM calculator cannot answer yet: ${result.reason}`);
    return result.exchange.response;
  }

  async close(): Promise<void> {
    await this.session.close().catch(() => undefined);
    await this.cleanup();
  }

  where(step?: LessonStep): string {
    const lesson = `lesson ${String(this.lesson.number).padStart(2, "0")}-${this.lesson.slug}`;
    return step ? `${lesson} step ${step.number} (${step.slug})` : lesson;
  }

  /** Bound (or resumed, XEP-0198 §5) on the current connection: a barrier ping gets an answer only then. */
  private isBound(): boolean {
    if (this.lesson.mode === "guided") return true;
    const entries = this.session.transcript.since(0);
    const connected = entries.findLast((entry) => entry.code === "connected")?.seq ?? 0;
    return entries.some((entry) => entry.seq > connected && (entry.code === "bound" || (entry.dir === "in" && entry.kind === "sm" && entry.name === "resumed")));
  }

  private closedReason(): string | undefined {
    return this.session.transcript.since(0).findLast((entry) => entry.code === "closed")?.raw;
  }

  private closedNote(): string {
    const reason = this.closedReason();
    return reason ? ` (the session ended: ${reason})` : "";
  }
}

/** Solves steps before `index` on `run`, each until its check passes, and opens the window of step `index`. */
export async function replaySteps(run: LessonRun, index: number): Promise<void> {
  for (const earlier of run.lesson.steps.slice(0, index)) {
    await run.act(earlier);
    await run.solve(earlier).catch((error: unknown) => {
      throw new Error(`replaying the earlier steps: ${error instanceof Error ? error.message : String(error)}`);
    });
    run.openWindow();
  }
}

/**
 * Proves one step: the starter does not pass, the solution does, each on a fresh session
 * after replaying the steps before it. `observe` sees each run before it closes (the CLI prints it).
 */
export async function tryStep(
  lesson: Lesson,
  index: number,
  bundled: BundledServer,
  observe?: (phase: "starter" | "solution", run: LessonRun) => void,
  passTimeoutMs = PASS_TIMEOUT_MS,
): Promise<StepOutcome> {
  const step = lesson.steps[index];
  if (step === undefined) throw new Error(`lesson ${lesson.slug} has no step ${index + 1}`);
  const starterRun = await LessonRun.open(lesson, bundled);
  let starter: CheckResult;
  let starterWindow: TranscriptEntry[];
  try {
    await replaySteps(starterRun, index);
    await starterRun.act(step);
    const sent = await starterRun.sendText(step.starter);
    await starterRun.settle(sent);
    starter = starterRun.check(step);
    starterWindow = starterRun.window();
    observe?.("starter", starterRun);
  } finally {
    await starterRun.close();
  }

  const solutionRun = await LessonRun.open(lesson, bundled);
  try {
    await replaySteps(solutionRun, index);
    await solutionRun.act(step);
    const solution = await solutionRun.solve(step, passTimeoutMs).finally(() => observe?.("solution", solutionRun));
    return { starter, starterWindow, solution, solutionWindow: solutionRun.window() };
  } finally {
    await solutionRun.close();
  }
}
