"use client";

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { bridgeOfThisTab, type SessionEvents } from "@/lib/bridge/client";
import type { OpenRequest, SessionState } from "@/lib/bridge/protocol";
import type { RunReport } from "@/lib/scripts/report";
import type { ScriptSession, StepVerdict, Stepper } from "@/lib/scripts/run";
import type { Script } from "@/lib/scripts/types";
import { TranscriptStore } from "@/lib/transcript/transcript-store";
import type { TranscriptEntry } from "@/lib/xmpp/entry";
import { KEPT_RUNS } from "@/lib/persistence/script-library";
import type { ScriptServer } from "./script-server";
import { loadKeptRuns, useRunKeeper } from "./use-kept-runs";

/**
 * A script run in the page: one bridge session per account (the browser speaks only the
 * bridge's protocol, never XMPP), each with its transcript in a TranscriptStore the lanes
 * show live, and the one engine (lib/scripts/run.ts on lib/lessons/check.ts) driving them,
 * all steps at once or one step per press.
 */

export type RunPhase = "idle" | "opening" | "running" | "paused" | "done";

export interface RunAccount {
  name: string;
  jid: string | null;
  state: SessionState;
  store: TranscriptStore;
}

export interface RunView {
  /** When the run began (epoch ms): its key among the kept runs (use-kept-runs.ts). */
  runId: number | null;
  phase: RunPhase;
  /** The text of the script this run belongs to: an edit starts a new run. */
  text: string | null;
  /** What the sessions dialled, in words, once open. */
  target: string | null;
  accounts: RunAccount[];
  verdicts: (StepVerdict | undefined)[];
  /** The step running now. */
  current: number | null;
  /** Why the run stopped before its steps (a session that did not open, a feature not offered). */
  message: string | null;
}

type Action =
  | { type: "opening"; runId: number; text: string; accounts: RunAccount[]; steps: number }
  | { type: "account"; name: string; jid?: string; state: SessionState }
  | { type: "target"; target: string }
  | { type: "phase"; phase: RunPhase; current?: number | null; message?: string }
  | { type: "verdict"; index: number; verdict: StepVerdict }
  | { type: "reset" }
  | { type: "restore"; view: RunView };

const INITIAL: RunView = { runId: null, phase: "idle", text: null, target: null, accounts: [], verdicts: [], current: null, message: null };

function reducer(view: RunView, action: Action): RunView {
  switch (action.type) {
    case "opening":
      return { ...INITIAL, runId: action.runId, phase: "opening", text: action.text, accounts: action.accounts, verdicts: Array.from({ length: action.steps }, () => undefined) };
    case "account":
      return { ...view, accounts: view.accounts.map((account) => (account.name === action.name ? { ...account, state: action.state, jid: action.jid ?? account.jid } : account)) };
    case "target":
      return { ...view, target: action.target };
    case "phase":
      return { ...view, phase: action.phase, current: action.current ?? null, ...(action.message !== undefined ? { message: action.message } : {}) };
    case "verdict":
      return { ...view, verdicts: view.verdicts.map((verdict, index) => (index === action.index ? action.verdict : verdict)) };
    case "reset":
      return INITIAL;
    case "restore":
      // A run begun before the kept one loaded wins.
      return view.phase === "idle" ? action.view : view;
  }
}

const OPEN_TIMEOUT_MS = 20_000;

/** A finished run, as the command line reports one: two of them compare (lib/scripts/compare.ts). */
export interface FinishedRun {
  id: number;
  /** The run's key (RunView.runId). */
  runId: number;
  label: string;
  report: RunReport;
}


interface LiveRun {
  text: string;
  sessionIds: string[];
  stepper: Stepper | null;
  started: number;
  target: string;
  verdicts: StepVerdict[];
  /** Set when the person resets or leaves: the loop stops after the step it is in. */
  cancelled: boolean;
}

export function useScriptRun() {
  const [view, dispatch] = useReducer(reducer, INITIAL);
  const live = useRef<LiveRun | null>(null);
  const [finished, setFinished] = useState<FinishedRun[]>([]);
  useRunKeeper(view, finished);

  /** After a reload: the last run again, and the finished ones to compare (use-kept-runs.ts). */
  const restoreKept = useCallback(async () => {
    const kept = await loadKeptRuns();
    setFinished((runs) => (runs.length > 0 ? runs : kept.finished));
    if (kept.view) dispatch({ type: "restore", view: kept.view });
  }, []);

  const closeSessions = useCallback(async (run: LiveRun) => {
    const ids = run.sessionIds.splice(0);
    // Closing ends each session on the bridge, which then removes its disposable account.
    await Promise.all(ids.map((id) => bridgeOfThisTab().close(id).catch(() => undefined)));
  }, []);

  const reset = useCallback(async () => {
    const run = live.current;
    live.current = null;
    dispatch({ type: "reset" });
    if (run) {
      run.cancelled = true;
      await closeSessions(run);
    }
  }, [closeSessions]);

  // Leaving the page ends the run's sessions (and their fresh accounts).
  useEffect(
    () => () => {
      const run = live.current;
      if (!run) return;
      run.cancelled = true;
      void closeSessions(run);
    },
    [closeSessions],
  );

  /** Opens the sessions and prepares the steps; null when the run cannot start (the view says why). */
  const begin = useCallback(
    async (script: Script, text: string, server: ScriptServer): Promise<LiveRun | null> => {
      const run: LiveRun = { text, sessionIds: [], stepper: null, cancelled: false, started: Date.now(), target: "", verdicts: [] };
      live.current = run;
      const accounts = script.accounts.map(({ name }) => ({ name, jid: null, state: "connecting" as SessionState, store: new TranscriptStore() }));
      dispatch({ type: "opening", runId: run.started, text, accounts, steps: script.steps.length });
      const engine = Promise.all([import("@/lib/scripts/run"), import("@/lib/scripts/start")]);
      const opened = await Promise.allSettled(accounts.map((account) => openAccount(account, server, run, dispatch)));
      const refused = opened.findIndex((result) => result.status === "rejected");
      if (refused >= 0 || run.cancelled) {
        const reason = (opened[refused] as PromiseRejectedResult | undefined)?.reason;
        if (!run.cancelled) dispatch({ type: "phase", phase: "done", message: `${accounts[refused]!.name}'s session did not open: ${reason instanceof Error ? reason.message : String(reason)}` });
        await closeSessions(run);
        return null;
      }
      const sessions = Object.fromEntries(opened.map((result, index) => [accounts[index]!.name, (result as PromiseFulfilledResult<OpenedAccount>).value]));
      run.target = Object.values(sessions)[0]!.target;
      dispatch({ type: "target", target: run.target });
      const [{ stepThrough }, { startRun, pacer }] = await engine;
      const domain = domainOf(Object.values(sessions)[0]!.jid);
      const start = await startRun(script, sessions, domain);
      if ("notOffered" in start) {
        dispatch({ type: "phase", phase: "done", message: `Not offered: ${start.notOffered.missing}. The script needs it, so it did not run (this is no failure).` });
        await closeSessions(run);
        return null;
      }
      run.stepper = stepThrough(
        script,
        Object.fromEntries(Object.entries(sessions).map(([name, account]) => [name, account.session])),
        start.values,
        {
          pace: pacer(),
          onStep: (verdict, index) => {
            run.verdicts[index] = verdict;
            dispatch({ type: "verdict", index, verdict });
          },
        },
      );
      return run;
    },
    [closeSessions],
  );

  /** Runs the next step (`all`: every step left). Starts a new run when none is open for this text. */
  const advance = useCallback(
    async (script: Script, text: string, server: ScriptServer, all: boolean) => {
      let run = live.current;
      if (run && (run.text !== text || run.stepper === null)) {
        await reset();
        run = null;
      }
      run ??= await begin(script, text, server);
      if (!run?.stepper) return;
      const stepper = run.stepper;
      do {
        dispatch({ type: "phase", phase: "running", current: stepper.position });
        await stepper.next();
      } while (all && !run.cancelled && stepper.position < script.steps.length);
      if (run.cancelled) return;
      if (stepper.position < script.steps.length) {
        dispatch({ type: "phase", phase: "paused", current: stepper.position });
        return;
      }
      live.current = null;
      dispatch({ type: "phase", phase: "done" });
      await closeSessions(run);
      const { pageRunReport } = await import("@/lib/scripts/page-report");
      const report = pageRunReport({ server: run.target, script, values: { ...stepper.values }, verdicts: run.verdicts, startedAt: new Date(run.started).toISOString(), durationMs: Date.now() - run.started });
      const passed = run.verdicts.filter((verdict) => verdict.passed).length;
      setFinished((runs) => {
        const id = (runs.at(-1)?.id ?? 0) + 1;
        const label = `run ${id}: ${script.name}, ${run.target.replace(/^guided · /, "")}, ${passed}/${run.verdicts.length} passed, ${new Date(run.started).toLocaleTimeString("en-GB")}`;
        return [...runs, { id, runId: run.started, label, report }].slice(-KEPT_RUNS);
      });
    },
    [begin, reset, closeSessions],
  );

  return { view, advance, reset, finished, restoreKept };
}

interface OpenedAccount {
  session: ScriptSession;
  jid: string;
  target: string;
}

/** One account's session through the bridge, resolved once it is online (bound, initial presence sent). */
async function openAccount(account: RunAccount, server: ScriptServer, run: LiveRun, dispatch: (action: Action) => void): Promise<OpenedAccount> {
  let state: SessionState = "connecting";
  let settle: ((jid: string) => void) | null = null;
  let fail: ((error: Error) => void) | null = null;
  const online = new Promise<string>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const events: SessionEvents = {
    onEntries: (entries) => account.store.append(entries),
    onState: (next, detail) => {
      state = next;
      dispatch({ type: "account", name: account.name, state: next, ...(detail.jid ? { jid: detail.jid } : {}) });
      if (next === "online" && detail.jid) settle?.(detail.jid);
      if (next === "closed") fail?.(new Error(detail.message ?? "the session closed before it was online"));
    },
  };
  const summary = await bridgeOfThisTab().open(openRequest(server, account.name), events);
  run.sessionIds.push(summary.sessionId);
  if (summary.state === "online" && summary.jid) settle!(summary.jid);
  if (summary.state === "closed") fail!(new Error(summary.message ?? "the session closed"));
  const timer = setTimeout(() => fail?.(new Error(`not online after ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS);
  const jid = await online.finally(() => clearTimeout(timer));
  dispatch({ type: "account", name: account.name, state: "online", jid });
  const sessionId = summary.sessionId;
  return {
    jid,
    target: summary.target,
    session: {
      get currentState() {
        return state;
      },
      transcript: { get lastSeq() { return account.store.lastSeq; }, since: (seq) => entriesAfter(account.store.all(), seq) },
      send: (xml) => bridgeOfThisTab().send(sessionId, xml),
    },
  };
}

function openRequest(server: ScriptServer, account: string): Omit<OpenRequest, "op" | "ref"> {
  const common = { mode: "guided" as const, mechanism: "PLAIN" as const, initialPresence: true, transport: server.transport };
  if (server.kind === "bundled") return { ...common, account: { kind: "fresh" } };
  const given = server.accounts[account] ?? { jid: "", password: "" };
  return { ...common, account: { kind: "existing", jid: given.jid, password: given.password }, server: { host: server.host, port: server.port } };
}

/** Entries after `seq`, searched from the end: a step's window is the tail of the transcript. */
function entriesAfter(entries: readonly TranscriptEntry[], seq: number): TranscriptEntry[] {
  let at = entries.length;
  while (at > 0 && entries[at - 1]!.seq > seq) at--;
  return entries.slice(at);
}

function domainOf(jid: string): string {
  return jid.replace(/\/.*$/, "").replace(/^[^@]*@/, "");
}
