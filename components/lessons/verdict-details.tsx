"use client";

import { Fragment, useMemo } from "react";
import { diagnoseStep, type ServerRefusal } from "@/lib/lessons/diagnose";
import type { StepData } from "@/lib/lessons/lesson-data";
import { expandPlainText, type LessonVariables } from "@/lib/lessons/variables";
import { EntryLink, withEntryLinks } from "./entry-link";
import type { StepCheckState } from "./use-step-check";
import styles from "./step-verdict.module.css";

export interface VerdictDetailsProps {
  step: StepData;
  variables: LessonVariables | null;
  state: StepCheckState;
  onSelectEntry(seq: number): void;
}

/**
 * The details under a verdict, loaded by StepVerdict (with lib/lessons/diagnose.ts) only once
 * a step is passed or not yet passed after an attempt: the lesson page's first paint, close to
 * its 200 KB budget, does not carry them.
 */
export default function VerdictDetails(props: VerdictDetailsProps) {
  return props.state.passed ? <PassDetails {...props} /> : <DiagnosisView {...props} />;
}

/** A pass that teaches: the entries that met the check, and the one thing to notice in them. */
function PassDetails({ step, variables, state, onSelectEntry }: VerdictDetailsProps) {
  const matched = state.result?.passed ? state.result.matched.filter((seq): seq is number => seq !== undefined) : [];
  return (
    <>
      {matched.length > 0 && (
        <p data-testid="step-matched">
          Passed by{" "}
          {matched.map((seq, index) => (
            <Fragment key={seq}>
              {index > 0 && ", "}
              <EntryLink seq={seq} onSelect={onSelectEntry} />
            </Fragment>
          ))}
          .
        </p>
      )}
      {step.notice && (
        <div className={styles.notice} data-testid="step-notice">
          <span className={styles.label}>Notice:</span>
          <span>{variables ? withCode(expandPlainText(step.notice, variables, () => "")) : step.notice}</span>
        </div>
      )}
    </>
  );
}

/**
 * What in the learner's own attempt came closest to the step's first unmet expectation and
 * what differs, the server's refusal, or that this session cannot pass any more.
 */
function DiagnosisView({ step: { check }, variables, state, onSelectEntry }: VerdictDetailsProps) {
  const { result, window, entries } = state;
  const diagnosis = useMemo(
    () => (result === null || variables === null ? null : diagnoseStep({ check, session: entries, window, variables, result })),
    [check, variables, result, window, entries],
  );
  if (diagnosis === null) return null;
  const { stuck, closest, refusal } = diagnosis;
  return (
    <>
      {stuck && (
        <p className={styles.stuck} data-testid="step-stuck">
          {withEntryLinks(stuck.text, onSelectEntry)}
        </p>
      )}
      {closest && (
        <div data-testid="step-closest" data-seq={closest.seq}>
          <p>
            Closest in your attempt: <EntryLink seq={closest.seq} onSelect={onSelectEntry} />
            {closest.differences.length === 0 ? "." : ":"}
          </p>
          <ul className={styles.differences}>
            {closest.differences.map((difference) => (
              <li key={difference}>{withEntryLinks(difference, onSelectEntry)}</li>
            ))}
          </ul>
        </div>
      )}
      {refusal && <Refusal refusal={refusal} onSelectEntry={onSelectEntry} />}
    </>
  );
}

/** RFC 6120 section 8.3.2: the condition says what went wrong, the type what to do, the text is for people. */
function Refusal({ refusal, onSelectEntry }: { refusal: ServerRefusal; onSelectEntry(seq: number): void }) {
  return (
    <p className={styles.refusal} data-testid="step-refusal">
      The server refused it: <EntryLink seq={refusal.seq} onSelect={onSelectEntry} /> carries <code>&lt;{refusal.condition ?? "?"}/&gt;</code>
      {refusal.type && (
        <>
          {" "}
          of type <code>{refusal.type}</code>
        </>
      )}
      {refusal.text ? <>, saying “{refusal.text}”.</> : "."}
    </p>
  );
}

/** A notice is one sentence of plain text; `backticks` mark code, as in the lesson Markdown. */
function withCode(text: string) {
  return text.split("`").map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : <Fragment key={index}>{part}</Fragment>));
}
