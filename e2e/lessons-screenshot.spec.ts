import { expect, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import { openLesson, sendDraft, solve, stepCheck } from "./lesson-page";

/**
 * The README's lesson screenshot, from a real session: written to docs/ only with
 * UPDATE_SCREENSHOT=1 (like e2e/screenshot.spec.ts); every run checks the layout and
 * keeps the index and the page in both themes among the test's outputs.
 * The pictures are for people (the README, a look at a theme), never compared: each holds
 * a fresh account name, times and sequence numbers, and Chromium's version decides the font
 * rendering. What these tests check is what their expect() calls say (layout, state).
 */
const course = loadCourse();
const lesson = course.lessons.find((candidate) => candidate.accounts.peer === "scripted" && candidate.mode === "guided") ?? course.lessons[0]!;

test("a lesson page: text and check beside the editor and the lanes, in both themes", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/lessons");
  await expect(page.getByRole("list", { name: "Lessons" }).getByRole("listitem")).toHaveCount(course.lessons.length);
  await page.screenshot({ path: testInfo.outputPath("lessons-dark.png"), fullPage: true });

  await openLesson(page, lesson.slug);
  await page.getByText("About this lesson").click();
  await solve(page);
  await sendDraft(page);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "passed", { timeout: 10_000 });
  // The top of the lesson column: title, session and peer, steps, the step and its verdict.
  await page.getByRole("heading", { level: 1 }).scrollIntoViewIfNeeded();
  await expect(page.getByRole("heading", { level: 1 })).toBeInViewport();
  await expect(stepCheck(page)).toBeInViewport();

  // The lesson column, the editor and the lanes sit side by side, none collapsed.
  const lessonBox = await page.getByRole("article").boundingBox();
  const editorBox = await page.getByTestId("stanza-editor").boundingBox();
  const lanesBox = await page.getByRole("region", { name: "Stream lanes" }).boundingBox();
  expect(lessonBox && editorBox && lanesBox).toBeTruthy();
  expect(editorBox!.x).toBeGreaterThanOrEqual(lessonBox!.x + lessonBox!.width - 1);
  expect(lanesBox!.y).toBeGreaterThanOrEqual(editorBox!.y + editorBox!.height - 1);
  expect(lanesBox!.height).toBeGreaterThan(200);

  const update = process.env.UPDATE_SCREENSHOT === "1";
  await page.screenshot({ path: update ? "docs/lesson.png" : testInfo.outputPath("lesson-dark.png") });
  await page.getByRole("button", { name: "Light theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.screenshot({ path: testInfo.outputPath("lesson-light.png") });
  await page.goto("/lessons");
  await page.screenshot({ path: testInfo.outputPath("lessons-light.png"), fullPage: true });
});

test("a raw lesson and the JID explorer, for a look in both themes", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const scheme of ["dark", "light"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const raw = course.lessons.find((candidate) => candidate.mode === "raw") ?? course.lessons[0]!;
    await openLesson(page, raw.slug);
    await expect(page.getByTestId("var-plain")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`raw-${scheme}.png`) });
    const jids = course.lessons.find((candidate) => candidate.steps.some((step) => step.prose.includes(":::jid-explorer"))) ?? course.lessons[0]!;
    await openLesson(page, jids.slug);
    const explorer = page.getByTestId("jid-explorer");
    await explorer.getByRole("button", { name: "space cadet@example.com" }).click();
    await explorer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath(`jid-explorer-${scheme}.png`) });
  }
});
