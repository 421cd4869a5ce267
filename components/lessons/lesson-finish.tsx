"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { Transport } from "@/lib/bridge/protocol";
import type { LearnedPoint, PageLesson } from "@/lib/lessons/lesson-data";
import type { LessonVariables } from "@/lib/lessons/variables";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import { playgroundDb } from "@/components/workbench/use-browser-storage";
import { adoptSession } from "@/components/workbench/use-xmpp-session";
import { LessonHtml } from "./lesson-text";
import { handOverLessonSession, type LessonSessionView } from "./use-lesson-session";
import styles from "./lesson-finish.module.css";

/** What the lesson taught, from its `learned` route: null while it comes, a string if it could not. */
function useLearned(slug: string): LearnedPoint[] | string | null {
  const [learned, setLearned] = useState<LearnedPoint[] | string | null>(null);
  useEffect(() => {
    let current = true;
    fetch(`/lessons/${encodeURIComponent(slug)}/learned`)
      .then((response) => (response.ok ? (response.json() as Promise<LearnedPoint[]>) : Promise.reject(new Error(`the server answered ${response.status}`))))
      .then((points) => current && setLearned(points))
      .catch((error: unknown) => current && setLearned(`What this lesson taught could not be loaded (${error instanceof Error ? error.message : String(error)}); reload the page to try again. Your progress is kept.`));
    return () => {
      current = false;
    };
  }, [slug]);
  return learned;
}

/** The workbench pane that takes a lesson's session over (components/workbench/workbench.tsx, first account). */
const WORKBENCH_PANE = "a";

interface LessonFinishProps {
  lesson: PageLesson;
  variables: LessonVariables | null;
  view: LessonSessionView;
  store: TranscriptStore;
}

/**
 * The end of a lesson, shown once its last step passes (loaded lazily: the lesson page's
 * first paint does not need it): what the learner now knows, with the sections, the next
 * lesson, and the way into the free workbench with this very session.
 */
export function LessonFinish({ lesson, variables, view, store }: LessonFinishProps) {
  const router = useRouter();
  const ref = useRef<HTMLElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [moving, setMoving] = useState(false);
  const learned = useLearned(lesson.slug);

  // The ending appears below the passed step: bring it into view once, without stealing focus from the editor.
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  }, []);

  async function continueInWorkbench() {
    setProblem(null);
    setMoving(true);
    try {
      await handOver(lesson.slug, lesson.transport, lesson.mode, view, store);
      router.push("/playground");
    } catch (error) {
      setMoving(false);
      setProblem(error instanceof Error ? error.message : String(error));
    }
  }

  const live = view.status === "online";
  const account = `the same account${view.jid ? ` (${view.jid})` : ""}`;
  const company = lesson.peerInRoom && variables !== null ? `, and the room ${variables.room} with the peer still in it` : lesson.peer === "scripted" ? ", and the scripted peer" : "";
  return (
    <section ref={ref} className={styles.finish} aria-labelledby={`finish-${lesson.slug}`} data-testid="lesson-finish">
      <h2 id={`finish-${lesson.slug}`} className={styles.title}>
        Lesson {lesson.number} complete
      </h2>
      <p className={styles.lead}>What you now know:</p>
      {typeof learned === "string" && <p role="alert">{learned}</p>}
      <ul className={styles.learned} aria-label="What you now know" aria-busy={learned === null}>
        {(Array.isArray(learned) ? learned : []).map((point) => (
          <li key={point.html}>
            <LessonHtml html={point.html} variables={variables} className={styles.point} />
            <a className={styles.spec} href={point.spec.url} target="_blank" rel="noopener noreferrer" title={point.spec.title}>
              {point.spec.label}
            </a>
          </li>
        ))}
      </ul>
      <div className={styles.actions}>
        {lesson.next ? (
          <Link className="button primary" href={`/lessons/${lesson.next.slug}`}>
            Next lesson: {lesson.next.number}. {lesson.next.title}
          </Link>
        ) : (
          <Link className="button" href="/lessons">
            Back to the lessons
          </Link>
        )}
        <a
          className={`button ${lesson.next ? "" : "primary"}`}
          href="/playground"
          aria-disabled={moving}
          onClick={(event) => {
            event.preventDefault();
            if (!moving) void continueInWorkbench();
          }}
        >
          Continue in the workbench
        </a>
      </div>
      <p className={`hint ${styles.kept}`} data-testid="finish-kept">
        {live
          ? `The workbench takes over this connection as it is: ${account}, the transcript so far${company}. It stays open until you disconnect there, or send nothing for 30 minutes.`
          : "This session has ended: the workbench shows its transcript, and Connect there starts a new one."}
      </p>
      {problem && (
        <p role="alert" className="error-text">
          {problem}
        </p>
      )}
    </section>
  );
}

/**
 * Moves the session to the workbench: its transcript into this browser's storage under the
 * session's id (what the workbench restores after a reload), then the id and token to the
 * workbench's pane, which reattaches to the live session and receives what came after.
 */
async function handOver(slug: string, transport: Transport, mode: PageLesson["mode"], view: LessonSessionView, store: TranscriptStore): Promise<void> {
  if (view.sessionId === null) throw new Error("This lesson has no session to take to the workbench; open the workbench and connect there.");
  const opened = await playgroundDb();
  if (opened.ok) {
    const meta = { mode, ...(view.jid ? { jid: view.jid } : {}), ...(view.target ? { target: view.target } : {}) };
    const saved = await opened.db.saveEntries(view.sessionId, store.all(), meta);
    // Without storage the bridge still holds the whole transcript and resends it on attach.
    if (!saved.ok && view.status !== "online") throw new Error(saved.message);
  }
  const session = handOverLessonSession(slug);
  if (session === null) throw new Error("This lesson's session is no longer in this tab; open the workbench and connect there.");
  adoptSession(WORKBENCH_PANE, { ...session, transport });
}
