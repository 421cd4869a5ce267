import { evaluateCheck } from "../lib/lessons/check";
import type { Expectation } from "../lib/lessons/types";
import type { LessonVariables } from "../lib/lessons/variables";
import { readStreamFile } from "../lib/transcript-files/stream-file";
import type { GuidedSession } from "../lib/xmpp/guided-session";
import type { TranscriptEntry } from "../lib/xmpp/entry";

/** Polls until `predicate` holds; fails with what it waited for. Never a fixed sleep. */
export function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

/** One direction's text as it crossed the wire: its entries' raw, concatenated. */
export function wire(entries: readonly TranscriptEntry[], dir: "in" | "out"): string {
  return entries.filter((entry) => entry.dir === dir).map((entry) => entry.raw).join("");
}

/** The wire text an exported stream file holds, every stream of it in order. */
export function wireInStreamFile(file: string): string {
  const read = readStreamFile(file);
  if (!read.ok) throw new Error(read.message);
  return read.sections.join("");
}

/**
 * A learner's session in an integration test: send() returns the seq to check from, and
 * expectTranscript() waits until the transcript since then meets a lesson-style check, saying
 * at the deadline what was still missing. Getters, since the session is made in beforeAll.
 */
export function learnerWaits(session: () => GuidedSession, vars: () => LessonVariables) {
  async function expectTranscript(check: Expectation[], fromSeq: number, what: string): Promise<void> {
    const window = () => session().transcript.since(fromSeq);
    await waitFor(() => evaluateCheck(check, window(), vars()).passed, what).catch((error: unknown) => {
      // Said at the deadline: what is missing then, not when the wait began.
      throw new Error(`${error instanceof Error ? error.message : String(error)}; still missing: ${evaluateCheck(check, window(), vars()).missing?.message}`);
    });
  }
  async function send(xml: string): Promise<number> {
    const before = session().transcript.lastSeq;
    await session().send(xml);
    return before;
  }
  return { expectTranscript, send };
}
