"use client";

import styles from "./scripts.module.css";
import type { StepVerdict } from "@/lib/scripts/run";
import type { Script } from "@/lib/scripts/types";

/**
 * The script's steps with each one's verdict beside it: passed or failed, the reason, and the
 * entries that decided it, each one click from its row in the lanes.
 */
export function StepList({ script, verdicts, current, running, onShowEntry, onGoToLine }: { script: Script; verdicts: readonly (StepVerdict | undefined)[]; current: number | null; running: boolean; onShowEntry(account: string, seq: number): void; onGoToLine(line: number): void }) {
  const many = script.accounts.length > 1;
  return (
    <ol className={styles.steps} aria-label="Steps">
      {script.steps.map((step, index) => {
        const verdict = verdicts[index];
        const state = verdict ? (verdict.passed ? "passed" : "failed") : running && current === index ? "running" : current === index ? "next" : "not run";
        return (
          <li key={index} className={styles.step} data-testid="script-step" data-state={state}>
            <div className={styles.stepHead}>
              <span className={styles.verdict} data-testid="step-state">
                {state}
              </span>
              <span className={styles.stepName}>
                {index + 1}. {step.name}
              </span>
              <button type="button" className="button small" onClick={() => onGoToLine(step.line)} aria-label={`Go to line ${step.line} of the script`}>
                line {step.line}
              </button>
              {verdict && <span className="hint">{(verdict.durationMs / 1000).toFixed(2)} s</span>}
            </div>
            {verdict?.reason && (
              <p className={styles.reason} data-testid="step-reason">
                {verdict.reason}
              </p>
            )}
            {verdict && verdict.matched.length > 0 && (
              <p className={styles.entries}>
                {verdict.passed ? "Decided by" : "Met so far"}:{" "}
                {verdict.matched.map(({ account, seq }) => (
                  <button key={`${account}-${seq}`} type="button" className={styles.entryLink} data-testid="step-entry-link" data-account={account} data-seq={seq} aria-label={`Show ${account}'s entry ${seq} in the lanes`} onClick={() => onShowEntry(account, seq)}>
                    {many ? `${account} ` : ""}#{seq}
                  </button>
                ))}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
