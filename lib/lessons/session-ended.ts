/**
 * What the lesson page says once its session ended: why (the session's own sentence, which
 * says what the server did), then how to get back to the step the learner was on. Text only;
 * components/lessons/session-panel.tsx shows it.
 */

/** Ends the text with one full stop, unless it already ends a sentence. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** `stepIndex` is the step open on the page (0 for the first): the steps before it are the ones to replay. */
export function sessionEndedNotice(reason: string, stepIndex: number): string {
  const back =
    stepIndex > 0
      ? `Start a New session, then "Replay steps 1–${stepIndex} for me" to get back to step ${stepIndex + 1}.`
      : "Start a New session to go on.";
  return `${asSentence(`The session ended: ${reason}`)} ${back}`;
}
