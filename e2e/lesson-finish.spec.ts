import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import type { Lesson } from "../lib/lessons/types";
import { openLesson, openStep, solveAndPass, stepButtons } from "./lesson-page";
import { disconnectIfOnline, lanes, pane, ping, sendStanza } from "./workbench-page";

/**
 * A lesson's ending in Chromium against the real ejabberd: the last step passes, the finish
 * screen lists what the lesson taught (with its sections) and the next lesson, and Continue
 * in the workbench carries the live session to /playground, transcript and all.
 * With UPDATE_SCREENSHOT=1 the first test writes docs/lesson-finish.png.
 */
const course = loadCourse();
// Service discovery: four steps, none building on another, no peer.
const short = course.lessons.find((lesson) => lesson.slug === "disco")!;
// The capstone: the lesson whose scripted peer waits in a room (lessons/11-capstone), wherever it sits in the course.
const capstone = course.lessons.find((lesson) => lesson.peerInRoom === true)!;

/** Solves steps 1..count in order on the current session, ending on step count+1. */
async function solveStepsBefore(page: Page, lesson: Lesson, count: number): Promise<void> {
  await openStep(page, 0);
  for (let index = 0; index < count; index++) {
    await solveAndPass(page);
    await page.getByRole("button", { name: "Next step" }).click();
    await expect(stepButtons(page).nth(index + 1), `on to "${lesson.steps[index + 1]!.title}"`).toHaveAttribute("aria-current", "step");
  }
}

test("the last step of a short lesson shows the finish screen, and the workbench takes the session over", async ({ page }) => {
  // A lesson step (30 s in e2e/lessons.spec.ts: a fresh account, Monaco, a check) plus a second page with its own editor.
  test.setTimeout(45_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await openLesson(page, short.slug);
  const me = (await page.getByTestId("var-me").textContent())!;
  await openStep(page, short.steps.length - 1);
  await expect(page.getByTestId("lesson-finish")).toHaveCount(0);
  await solveAndPass(page);

  const finish = page.getByTestId("lesson-finish");
  await expect(finish.getByRole("heading", { name: `Lesson ${short.number} complete` })).toBeVisible();
  const points = finish.getByRole("list", { name: "What you now know" }).getByRole("listitem");
  await expect(points).toHaveCount(short.learned!.length);
  // Each point links its section.
  await expect(points.getByRole("link")).toHaveText(short.learned!.map((point) => point.spec.label));
  await expect(points.first().getByRole("link")).toHaveAttribute("href", short.learned![0]!.spec.url);
  const next = course.lessons[course.lessons.indexOf(short) + 1]!;
  await expect(finish.getByRole("link", { name: `Next lesson: ${next.number}. ${next.title}` })).toHaveAttribute("href", `/lessons/${next.slug}`);
  await expect(page.getByTestId("finish-kept")).toContainText(me);
  await finish.scrollIntoViewIfNeeded();
  await expect(finish).toBeInViewport();
  if (process.env.UPDATE_SCREENSHOT === "1") await page.screenshot({ path: "docs/lesson-finish.png" });

  // The entry that passed the step: the room's item-not-found (XEP-0030 §7), from the lesson's transcript.
  await expect(page.getByTestId("entry-in").filter({ hasText: "item-not-found" })).not.toHaveCount(0);
  await finish.getByRole("link", { name: "Continue in the workbench" }).click();
  await expect(page).toHaveURL(/\/playground$/);
  await expect(pane(page).getByTestId("connection-status")).toContainText(`Online as ${me}/`);
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "item-not-found" })).not.toHaveCount(0);
  // The same live connection: a ping goes out on it and the server answers.
  await ping(page, "after-the-lesson");
  await disconnectIfOnline(page);
});

test("the capstone ends in the workbench, still in the room with the peer", async ({ page }) => {
  test.setTimeout(30_000 + capstone.steps.length * 12_000);
  await openLesson(page, capstone.slug);
  await solveStepsBefore(page, capstone, capstone.steps.length - 1);
  await solveAndPass(page);
  const finish = page.getByTestId("lesson-finish");
  await expect(finish.getByRole("heading", { name: `Lesson ${capstone.number} complete` })).toBeVisible();
  const kept = page.getByTestId("finish-kept");
  await expect(kept).toContainText(/the room \S+@conference\.\S+ with the peer still in it/);
  const room = /the room (\S+) with the peer/.exec((await kept.textContent())!)![1]!;

  await finish.getByRole("link", { name: "Continue in the workbench" }).click();
  await expect(page).toHaveURL(/\/playground$/);
  await expect(pane(page).getByTestId("connection-status")).toContainText("Online as");
  // Still an occupant: the peer answers a mention in the room, on the connection logged in by hand.
  await sendStanza(page, `<message to='${room}' type='groupchat'><body>peer, are you still here?</body></message>`);
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "echo: peer, are you still here?" })).not.toHaveCount(0);
  await disconnectIfOnline(page);
});
