import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import type { Lesson, LessonStep } from "../lib/lessons/types";
import { dropConnection, newSession, openLesson, sendDraft, settle, solve, stepButtons, stepCheck } from "./lesson-page";

/**
 * Every step of every lesson in lessons/, in Chromium against the real ejabberd, through
 * the page as a learner uses it: one session per lesson, and on each step the starter is sent
 * first and does not pass (a wrong answer), then the page's own Solve is sent on the same
 * session and passes. Generated from the course, so a new lesson is covered as it lands.
 *
 * A wrong answer can end a raw stream (a stream error, RFC 6120 §4.9) or leave a one-time
 * negotiation done (the page says the step is stuck). Then the test does what the page tells a
 * learner: New session, and Replay the earlier steps; and only where the lesson says so.
 */
const course = loadCourse();

// The lessons share nothing (each opens its own fresh account): both workers take them.
test.describe.configure({ mode: "parallel" });

/** A lesson tells its learners when a broken stream needs a New session (intro or the step's own text). */
function saysNewSession(lesson: Lesson, step: LessonStep): boolean {
  return [lesson.intro, step.prose, step.failure, ...step.hints].some((text) => text.includes("New session"));
}

test("the course has lessons to prove", () => {
  expect(course.lessons.length).toBeGreaterThan(0);
});

for (const lesson of course.lessons) {
  test(`lesson ${lesson.number} (${lesson.slug}): on each step the starter does not pass, then the solution does`, async ({ page }) => {
    // One session per lesson: each step costs a starter, a barrier and a solution.
    test.setTimeout(30_000 + lesson.steps.length * 20_000);
    await openLesson(page, lesson.slug);
    await expect(stepButtons(page).first()).toHaveAttribute("aria-current", "step");

    for (const [index, step] of lesson.steps.entries()) {
      await test.step(`step ${step.number} "${step.title}"`, async () => {
        if (index > 0) {
          await page.getByRole("button", { name: "Next step" }).click();
          await expect(stepButtons(page).nth(index), `on to "${step.title}"`).toHaveAttribute("aria-current", "step");
        }
        // A step that starts with something besides sending (lessons/README.md, `action`), as a learner does it.
        if (step.action === "drop-connection") await dropConnection(page);
        const sent = await sendDraft(page);
        await settle(page, sent, step.check);
        await expect(stepCheck(page), "the starter must not pass").toHaveAttribute("data-state", "missing");
        await expect(page.getByTestId("step-missing")).not.toHaveText(/^Not yet: ?$/);

        // The check has seen the server's reply (settle): a stuck notice or an ended session now is the starter's doing.
        const broken = await brokenSession(page);
        if (broken) await recover(page, lesson, step, index, "after the starter");
        await solve(page);
        // The starter's stream header already restarted this stream: as the raw lessons tell a
        // learner who sent it, send only the rest (RFC 6120 §4.3.3: one header per restart).
        if (!broken) await dropLines(page, headerLinesAlreadySent(step));
        await sendDraft(page);
        const passed = page.locator('[data-testid="step-check"][data-state="passed"]');
        await expect(passed.or(page.getByTestId("lesson-session-ended")).first()).toBeVisible();
        if (!(await passed.isVisible())) {
          // The starter left the stream in a state the solution cannot follow (a second
          // header on one connection, say): the server ended it, as it would for a learner.
          await recover(page, lesson, step, index, "after the solution ended the stream");
          await solve(page);
          await sendDraft(page);
          await expect(stepCheck(page)).toHaveAttribute("data-state", "passed");
        }
      });
    }
  });
}

/** The solution's leading stream header lines (XML declaration, stream open) that the starter sent word for word. */
function headerLinesAlreadySent(step: LessonStep): number {
  const starter = step.starter.trim().split("\n");
  const solution = step.solution.trim().split("\n");
  let count = 0;
  while (count < solution.length - 1 && /^<(\?xml|stream:stream)\b/.test(solution[count]!) && solution[count]!.trim() === starter[count]?.trim()) count++;
  // Only a header the server took as a restart counts: the declaration alone opens nothing.
  return solution.slice(0, count).some((line) => line.startsWith("<stream:stream")) ? count : 0;
}

/** Deletes the editor's first `count` lines, as a learner does by hand. */
async function dropLines(page: Page, count: number): Promise<void> {
  if (count === 0) return;
  await page.getByTestId("stanza-editor").locator(".monaco-editor").click({ position: { x: 80, y: 8 } });
  await page.keyboard.press("ControlOrMeta+Home");
  for (let line = 0; line < count; line++) await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Delete");
}

async function brokenSession(page: Page): Promise<boolean> {
  return (await page.getByTestId("lesson-session-ended").isVisible()) || (await page.getByTestId("step-stuck").isVisible());
}

/** New session, then Replay steps 1..index: what the page's stuck and ended notices ask for. */
async function recover(page: Page, lesson: Lesson, step: LessonStep, index: number, when: string): Promise<void> {
  expect(saysNewSession(lesson, step), `step ${step.number} needed a New session ${when}, and the lesson does not tell learners so`).toBe(true);
  // Listed in the report: where a wrong answer cost the learner their stream.
  test.info().annotations.push({ type: "new session", description: `step ${step.number} (${step.slug}) ${when}` });
  await newSession(page);
  if (index > 0) {
    await page.getByRole("button", { name: `Replay steps 1–${index} for me` }).click();
    await expect(page.getByTestId("catch-up")).toHaveText(`Steps 1–${index} replayed on this session: step ${index + 1} starts from here.`);
  }
  if (step.action === "drop-connection") await dropConnection(page);
}
