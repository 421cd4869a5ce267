"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { StanzaEditor, type StanzaEditorHandle } from "@/components/editor/stanza-editor";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { StreamLanes } from "@/components/stream/stream-lanes";
import { SequencePanel } from "@/components/sequence/sequence-panel";
import { useMediaQuery } from "@/components/ui/use-media-query";
import { markStepPassed, openStep, standingOf } from "@/lib/lessons/progress";
import { PLACEHOLDERS, carryVariables, expandLessonText, type LessonVariables } from "@/lib/lessons/variables";
import { ShareLink } from "@/components/files/share-link";
import { useLinkedText } from "@/components/files/use-linked-text";
import { useSendHistory } from "@/components/workbench/use-send-history";
import type { PageLesson } from "@/lib/lessons/lesson-data";
import { replaySolutions } from "./catch-up";
import { checkEngine } from "@/lib/lessons/check-engine";
import { couldNotLoad } from "@/lib/lazy-module";
import { readSavedWindow, saveWindow } from "@/lib/lessons/saved-window";
import { LessonText } from "./lesson-text";
import { SessionPanel } from "./session-panel";
import { SpecLinks } from "./spec-links";
import { StepPanel } from "./step-panel";
import { useLessonProgress } from "./use-lesson-progress";
import { useLessonSession } from "./use-lesson-session";
import { useStepCheck } from "./use-step-check";
import { VerdictHost } from "./verdict-place";
import styles from "./lessons.module.css";

const noSubscription = () => () => undefined;
// The ending loads when the last step passes, not with the page (the lesson pages' JS budget).
// Only the SCRAM lesson's calculator steps need it (and Web Crypto work): off the initial JS.
const ScramCalculator = dynamic(() => import("./scram-calculator").then((module) => module.ScramCalculator), { ssr: false });
const LessonFinish = dynamic(() => import("./lesson-finish").then((module) => module.LessonFinish), { ssr: false });

/** A window where the diagram beside the lanes still leaves them a few rows. */
const DIAGRAM_ROOM = "(min-width: 1400px) and (min-height: 850px)";

/** A lesson: its text and the current step on the left, the editor and the live lanes on the right. */
export function LessonWorkbench({ lesson }: { lesson: PageLesson }) {
  const session = useLessonSession({ slug: lesson.slug, mode: lesson.mode, transport: lesson.transport, peer: lesson.peer, initialPresence: lesson.initialPresence, peerInRoom: lesson.peerInRoom, otherDevice: lesson.otherDevice, streamManagement: lesson.streamManagement });
  const { view, store } = session;
  // The sequence diagram opens by itself where the window leaves the lanes a few rows beside it
  // (e2e/lessons-layout.spec.ts); elsewhere its toggle waits beside Send, taking no row.
  const roomy = useMediaQuery(DIAGRAM_ROOM);
  const [diagramOpen, setDiagramOpen] = useState<boolean | null>(null);
  const showDiagram = diagramOpen ?? roomy;
  const variables = view.variables;
  // While a new session opens its values are not known yet: text keeps the last session's
  // values until the new ones arrive, rather than showing {{names}}.
  const [lastVariables, setLastVariables] = useState<LessonVariables | null>(null);
  if (variables !== null && variables !== lastVariables) setLastVariables(variables);
  const shownVariables = variables ?? lastVariables;
  const { progress, update, storageProblem } = useLessonProgress();
  const standing = standingOf(progress, lesson);
  const passedSteps = new Set(progress.lessons[lesson.slug]?.passed ?? []);

  // The step is chosen once this browser's progress is known (after hydration), then only by the learner:
  // passing a step must not move the page on by itself.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  const [chosenStep, setChosenStep] = useState<string | null>(null);
  if (hydrated && chosenStep === null) setChosenStep(standing.resumeStep ?? lesson.steps[0]!.slug);
  // Remembered as the step open last, so a reload (or Continue on the index) comes back to it.
  useEffect(() => {
    if (chosenStep !== null) update((current) => openStep(current, lesson.slug, chosenStep));
  }, [chosenStep, lesson.slug, update]);
  const stepIndex = Math.max(0, lesson.steps.findIndex((step) => step.slug === (chosenStep ?? standing.resumeStep)));
  const step = lesson.steps[stepIndex]!;
  // The check watches entries after `start`; `opened` counts openings and resets of the window.
  const [stepWindow, setWindow] = useState({ start: 0, opened: 0 });
  // After a reload the session is reattached: the step's window starts where it did before, not at 0.
  const [restoredFor, setRestoredFor] = useState<string | null>(null);
  if (view.sessionId !== null && restoredFor !== view.sessionId) {
    setRestoredFor(view.sessionId);
    const saved = readSavedWindow(lesson.slug);
    if (saved && saved.sessionId === view.sessionId && saved.step === step.slug) setWindow({ start: saved.start, opened: stepWindow.opened + 1 });
  }
  useEffect(() => {
    if (view.sessionId !== null && restoredFor === view.sessionId) saveWindow(lesson.slug, { sessionId: view.sessionId, step: step.slug, start: stepWindow.start });
  }, [lesson.slug, view.sessionId, restoredFor, step.slug, stepWindow.start]);
  const windowKey = `${view.generation}:${step.slug}:${stepWindow.opened}`;
  const check = useStepCheck(store, step.check, variables, stepWindow.start, windowKey, lesson);

  // The learner's text belongs to the step, not to the session: New session and Replay keep
  // it. Opening a step and Reset load the starter again (each load is one `starterKey`).
  const [starterLoads, setStarterLoads] = useState(0);
  const starterKey = `${step.slug}:${starterLoads}`;
  const starterText = useMemo(
    () => (shownVariables ? expandLessonText(step.starter, shownVariables) : ""),
    // starterKey: a fresh {{id}} each time the starter is loaded again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [step.starter, shownVariables, starterKey],
  );
  const [edited, setEdited] = useState<{ key: string; text: string; variables: LessonVariables | null } | null>(null);
  const editedText = edited?.key === starterKey ? edited : null;
  // Written against an earlier session: its account, peer and room become this session's.
  const draft = useMemo(
    () => (editedText === null ? starterText : editedText.variables && shownVariables ? carryVariables(editedText.text, editedText.variables, shownVariables) : editedText.text),
    [editedText, starterText, shownVariables],
  );
  const setDraft = (text: string) => {
    // The editor hands back every text it is given: an echo of the draft changes nothing. Taken
    // as typed, it dropped a linked template's placeholders ({{me}}) as its basis when it came
    // before the session's values, and they were never filled in (seen in the suite).
    if (text === draft) return;
    setEdited({ key: starterKey, text, variables: shownVariables });
  };
  // A step from a link (#at=STEP&step=XML): that step opens with the XML in the editor, unsent.
  // The link holds the XML as a template ({{me}}, ...), filled with this learner's own values.
  const [linkedStep, setLinkedStep] = useState<{ step: string; text: string } | null>(null);
  const linked = useLinkedText("step", (text, params) => {
    const index = lesson.steps.findIndex((candidate) => candidate.slug === params.at);
    if (index < 0) return `This link is for a step "${params.at ?? ""}" that this lesson does not have; its XML was not opened.`;
    openStepAt(index);
    setLinkedStep({ step: params.at!, text });
  });
  if (linkedStep !== null && linkedStep.step === step.slug) {
    setEdited({ key: starterKey, text: linkedStep.text, variables: PLACEHOLDERS });
    setLinkedStep(null);
  }
  const { history, remember } = useSendHistory(`lesson:${lesson.slug}`);
  const [help, setHelp] = useState<{ step: string; hintsShown: number; goalShown: boolean; solved: boolean }>({ step: step.slug, hintsShown: 0, goalShown: false, solved: false });
  const stepHelp = help.step === step.slug ? help : { step: step.slug, hintsShown: 0, goalShown: false, solved: false };
  const [sendError, setSendError] = useState<string | null>(null);
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const [secrets, setSecrets] = useState<Map<number, string> | null>(null);
  const editorRef = useRef<StanzaEditorHandle>(null);
  // Next step moves the focus into the editor (the button that had it is gone): keyboard flow.
  const [focusRequest, setFocusRequest] = useState(0);
  useEffect(() => {
    if (focusRequest > 0) editorRef.current?.focus();
  }, [focusRequest]);
  const [catchUp, setCatchUp] = useState<{ running: boolean; text: string; failed: boolean } | null>(null);
  // The step's verdict shows under the Send button (components/lessons/verdict-place.tsx).
  const [verdictHost, setVerdictHost] = useState<HTMLDivElement | null>(null);
  const workRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (check.passed) update((current) => markStepPassed(current, lesson.slug, step.slug));
  }, [check.passed, lesson.slug, step.slug, update]);

  function openStepAt(index: number) {
    const target = lesson.steps[index];
    if (target === undefined) return;
    setChosenStep(target.slug);
    setWindow((current) => ({ start: store.lastSeq, opened: current.opened + 1 }));
    setStarterLoads((count) => count + 1);
    setSendError(null);
    setCatchUp(null);
    // Opening a step is a fresh start on it: help begins again at the first hint.
    setHelp({ step: target.slug, hintsShown: 0, goalShown: false, solved: false });
    update((current) => openStep(current, lesson.slug, target.slug));
  }

  /** The check watches only what comes next; the editor keeps its text. */
  function restartWindow() {
    setWindow((current) => ({ start: store.lastSeq, opened: current.opened + 1 }));
    setSendError(null);
  }

  function resetStep() {
    restartWindow();
    setStarterLoads((count) => count + 1);
    // The starter is back: the diff would describe what the editor no longer holds. Hints and goal stay.
    setHelp({ ...stepHelp, solved: false });
  }

  function solve() {
    if (variables === null) return;
    if (step.calculator === "scram") {
      // The answer depends on this session's <challenge> (RFC 5802 §5.1): what the calculator writes.
      void solveWithCalculator(variables);
      return;
    }
    if (step.calculator === "stream-management") {
      void solveStreamManagement(variables);
      return;
    }
    setEdited({ key: starterKey, text: expandLessonText(step.solution, variables), variables });
    showSolved(step.slug);
  }

  /**
   * The diff, which says "The solution is in the editor", only once it is: a calculated answer
   * (SCRAM's proof, stream management's count) comes a moment after the click, and Send
   * pressed in that moment sent the starter (seen in the end-to-end suite).
   */
  function showSolved(slug: string) {
    setHelp((current) => (current.step === slug ? { ...current, solved: true } : current));
  }

  async function solveStreamManagement(vars: LessonVariables) {
    try {
      const { streamManagementAnswer } = await checkEngine.load();
      // XEP-0198 §4: h counts the stanzas this session received, read from the wire now.
      const answer = streamManagementAnswer(step.solution, store.all(), vars);
      if (answer.ok) {
        setEdited({ key: starterKey, text: answer.text, variables: vars });
        showSolved(step.slug);
      } else setSendError(`Solve cannot answer yet: ${answer.reason}`);
    } catch (error) {
      setSendError(couldNotLoad("Solve", error));
    }
  }

  async function solveWithCalculator(vars: LessonVariables) {
    const { scramExchangeFrom } = await import("@/lib/lessons/scram-exchange");
    const result = await scramExchangeFrom(store.all(), await session.reveal(), vars.password);
    if (result.ok) {
      setEdited({ key: starterKey, text: result.exchange.response, variables: vars });
      showSolved(step.slug);
    } else setSendError(`The calculator cannot answer yet: ${result.reason}`);
  }

  const restart = useCallback(() => {
    setWindow((current) => ({ start: 0, opened: current.opened + 1 }));
    setSecrets(null);
    setCatchUp(null);
    setHelp((current) => ({ ...current, hintsShown: 0, goalShown: false, solved: false }));
    void session.restart();
  }, [session]);

  /** `typed` goes to the history as written ({{id}}, {{peer}}): a resend gets a fresh id and today's JIDs. */
  async function sendText(text: string, typed: string) {
    setSendError(null);
    try {
      await session.send(text);
      remember(typed);
      // Stacked (a phone), the editor, its verdict and the lanes fill one screen: show all of it.
      workRef.current?.scrollIntoView({ block: "nearest" });
    } catch (error) {
      setSendError(error instanceof Error ? error.message : String(error));
    }
  }

  async function replayEarlierSteps() {
    if (variables === null) return;
    const earlier = lesson.steps.slice(0, stepIndex);
    const outcome = await replaySolutions({
      steps: earlier,
      store,
      variables,
      session: lesson,
      send: session.send,
      onProgress: (step, index) => setCatchUp({ running: true, text: `Replaying step ${index + 1} of ${earlier.length}: ${step.title}…`, failed: false }),
    }).catch((error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }));
    if (!outcome.ok) {
      setCatchUp({ running: false, text: outcome.message, failed: true });
      return;
    }
    for (const step of earlier) update((current) => markStepPassed(current, lesson.slug, step.slug));
    restartWindow();
    setCatchUp({ running: false, text: `Steps 1–${earlier.length} replayed on this session: step ${stepIndex + 1} starts from here.`, failed: false });
  }

  /** The step's action (XEP-0198 §5): lose the connection without a closing tag, then a new one opens. */
  async function dropConnection() {
    setSendError(null);
    try {
      await session.reconnect();
    } catch (error) {
      setSendError(error instanceof Error ? error.message : String(error));
    }
  }

  async function toggleSecrets(reveal: boolean) {
    setSecrets(reveal ? await session.reveal() : null);
  }

  const online = view.status === "online";
  const last = stepIndex === lesson.steps.length - 1;

  return (
    <main className={styles.lessonPage} data-testid="lesson-page" data-lesson={lesson.slug}>
      <div className={styles.lessonColumn}>
        <nav className={styles.crumbs} aria-label="Breadcrumb">
          <Link href="/lessons">Lessons</Link> › Lesson {lesson.number}
        </nav>
        <header className={styles.lessonHeader}>
          <h1>{lesson.title}</h1>
          <p className={styles.meta}>
            <span className={styles.badge}>{lesson.mode === "raw" ? "raw mode: you type the whole stream" : "guided: logged in for you"}</span>
            <span className="hint">
              {standing.passed} of {standing.total} steps passed
            </span>
          </p>
        </header>
        {storageProblem && (
          <p role="alert" className="error-text">
            {storageProblem}
          </p>
        )}
        <SessionPanel view={view} mode={lesson.mode} peer={lesson.peer} mentioned={lesson.mentioned} stepIndex={stepIndex} onRestart={restart} />
        {stepIndex > 0 && (
          <div className={styles.catchUp}>
            <button type="button" className="button small" onClick={() => void replayEarlierSteps()} disabled={!online || variables === null || catchUp?.running === true}>
              Replay steps 1–{stepIndex} for me
            </button>
            <span className="hint">sends their solutions on this session, for a step that builds on them (after New session, say)</span>
            {catchUp && (
              <p role={catchUp.failed ? "alert" : "status"} className={catchUp.failed ? "error-text" : "hint"} data-testid="catch-up">
                {catchUp.text}
              </p>
            )}
          </div>
        )}
        <details className={styles.intro} open={stepIndex === 0}>
          <summary>About this lesson</summary>
          <PanelBoundary name="The lesson's introduction">
            <LessonText segments={lesson.intro} variables={shownVariables} label="Introduction" />
          </PanelBoundary>
          {lesson.specs.length > 0 && <SpecLinks specs={lesson.specs} />}
        </details>
        <ol className={styles.stepList} aria-label="Steps">
          {lesson.steps.map((candidate, index) => (
            <li key={candidate.slug}>
              <button
                type="button"
                className={`${styles.stepLink} ${index === stepIndex ? styles.current : ""}`}
                aria-current={index === stepIndex ? "step" : undefined}
                onClick={() => openStepAt(index)}
              >
                <span aria-hidden="true" className={styles.stepMark}>
                  {passedSteps.has(candidate.slug) ? "✓" : index + 1}
                </span>
                {candidate.title}
                {passedSteps.has(candidate.slug) && <span className={styles.visuallyHidden}> (passed)</span>}
              </button>
            </li>
          ))}
        </ol>
        {/* Here, not beside Send: from Send, Tab goes on to the verdict's Next step (e2e/lessons-keyboard.spec.ts). */}
        <div className="row" style={{ flexWrap: "wrap", alignItems: "center" }}>
          <ShareLink kind="step" text={() => (shownVariables ? carryVariables(draft, shownVariables, PLACEHOLDERS) : draft)} params={{ at: step.slug }} testId="step-link" />
          <span className="hint">a link to this step with the XML in your editor (your account&apos;s values become variables)</span>
        </div>
        <PanelBoundary name="This step" resetKey={`${step.slug}:${view.generation}`}>
        <VerdictHost value={verdictHost}>
        <StepPanel
          key={`${step.slug}:${view.generation}`}
          step={step}
          index={stepIndex}
          count={lesson.steps.length}
          variables={shownVariables}
          check={check}
          help={stepHelp}
          onHelp={(next) => setHelp({ ...next, step: step.slug })}
          onSolve={solve}
          onReset={resetStep}
          onSelectEntry={setSelectedSeq}
          onNext={
            last
              ? null
              : () => {
                  openStepAt(stepIndex + 1);
                  setFocusRequest((count) => count + 1);
                }
          }
        />
        </VerdictHost>
        </PanelBoundary>
        {last && check.passed && <LessonFinish lesson={lesson} variables={variables} view={view} store={store} />}
      </div>
      <div className={styles.workColumn} ref={workRef}>
        <section className={`editor-panel ${styles.editorPanel}`} aria-label="Stanza editor">
          <PanelBoundary name="The stanza editor">
          <StanzaEditor
            ref={editorRef}
            value={draft}
            onChange={setDraft}
            onSubmit={(text, { typed }) => void sendText(text, typed)}
            mode={lesson.mode}
            transport={lesson.transport}
            variables={{ me: view.jid ?? variables?.me ?? "", domain: variables?.domain ?? "", peer: variables?.peer ?? "" }}
            history={history}
          />
          </PanelBoundary>
          <div className="editor-actions">
            <button type="button" className="button primary" onClick={() => editorRef.current?.send()} disabled={!online}>
              Send
            </button>
            {step.action === "drop-connection" && (
              <button type="button" className="button" onClick={() => void dropConnection()} disabled={!online}>
                Drop the connection
              </button>
            )}
            {!online && <span className="hint">{view.status === "closed" ? "The session ended: start a new one." : "Waiting for your session…"}</span>}
            {linked.opened && (
              <p className="hint" role="status" data-testid="step-opened-from">
                Opened from a link: this step&apos;s XML has not been sent. Send sends it on your lesson session, to the bundled server{variables ? ` (${variables.domain})` : ""}, as {view.jid ?? "your lesson account"}.
              </p>
            )}
            {linked.problem && (
              <p className="error-text" role="alert">
                {linked.problem}
              </p>
            )}
            {sendError && (
              <span role="alert" className="error-text">
                {sendError}
              </span>
            )}
          </div>
        </section>
        {step.calculator === "scram" && variables !== null && (
          <PanelBoundary name="The SCRAM calculator">
            <ScramCalculator store={store} password={variables.password} reveal={session.reveal} onWrite={setDraft} />
          </PanelBoundary>
        )}
        <div ref={setVerdictHost} className={styles.verdictSlot} />
        {/* The views of the session's traffic: the lanes, and room beside them (below, when narrow) for another view. */}
        <div className={styles.observe}>
        <div className={styles.lanes}>
          <PanelBoundary name="The stream lanes">
          <StreamLanes
            compact
            tools={
              !showDiagram && (
                <button type="button" className="button small" aria-expanded={false} onClick={() => setDiagramOpen(true)}>
                  Show diagram
                </button>
              )
            }
            store={store}
            revealed={secrets !== null}
            secrets={secrets}
            onToggleSecrets={(reveal) => void toggleSecrets(reveal)}
            onLoadIntoEditor={setDraft}
            selectedSeq={selectedSeq}
            onSelect={setSelectedSeq}
          />
          </PanelBoundary>
        </div>
        {showDiagram && <SequencePanel defaultOpen onHide={() => setDiagramOpen(false)} store={store} account={view.jid} domain={variables?.domain} peer={variables?.peer} selectedSeq={selectedSeq} onSelect={setSelectedSeq} />}
        </div>
      </div>
    </main>
  );
}
