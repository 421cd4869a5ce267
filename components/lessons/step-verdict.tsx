"use client";

import Link from "next/link";
import { Fragment } from "react";
import type { LessonLink, StepData } from "@/lib/lessons/lesson-data";
import type { ServerRefusal } from "@/lib/lessons/diagnose";
import type { LessonVariables } from "@/lib/lessons/variables";
import { LessonHtml } from "./lesson-text";
import { SpecLinks } from "./spec-links";
import { useDiagnosis } from "./use-diagnosis";
import type { StepCheckState } from "./use-step-check";
import styles from "./lessons.module.css";
import own from "./step-verdict.module.css";

interface StepVerdictProps {
  step: StepData;
  variables: LessonVariables | null;
  check: StepCheckState;
  /** Selects an entry in the lanes (the same selection a click on its row makes). */
  onSelectEntry(seq: number): void;
  /** Null on the last step. */
  onNext: (() => void) | null;
  nextLesson: LessonLink | null;
}

/**
 * The live verdict of the step's check. Not yet: what in the learner's own traffic came
 * closest and what differs, the server's refusal, or that this session cannot pass any more;
 * the step's authored explanation below as background. Passed: the entries that did it,
 * and the one thing the step's author wants noticed in them.
 */
export function StepVerdict({ step, variables, check, onSelectEntry, onNext, nextLesson }: StepVerdictProps) {
  const state = check.passed ? "passed" : check.attempted && check.result ? "missing" : "waiting";
  const diagnosis = useDiagnosis(step.check, variables, check, state === "missing");
  const link = (seq: number) => <EntryLink key={`#${seq}`} seq={seq} onSelect={onSelectEntry} />;
  const linked = (text: string) => withEntryLinks(text, link);
  const matched = check.result?.passed ? check.result.matched.filter((seq): seq is number => seq !== undefined) : [];
  return (
    <div className={`${styles.verdict} ${styles[`verdict-${state}`]}`} role="status" data-testid="step-check" data-state={state} data-checked-seq={check.checkedSeq}>
      {state === "passed" && (
        <>
          <p className={styles.verdictTitle}>✓ Passed: the server&apos;s replies satisfy this step&apos;s check.</p>
          {matched.length > 0 && (
            <p data-testid="step-matched">
              Passed by {matched.map((seq, index) => <Fragment key={seq}>{index > 0 && ", "}{link(seq)}</Fragment>)}.
            </p>
          )}
          {step.notice && (
            <div className={own.notice} data-testid="step-notice">
              <span className={own.label}>Notice:</span>
              <LessonHtml html={step.notice} variables={variables} className={own.noticeText} />
            </div>
          )}
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
            Not yet: {check.result?.missing?.message}
          </p>
          {diagnosis?.stuck && (
            <p className={own.stuck} data-testid="step-stuck">
              {linked(diagnosis.stuck.text)}
            </p>
          )}
          {diagnosis?.closest && (
            <div data-testid="step-closest" data-seq={diagnosis.closest.seq}>
              <p>
                Closest in your attempt: {link(diagnosis.closest.seq)}
                {diagnosis.closest.differences.length === 0 ? "." : ":"}
              </p>
              <ul className={own.differences}>
                {diagnosis.closest.differences.map((difference) => (
                  <li key={difference}>{linked(difference)}</li>
                ))}
              </ul>
            </div>
          )}
          {diagnosis?.refusal && <Refusal refusal={diagnosis.refusal} link={link} />}
          <section className={own.about} aria-label="About this step">
            <p className={own.label}>About this step</p>
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

/** RFC 6120 section 8.3.2: the condition says what went wrong, the type what to do, the text is for people. */
function Refusal({ refusal, link }: { refusal: ServerRefusal; link(seq: number): React.ReactNode }) {
  return (
    <p className={own.refusal} data-testid="step-refusal">
      The server refused it: {link(refusal.seq)} carries <code>&lt;{refusal.condition ?? "?"}/&gt;</code>
      {refusal.type && <> of type <code>{refusal.type}</code></>}
      {refusal.text ? <>, saying “{refusal.text}”.</> : "."}
    </p>
  );
}

function EntryLink({ seq, onSelect }: { seq: number; onSelect(seq: number): void }) {
  return (
    <button
      type="button"
      className={own.entryLink}
      data-testid="entry-link"
      data-seq={seq}
      aria-label={`Show entry ${seq} in the lanes`}
      onClick={() => {
        onSelect(seq);
        // The lanes select it; bring its row into view too (the lanes render short transcripts whole).
        requestAnimationFrame(() => document.querySelector(`[data-seq="${seq}"][data-testid^="entry-"]`)?.scrollIntoView({ block: "nearest" }));
      }}
    >
      #{seq}
    </button>
  );
}

/** Turns each "#12" in a sentence into a link to that entry. */
function withEntryLinks(text: string, link: (seq: number) => React.ReactNode): React.ReactNode[] {
  return text.split(/(#\d+)/).map((part, index) => (/^#\d+$/.test(part) ? link(Number(part.slice(1))) : <Fragment key={index}>{part}</Fragment>));
}
