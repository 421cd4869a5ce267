"use client";

import Link from "next/link";
import type { LessonVariables } from "@/lib/lessons/variables";
import type { LessonLink, StepData } from "@/lib/lessons/lesson-data";
import { LessonHtml, LessonText } from "./lesson-text";
import { SpecLinks } from "./spec-links";
import { StepHelp, type HelpState } from "./step-help";
import type { StepCheckState } from "./use-step-check";
import { VerdictPlace } from "./verdict-place";
import styles from "./lessons.module.css";

interface StepPanelProps {
  step: StepData;
  index: number;
  count: number;
  variables: LessonVariables | null;
  check: StepCheckState;
  help: HelpState;
  onHelp(help: HelpState): void;
  onSolve(): void;
  onReset(): void;
  /** Null on the last step. */
  onNext: (() => void) | null;
  nextLesson: LessonLink | null;
}

/** The open step: its prose, the live verdict of its check, and help in stages. */
export function StepPanel({ step, index, count, variables, check, help, onHelp, onSolve, onReset, onNext, nextLesson }: StepPanelProps) {
  const state = check.passed ? "passed" : check.attempted && check.result ? "missing" : "waiting";
  const missing = check.result?.missing?.message;
  return (
    <article className={styles.step} aria-labelledby={`step-${step.slug}`}>
      <h2 id={`step-${step.slug}`}>
        <span className="hint">
          Step {index + 1} of {count}
        </span>{" "}
        {step.title}
      </h2>
      <LessonText segments={step.prose} variables={variables} label="Step" />
      <VerdictPlace>
      <div
        className={`${styles.verdict} ${styles[`verdict-${state}`]}`}
        role="status"
        data-testid="step-check"
        data-state={state}
        data-checked-seq={check.checkedSeq}
      >
        {state === "passed" && (
          <>
            <p className={styles.verdictTitle}>✓ Passed: the server&apos;s replies satisfy this step&apos;s check.</p>
            {onNext ? (
              <button type="button" className="button primary" onClick={onNext}>
                Next step
              </button>
            ) : (
              <p>
                Lesson complete.{" "}
                {nextLesson ? (
                  <Link className="button primary" href={`/lessons/${nextLesson.slug}`}>
                    Next lesson: {nextLesson.title}
                  </Link>
                ) : (
                  <Link href="/lessons">Back to the lessons</Link>
                )}
              </p>
            )}
          </>
        )}
        {state === "waiting" && <p className={styles.verdictTitle}>Send when ready: the check runs on every reply from the server.</p>}
        {state === "missing" && (
          <>
            <p className={styles.verdictTitle} data-testid="step-missing" data-missing-index={check.result?.missing?.index}>
              Not yet: {missing}
            </p>
            <LessonHtml html={step.failure} variables={variables} className={styles.failure} />
            {step.specs.length > 0 && (
              <div className={styles.seeAlso}>
                <span className="hint">Read:</span>
                <SpecLinks specs={step.specs} />
              </div>
            )}
          </>
        )}
      </div>
      </VerdictPlace>
      <StepHelp step={step} variables={variables} help={help} onHelp={onHelp} onSolve={onSolve} onReset={onReset} />
    </article>
  );
}
