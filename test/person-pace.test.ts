import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCourse } from "../lib/lessons/load-course";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { describeStreamError } from "../lib/xmpp/stream-end";
import { startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { PACE_SERVER, STOCK_TIMEOUT_SERVER } from "../scripts/lib/instances";
import { bundledServerOf, LessonRun } from "../scripts/lib/lesson-runner";
import { waitFor } from "./helpers";

/**
 * The raw lessons at a person's pace (issue 12). ejabberd ends a stream that is not bound
 * within its negotiation_timeout; stock, that is 30 s, far less than a person needs to read a
 * step and type the next element by hand. ejabberd/ejabberd.yml raises it for the teaching
 * server (PACE_SERVER renders that file, as every teaching server does). This test types lesson 02 on it with long waits
 * between the header, STARTTLS, auth and bind, and proves each wait long enough by the
 * server's own clock: a control session of the same lesson, opened on a server with the stock
 * timeout when the wait starts, must be cut by that server before the wait ends.
 */
const lesson = loadCourse().lessons.find((candidate) => candidate.slug === "xml-streams");
if (lesson === undefined) throw new Error("lesson 02 (xml-streams) is missing from the course");

/** ejabberd's own default negotiation_timeout (ejabberd_options.erl, 23.01): the control's timer. */
const STOCK_NEGOTIATION_TIMEOUT_S = 30;
/** How late the stock server may cut the control on a busy machine before the test calls it broken. */
const CUT_GRACE_MS = 30_000;
/** Steps 2, 3 and 4 (STARTTLS, auth, bind) each wait first; step 1 opens the stream, step 5 closes it. */
const WAIT_BEFORE = new Set(["starttls", "sasl-plain", "bind"]);

// Both servers are this test's own, so it needs none of the other Vitest files' servers and
// runs beside them (vitest.person-pace.config.ts).
beforeAll(async () => {
  await Promise.all([
    startLocalServer(PACE_SERVER, { fresh: true }),
    startLocalServer(STOCK_TIMEOUT_SERVER, { fresh: true, macros: { NEGOTIATION_TIMEOUT: STOCK_NEGOTIATION_TIMEOUT_S } }),
  ]);
});

afterAll(async () => {
  await Promise.all([stopLocalServer(PACE_SERVER), stopLocalServer(STOCK_TIMEOUT_SERVER)]);
});

interface Cut {
  /**
   * From the control's dial to the server's close, by the transcript's clock. The dial comes
   * before the server accepts and starts its timer; the "connected" event comes after, by as
   * much as a busy event loop lags (284 ms once in CI), so timing from it made the timer look short.
   */
  afterMs: number;
  streamError: TranscriptEntry | undefined;
  closed: TranscriptEntry;
}

/**
 * One wait of the person: a control session opens its stream on the stock-timeout server and
 * idles; the wait ends when that server cuts it. So the wait is as long as the stock timer, by
 * that server's clock, not by a guess of ours.
 */
async function waitForTheStockServerToCutAnIdleStream(): Promise<Cut> {
  const control = await LessonRun.open(lesson!, bundledServerOf(STOCK_TIMEOUT_SERVER));
  try {
    await control.solve(lesson!.steps[0]!);
    await waitFor(() => control.session.currentState === "closed", "the stock server to cut the idle control stream", STOCK_NEGOTIATION_TIMEOUT_S * 1000 + CUT_GRACE_MS);
    const entries = control.entries;
    const dialed = entries.find((entry) => entry.code === "connecting");
    const closed = entries.find((entry) => entry.code === "closed");
    if (dialed === undefined || closed === undefined) throw new Error("the control's transcript lacks its connecting or closed event");
    return { afterMs: closed.at - dialed.at, streamError: entries.find((entry) => entry.kind === "stream-error"), closed };
  } finally {
    await control.close();
  }
}

describe("lesson 02 at a person's pace, on the real ejabberd", () => {
  it(
    "a stream negotiated by hand outlives waits the stock timeout does not, and passes every step",
    async () => {
      const paced = await LessonRun.open(lesson, bundledServerOf(PACE_SERVER));
      let waitedMs = 0;
      try {
        for (const step of lesson.steps) {
          if (WAIT_BEFORE.has(step.slug)) {
            const cut = await waitForTheStockServerToCutAnIdleStream();
            waitedMs += cut.afterMs;
            // The control died of the timer: RFC 6120 section 4.9.3.4, with ejabberd's text.
            expect(cut.streamError?.error, `before step ${step.number}: how the stock server ended the control`).toBe("connection-timeout");
            expect(cut.streamError?.raw).toContain("Idle connection");
            expect(cut.closed.error).toBe("connection-timeout");
            // What the page shows: the condition and the server's own text (RFC 6120 section 4.9).
            expect(cut.closed.raw).toBe(`closed: ${describeStreamError("connection-timeout", "Idle connection")}`);
            expect(cut.afterMs).toBeGreaterThanOrEqual(STOCK_NEGOTIATION_TIMEOUT_S * 1000 - 100);
            // Through the same wait, the teaching server kept the learner's stream.
            const ended = paced.entries.find((entry) => entry.code === "closed")?.raw ?? "";
            expect(paced.session.currentState, `before step ${step.number}: the learner's stream after the wait ${ended}`).toBe("online");
          }
          const result = await paced.solve(step);
          expect(result.passed, `step ${step.number} (${step.slug})`).toBe(true);
          paced.openWindow();
        }
        // The whole negotiation, header to bind, took more than a minute of idling.
        expect(waitedMs).toBeGreaterThan(60_000);
        expect(paced.entries.some((entry) => entry.code === "bound")).toBe(true);
      } finally {
        await paced.close();
      }
    },
    // Three waits of the stock timer (plus a busy machine's grace), and the steps themselves.
    3 * (STOCK_NEGOTIATION_TIMEOUT_S * 1000 + CUT_GRACE_MS) + 60_000,
  );
});
