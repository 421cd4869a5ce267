"use client";

import dynamic from "next/dynamic";
import type { StepData } from "@/lib/lessons/lesson-data";
import type { LessonVariables } from "@/lib/lessons/variables";
import { LessonHtml } from "./lesson-text";
import { SpecLinks } from "./spec-links";
import type { StepCheckState } from "./use-step-check";
import styles from "./lessons.module.css";

// The details and the diagnosis code (lib/lessons/diagnose.ts) load on the first verdict, after first paint.
const VerdictDetails = dynamic(() => import("./verdict-details"), { ssr: false });

interface StepVerdictProps {
  step: StepData;
  variables: LessonVariables | null;
  check: StepCheckState;
  /** Selects an entry in the lanes (the same selection a click on its row makes). */
  onSelectEntry(seq: number): void;
  /** Null on the last step. */
  onNext: (() => void) | null;
}

/**
 * The live verdict of the step's check. Not yet: what in the learner's own traffic came
 * closest and what differs, the server's refusal, or that this session cannot pass any more;
 * the step's authored explanation below as background. Passed: the entries that did it,
 * and the one thing the step's author wants noticed in them.
 */
export function StepVerdict({ step, variables, check, onSelectEntry, onNext }: StepVerdictProps) {
  const state = check.passed ? "passed" : check.attempted && check.result ? "missing" : "waiting";
  return (
    <div className={`${styles.verdict} ${styles[`verdict-${state}`]}`} role="status" data-testid="step-check" data-state={state} data-checked-seq={check.checkedSeq}>
      {check.unavailable !== null && (
        <p className="error-text" role="alert">
          {check.unavailable}
        </p>
      )}
      {state === "passed" && (
        <>
          <p className={styles.verdictTitle}>✓ Passed: the server&apos;s replies satisfy this step&apos;s check.</p>
          {/* Next step first: from Send, one Tab reaches it; the entries that passed come after. */}
          {onNext ? (
            <button type="button" className="button primary" onClick={onNext}>
              Next step
            </button>
          ) : (
            // The finish screen (lesson-finish.tsx) says what was learned and where to go next.
            <p>Lesson complete: the finish screen after the last step says what you now know.</p>
          )}
          <VerdictDetails step={step} variables={variables} state={check} onSelectEntry={onSelectEntry} />
        </>
      )}
      {state === "waiting" && <p className={styles.verdictTitle}>Send when ready: the check runs on every reply from the server.</p>}
      {state === "missing" && (
        <>
          <p className={styles.verdictTitle} data-testid="step-missing" data-missing-index={check.result?.missing?.index}>
            Not yet: {check.result?.missing?.message}
          </p>
          <VerdictDetails step={step} variables={variables} state={check} onSelectEntry={onSelectEntry} />
          <section aria-label="About this step">
            <p className="hint">About this step</p>
            <LessonHtml html={step.failure} variables={variables} className={styles.failure} />
            {step.specs.length > 0 && (
              <div className={styles.seeAlso}>
                <span className="hint">Read:</span>
                <SpecLinks specs={step.specs} />
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
