"use client";

import Link from "next/link";
import { countNoun } from "@/lib/count-noun";
import { lessonToContinue, standingOf } from "@/lib/lessons/progress";
import type { LessonCard } from "@/lib/lessons/lesson-data";
import { ProgressFiles } from "./progress-files";
import { useLessonProgress } from "./use-lesson-progress";
import styles from "./lessons.module.css";

/** The course: every lesson with this browser's progress in it, and where to continue. */
export function LessonIndex({ lessons }: { lessons: readonly LessonCard[] }) {
  const { progress } = useLessonProgress();
  const continueSlug = lessonToContinue(progress, lessons);
  const continueLesson = lessons.find((lesson) => lesson.slug === continueSlug);
  const anyStarted = lessons.some((lesson) => standingOf(progress, lesson).started);
  const totals = lessons.reduce(
    (sum, lesson) => {
      const standing = standingOf(progress, lesson);
      return { passed: sum.passed + standing.passed, total: sum.total + standing.total };
    },
    { passed: 0, total: 0 },
  );

  return (
    <main className={styles.indexPage}>
      <header className={styles.indexHeader}>
        <div>
          <h1>Lessons</h1>
          <p className={styles.lead}>
            {countNoun(lessons.length, "short lesson")}, each checked against the real server: you send the stanzas, the server&apos;s replies decide
            whether a step passes. Every lesson runs on a disposable account of its own.
          </p>
        </div>
        <div className={styles.indexActions}>
          {continueLesson && (
            <Link className="button primary" href={`/lessons/${continueLesson.slug}`} data-testid="continue-lesson">
              {anyStarted ? `Continue: ${continueLesson.title}` : `Start with ${continueLesson.title}`}
            </Link>
          )}
          <p className="hint" data-testid="course-progress">
            {totals.passed} of {totals.total} steps passed in this browser
          </p>
          <ProgressFiles />
        </div>
      </header>
      {lessons.length === 0 ? (
        <p>No lessons yet: add a folder to lessons/ (see lessons/README.md).</p>
      ) : (
        <ol className={styles.cards} aria-label="Lessons">
          {lessons.map((lesson) => {
            const standing = standingOf(progress, lesson);
            const percent = standing.total === 0 ? 0 : Math.round((standing.passed / standing.total) * 100);
            return (
              <li key={lesson.slug} className={`${styles.card} ${standing.done ? styles.done : ""}`} data-testid={`lesson-card-${lesson.slug}`}>
                <span className={styles.cardNumber} aria-hidden="true">
                  {String(lesson.number).padStart(2, "0")}
                </span>
                <div className={styles.cardBody}>
                  <h2>
                    <Link href={`/lessons/${lesson.slug}`}>{lesson.title}</Link>
                  </h2>
                  <p>{lesson.summary}</p>
                  <p className={styles.cardMeta}>
                    <span className={styles.badge}>{lesson.mode === "raw" ? "raw stream" : "guided"}</span>
                    {lesson.peer === "scripted" && <span className={styles.badge}>scripted peer</span>}
                    <span className="hint">{lesson.steps.length} steps</span>
                  </p>
                </div>
                <div className={styles.cardProgress}>
                  <progress max={standing.total} value={standing.passed} aria-label={`${lesson.title}: ${standing.passed} of ${standing.total} steps passed`} />
                  <span data-testid="lesson-progress">{standing.done ? "Done ✓" : `${standing.passed} of ${standing.total} · ${percent}%`}</span>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </main>
  );
}
