"use client";

import styles from "./scripts.module.css";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useRef, useState } from "react";
import { countNoun } from "@/lib/count-noun";
import { ScriptEditor, type ScriptEditorHandle } from "./script-editor";
import { ScriptFiles } from "./script-files";
import { ScriptServerForm } from "./script-server-form";
import { serverProblem, type ScriptServer } from "./script-server";
import { RunLanes } from "./run-lanes";
import { StepList } from "./step-list";
import { useKeptScripts } from "./use-kept-scripts";
import { useParsedScript } from "./use-parsed-script";
import { useScriptRun } from "./use-script-run";

// The comparison carries the XML walker: it loads once there are two runs to compare.
const CompareRuns = dynamic(() => import("./compare-runs").then((module) => module.CompareRuns), { ssr: false, loading: () => <p className="hint">Loading the comparison…</p> });

export interface ExampleScript {
  file: string;
  text: string;
}

/**
 * The scripts page (issue 14): a stanza script in the command line's own format, edited,
 * kept in the browser, shared as a link, and run through the bridge on fresh sessions, step
 * by step or all at once, with the lanes of each account and a verdict beside each step.
 */
export function ScriptsPage({ examples, bundledDomain }: { examples: readonly ExampleScript[]; bundledDomain: string }) {
  const first = examples.find((example) => example.file === "ping.yaml") ?? examples[0] ?? { file: "script.yaml", text: "" };
  const kept = useKeptScripts({ text: first.text, name: first.file });
  const text = kept.current?.text ?? "";
  const file = kept.current ? `${kept.current.title}` : first.file;
  const parsed = useParsedScript(text, file);
  const { view, advance, reset, finished, restoreKept } = useScriptRun();
  // Once the kept script has loaded: the page as it was, unless it opened something new (a link,
  // a file, a recording), which shows by itself and has not run.
  const restored = useRef(false);
  const keptLoaded = kept.current !== null;
  const openedNew = kept.openedFrom !== null;
  useEffect(() => {
    if (restored.current || !keptLoaded) return;
    restored.current = true;
    if (!openedNew) void restoreKept();
  }, [keptLoaded, openedNew, restoreKept]);
  const [server, setServer] = useState<ScriptServer>({ kind: "bundled", transport: "starttls" });
  const [selected, setSelected] = useState<Record<string, number | null>>({});
  const editor = useRef<ScriptEditorHandle>(null);

  const script = parsed.state === "ok" && parsed.current ? parsed.script : null;
  const accountNames = script?.accounts.map((account) => account.name) ?? [];
  const problem = script ? serverProblem(server, accountNames) : null;
  const busy = view.phase === "opening" || view.phase === "running";
  // A run belongs to the text it started with: after an edit its verdicts say nothing.
  const runIsCurrent = view.text === text;
  const paused = view.phase === "paused" && runIsCurrent;
  const canRun = script !== null && problem === null && !busy;

  const run = useCallback(
    (all: boolean) => {
      if (!script || problem !== null) return;
      kept.dismissOpenedFrom();
      void advance(script, text, server, all);
    },
    [script, problem, advance, text, server, kept],
  );

  const showEntry = useCallback((account: string, seq: number) => {
    setSelected((current) => ({ ...current, [account]: seq }));
    requestAnimationFrame(() => {
      const row = document.querySelector<HTMLElement>(`[data-run-account="${CSS.escape(account)}"] [data-seq="${seq}"][data-testid^="entry-"]`);
      row?.scrollIntoView({ block: "nearest" });
      row?.focus();
    });
  }, []);

  // The finished run on view, as the command line writes its JSON report (lib/scripts/report.ts).
  const finishedRun = runIsCurrent ? finished.find((done) => done.runId === view.runId) : undefined;
  const exportReport = async () => {
    if (!finishedRun) return;
    const { toJson } = await import("@/lib/scripts/report");
    const url = URL.createObjectURL(new Blob([toJson(finishedRun.report)], { type: "application/json" }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = `${fileStem(finishedRun.report.scripts[0]?.name ?? "script")}-report.json`;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const nextStep = paused ? (view.current ?? 0) + 1 : 1;
  return (
    <main className={styles.page}>
      <div className={styles.side}>
        <ScriptFiles kept={kept} text={text} title={kept.current?.title ?? ""} examples={examples} disabled={busy} />
        {kept.openedFrom && (
          <p className={styles.opened} role="status" data-testid="script-opened-from">
            Opened from {kept.openedFrom.kind === "link" ? "a link" : kept.openedFrom.kind === "file" ? `the file ${kept.openedFrom.name}` : kept.openedFrom.kind === "record" ? "a recording in the workbench" : `the example ${kept.openedFrom.name}`}. It has not run: read it and check the server below, then press Run.
          </p>
        )}
        {kept.notice && (
          <p className={styles.notice} role="alert">
            {kept.notice}
          </p>
        )}
        <ScriptEditor ref={editor} text={text} onChange={kept.edit} parsed={parsed} onRun={() => canRun && run(true)} loading={kept.current === null} />
        <ScriptServerForm server={server} onChange={setServer} accounts={accountNames} bundledDomain={bundledDomain} disabled={busy || paused} />
        <div className={styles.actions}>
          <button type="button" className="button primary" disabled={!canRun} onClick={() => run(true)} aria-keyshortcuts="Control+Enter">
            {paused ? "Run the rest" : "Run all"}
          </button>
          <button type="button" className="button" disabled={!canRun} onClick={() => run(false)}>
            {script ? `Step ${Math.min(nextStep, script.steps.length)} of ${script.steps.length}` : "Step"}
          </button>
          <button type="button" className="button" disabled={view.phase === "idle"} onClick={() => void reset()}>
            Reset
          </button>
          <button type="button" className="button" disabled={!finishedRun} onClick={() => void exportReport()} title="The run's report in the command line's JSON (npm run script -- compare reads it)">
            Export report (JSON)
          </button>
          <span className="hint" role="status" data-testid="run-status">
            {runStatus(view.phase, view.verdicts, problem)}
          </span>
        </div>
        {view.message && runIsCurrent && (
          <p className={styles.notice} role="alert" data-testid="run-message">
            {view.message}
          </p>
        )}
        {script && <StepList script={script} verdicts={runIsCurrent ? view.verdicts : []} current={runIsCurrent ? view.current : null} running={busy} onShowEntry={showEntry} onGoToLine={(line) => editor.current?.goToLine(line)} />}
        {finished.length >= 2 && <CompareRuns runs={finished} />}
        <p className="hint">
          <a href="/scripts/suite">The compliance suite on ejabberd and Prosody</a>: a table of server × check with the stanzas behind each cell.
        </p>
      </div>
      <RunLanes accounts={view.accounts} target={view.target} selected={selected} onSelect={(account, seq) => setSelected((current) => ({ ...current, [account]: seq }))} />
    </main>
  );
}

function fileStem(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "script";
}

function runStatus(phase: string, verdicts: readonly ({ passed: boolean } | undefined)[], problem: string | null): string {
  if (problem !== null) return problem;
  const done = verdicts.filter((verdict) => verdict !== undefined);
  const passed = done.filter((verdict) => verdict!.passed).length;
  switch (phase) {
    case "opening":
      return "Opening the sessions…";
    case "running":
      return `Running… ${done.length} of ${countNoun(verdicts.length, "step")} done`;
    case "paused":
      return `${passed} of ${countNoun(done.length, "step")} passed so far; the sessions stay open for the next step.`;
    case "done":
      return done.length === 0 ? "" : `${passed} of ${countNoun(verdicts.length, "step")} passed${done.length < verdicts.length ? `, ${verdicts.length - done.length} not run` : ""}. The sessions are closed.`;
    default:
      return "";
  }
}
