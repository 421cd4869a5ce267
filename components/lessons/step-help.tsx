"use client";

import dynamic from "next/dynamic";
import { describeExpectation } from "@/lib/lessons/describe-expectation";
import type { Expectation } from "@/lib/lessons/types";
import { expandPlainText, type LessonVariables } from "@/lib/lessons/variables";
import type { StepData } from "@/lib/lessons/lesson-data";
import { LessonHtml } from "./lesson-text";
import styles from "./lessons.module.css";

// The diff package loads with the first Solve.
const SolutionDiff = dynamic(() => import("./solution-diff").then((module) => module.SolutionDiff), {
  ssr: false,
  loading: () => <p className="hint">Computing the diff…</p>,
});

/** The check engine words an expectation as what is missing; the goal states it as what is wanted. */
function goalText(expectation: Expectation): string {
  if (expectation.dir === "event") return expectation.event === undefined ? "an event in the transcript." : `an event that starts with "${expectation.event}".`;
  return describeExpectation(expectation).replace(/^(You have not sent|Nothing has arrived yet:) /, "");
}

export interface HelpState {
  hintsShown: number;
  goalShown: boolean;
  solved: boolean;
}

export const NO_HELP: HelpState = { hintsShown: 0, goalShown: false, solved: false };

interface StepHelpProps {
  step: StepData;
  variables: LessonVariables | null;
  help: HelpState;
  onHelp(help: HelpState): void;
  onSolve(): void;
  onReset(): void;
}

/**
 * Help in stages, each unlocked by the one before: hints one at a time, then the goal (the
 * check in words), then the solution with its diff against the starter. Reset is always there.
 */
export function StepHelp({ step, variables, help, onHelp, onSolve, onReset }: StepHelpProps) {
  const moreHints = help.hintsShown < step.hints.length;
  const expand = (text: string) => (variables ? expandPlainText(text, variables, () => "{{id}}") : text);

  return (
    <section className={styles.help} aria-label="Help">
      {help.hintsShown > 0 && (
        <ol className={styles.hints} aria-label="Hints">
          {step.hints.slice(0, help.hintsShown).map((hint, index) => (
            <li key={index}>
              <LessonHtml html={hint} variables={variables} />
            </li>
          ))}
        </ol>
      )}
      {help.goalShown && (
        <div className={styles.goal} data-testid="step-goal">
          <h4>Goal: the check passes when the transcript shows</h4>
          <ol>
            {step.check.map((expectation, index) => (
              <li key={index}>
                <span className={styles.goalDir}>{expectation.dir === "out" ? "you send" : expectation.dir === "in" ? "you receive" : "the session shows"}</span>{" "}
                {expand(goalText(expectation))}
              </li>
            ))}
          </ol>
        </div>
      )}
      {help.solved && <SolutionDiff starter={step.starter} solution={step.solution} />}
      <div className={styles.helpButtons} role="group" aria-label="Help stages">
        <button type="button" className="button small" onClick={() => onHelp({ ...help, hintsShown: help.hintsShown + 1 })} disabled={!moreHints}>
          {help.hintsShown === 0 ? "Hint" : moreHints ? `Next hint (${help.hintsShown + 1} of ${step.hints.length})` : `All ${step.hints.length} hints shown`}
        </button>
        {help.hintsShown > 0 && !help.goalShown && (
          <button type="button" className="button small" onClick={() => onHelp({ ...help, goalShown: true })}>
            Show goal
          </button>
        )}
        {help.goalShown && (
          <button
            type="button"
            className="button small"
            // The workbench marks the step solved once the solution is in the editor (see onSolve).
            onClick={onSolve}
          >
            Solve
          </button>
        )}
        <button type="button" className="button small" onClick={onReset} title="The starter back in the editor; the check watches only what comes next">
          Reset
        </button>
      </div>
    </section>
  );
}
