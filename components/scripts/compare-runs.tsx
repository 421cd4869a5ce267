"use client";

import { useMemo, useState } from "react";
import { compareReports, type Comparison } from "@/lib/scripts/compare";
import { countNoun } from "@/lib/count-noun";
import { comparable } from "@/lib/scripts/page-report";
import styles from "./scripts.module.css";
import type { FinishedRun } from "./use-script-run";

/**
 * Two runs side by side (issue 14, "Compare"): the same script on two servers, or before and
 * after a change. compare.ts aligns them by step and normalizes what always differs (ids,
 * stamps, resources, the runs' own accounts), so only real differences are listed, each with
 * the raw entries of both sides one click away.
 */
export function CompareRuns({ runs }: { runs: readonly FinishedRun[] }) {
  const [a, setA] = useState<number | null>(null);
  const [b, setB] = useState<number | null>(null);
  const left = runs.find((run) => run.id === a) ?? runs.at(-2);
  const right = runs.find((run) => run.id === b) ?? runs.at(-1);
  const comparison: Comparison | null = useMemo(
    () => (left && right && left !== right ? compareReports({ label: `run ${left.id}`, report: comparable(left.report) }, { label: `run ${right.id}`, report: comparable(right.report) }) : null),
    [left, right],
  );
  const pick = (value: number | undefined, onChange: (id: number) => void, label: string) => (
    <label>
      {label}
      <select value={value ?? ""} onChange={(event) => onChange(Number(event.target.value))}>
        {runs.map((run) => (
          <option key={run.id} value={run.id}>
            {run.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section className={styles.compare} aria-label="Compare two runs">
      <h2 className={styles.compareTitle}>Compare two runs</h2>
      <div className="row">
        {pick(left?.id, setA, "First run")}
        {pick(right?.id, setB, "Second run")}
      </div>
      {comparison === null ? (
        <p className="hint">Pick two different runs.</p>
      ) : (
        <>
          <p data-testid="compare-summary">
            {countNoun(comparison.equalSteps, "step")} equal once normalized (ids, timestamps, resources, the runs&apos; own accounts, feature order), {countNoun(comparison.differences.length, "difference")}.
          </p>
          <ul className={styles.differences}>
            {comparison.differences.map((difference, index) => (
              <li key={index} data-testid="compare-difference">
                <p>
                  <strong>{difference.step ?? difference.script}</strong>: {difference.what}
                </p>
                {difference.a.length + difference.b.length > 0 && (
                  <details>
                    <summary>Raw entries</summary>
                    {(
                      [
                        ["first", difference.a],
                        ["second", difference.b],
                      ] as const
                    ).map(([side, entries]) =>
                      entries.map((entry) => (
                        <pre key={`${side}-${entry.account}-${entry.seq}`} className={styles.raw}>
                          {`${side} run, ${entry.account} #${entry.seq}: ${entry.raw}`}
                        </pre>
                      )),
                    )}
                  </details>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
