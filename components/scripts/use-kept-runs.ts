"use client";

import { useEffect } from "react";
import type { KeptRun } from "@/lib/persistence/script-library";
import { TranscriptStore } from "@/lib/transcript/transcript-store";
import { keptLibrary } from "./use-kept-scripts";
import type { FinishedRun, RunView } from "./use-script-run";

/**
 * A run's transcript and verdicts kept in this browser (the scripts database, beside the kept
 * scripts) while it runs and after, so a reload shows the run again, and the finished runs
 * can still be compared. The bridge masked the secrets before the entries reached the page.
 */

const SAVE_EVERY_MS = 250;

const LEFT_DURING_RUN =
  "The page was left during this run (a reload or a closed tab), which ended its sessions there. The transcript and verdicts below are what the run had got to.";

/** The kept runs: the newest one as the page shows it, and the finished ones to compare. */
export async function loadKeptRuns(): Promise<{ view: RunView | null; finished: FinishedRun[] }> {
  const opened = await keptLibrary();
  if (!opened.ok) return { view: null, finished: [] };
  const runs = await opened.library.runs();
  const finished = runs.flatMap((run) => (run.finished ? [{ ...run.finished, runId: run.id }] : []));
  const last = runs.at(-1);
  return { view: last ? viewOf(last) : null, finished };
}

function viewOf(run: KeptRun): RunView {
  return {
    runId: run.id,
    phase: "done",
    text: run.text,
    target: run.target,
    accounts: run.accounts.map(({ name, jid, state, entries }) => {
      const store = new TranscriptStore();
      store.append(entries);
      return { name, jid, state: run.phase === "done" ? state : "closed", store };
    }),
    verdicts: run.verdicts.map((verdict) => verdict ?? undefined),
    current: null,
    message: run.phase === "done" ? run.message : LEFT_DURING_RUN,
  };
}

function keptRunOf(view: RunView & { runId: number }, finished: FinishedRun | undefined): KeptRun {
  return {
    id: view.runId,
    text: view.text ?? "",
    target: view.target,
    phase: view.phase === "idle" ? "done" : view.phase,
    message: view.message,
    accounts: view.accounts.map(({ name, jid, state, store }) => ({ name, jid, state, entries: store.all().slice() })),
    verdicts: view.verdicts.map((verdict) => verdict ?? null),
    ...(finished ? { finished: { id: finished.id, label: finished.label, report: finished.report } } : {}),
  };
}

/** Saves the run on view every change and, a little later, after new entries arrive. */
export function useRunKeeper(view: RunView, finished: readonly FinishedRun[]): void {
  useEffect(() => {
    const runId = view.runId;
    if (runId === null) return;
    const done = finished.find((run) => run.runId === runId);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const save = () => {
      void keptLibrary().then((opened) => (opened.ok ? opened.library.keepRun(keptRunOf({ ...view, runId }, done)) : undefined));
    };
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = null;
        save();
      }, SAVE_EVERY_MS);
    };
    soon();
    const unsubscribe = view.accounts.map((account) => account.store.subscribe(soon));
    return () => {
      for (const stop of unsubscribe) stop();
      if (timer !== null) {
        clearTimeout(timer);
        save();
      }
    };
  }, [view, finished]);
}
