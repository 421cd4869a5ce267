import { expect, test, type Page } from "@playwright/test";
import { loadCourse } from "../lib/lessons/load-course";
import type { Lesson } from "../lib/lessons/types";
import { newSession, openLesson, openStep, sendDraft, settle, solveAndPass, stepButtons, stepCheck } from "./lesson-page";

/**
 * Every step of every lesson in lessons/, in Chromium against the real ejabberd, through
 * the page as a learner uses it: the starter does not pass, the solution (loaded by the
 * page's own Solve) does. Generated from the course, so a new lesson is covered as it lands.
 *
 * A step may build on the ones before it (a raw stream opened, a contact added), so each
 * phase starts on a fresh session and first replays the earlier steps' solutions.
 */
const course = loadCourse();

test("the course has lessons to prove", () => {
  expect(course.lessons.length).toBeGreaterThan(0);
});

for (const lesson of course.lessons) {
  test.describe(`lesson ${lesson.number} (${lesson.slug})`, () => {
    for (const [index, step] of lesson.steps.entries()) {
      test(`step ${step.number} "${step.title}": the starter does not pass, the solution does`, async ({ page }) => {
        // Replays grow with the step's position: each earlier step is solved twice.
        test.setTimeout(30_000 + index * 12_000);

        await openLesson(page, lesson.slug);
        await replayEarlierSteps(page, lesson, index);
        const sent = await sendDraft(page);
        await settle(page, sent, step.check);
        await expect(stepCheck(page), "the starter must not pass").toHaveAttribute("data-state", "missing");
        await expect(page.getByTestId("step-missing")).not.toHaveText(/^Not yet: ?$/);

        await newSession(page);
        await replayEarlierSteps(page, lesson, index);
        await solveAndPass(page);
      });
    }
  });
}

/** Solves steps 1..count in order on the current session, ending on step count+1 with its window fresh. */
async function replayEarlierSteps(page: Page, lesson: Lesson, count: number): Promise<void> {
  await openStep(page, 0);
  for (let index = 0; index < count; index++) {
    await solveAndPass(page);
    await page.getByRole("button", { name: "Next step" }).click();
    await expect(stepButtons(page).nth(index + 1), `on to "${lesson.steps[index + 1]!.title}"`).toHaveAttribute("aria-current", "step");
  }
}
