"use client";

import type { LessonVariables } from "@/lib/lessons/variables";
import type { StepData } from "@/lib/lessons/lesson-data";
import { LessonText } from "./lesson-text";
import { StepHelp, type HelpState } from "./step-help";
import { StepVerdict } from "./step-verdict";
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
  /** Selects an entry in the lanes, from a link in the verdict. */
  onSelectEntry(seq: number): void;
  /** Null on the last step. */
  onNext: (() => void) | null;
}

/** The open step: its prose, the live verdict of its check, and help in stages. */
export function StepPanel({ step, index, count, variables, check, help, onHelp, onSolve, onReset, onSelectEntry, onNext }: StepPanelProps) {
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
        <StepVerdict step={step} variables={variables} check={check} onSelectEntry={onSelectEntry} onNext={onNext} />
      </VerdictPlace>
      <StepHelp step={step} variables={variables} help={help} onHelp={onHelp} onSolve={onSolve} onReset={onReset} />
    </article>
  );
}
