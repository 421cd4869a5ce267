import { readFileSync, writeFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import { BARRIER_ID_PREFIX } from "../lib/lessons/check";
import { helpButton, newSession, openLesson, sendDraft, solve, solveAndPass, stepButtons, stepCheck } from "./lesson-page";

/**
 * The lesson pages' own behaviour, against the real server: help in stages, the diff,
 * Reset, progress kept per browser (reload, export and import, a bad file), the index.
 * The lesson is the course's first guided one, whichever that is.
 */
const course = loadCourse();
// Its first step has two hints or more, so "Next hint" is always checked (no assertion behind an if).
const lesson = course.lessons.find((candidate) => candidate.mode === "guided" && candidate.steps.length >= 2 && candidate.steps[0]!.hints.length >= 2) ?? course.lessons[0]!;
const first = lesson.steps[0]!;

function editorText(page: Page) {
  return page.getByTestId("stanza-editor").locator(".view-lines");
}

/**
 * The first line of `text` that `other` lacks, as the editor shows it: variables filled in
 * from the session panel, spaces as Monaco renders them (no-break spaces). Throws when the
 * two texts do not differ, so the check that uses it cannot pass by checking nothing.
 */
async function firstDistinctLine(page: Page, text: string, other: string): Promise<string> {
  const otherLines = new Set(other.split("\n").map((line) => line.trim()));
  // {{id}} is fresh each time the starter loads: the panel does not show it.
  const line = text.split("\n").find((candidate) => candidate.trim() !== "" && !otherLines.has(candidate.trim()) && !candidate.includes("{{id}}"));
  if (line === undefined) throw new Error(`The lesson's first step has no line of its own in:\n${text}`);
  let shown = line.trim();
  for (const [, name] of shown.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
    shown = shown.replace(new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`), (await page.getByTestId(`var-${name}`).textContent()) ?? "");
  }
  return shown.replace(/ /g, "\u00a0");
}

test("help comes in stages: hints one at a time, then the goal, then Solve with its diff, then Reset", async ({ page }) => {
  await openLesson(page, lesson.slug);
  const group = page.getByRole("group", { name: "Help stages" });
  await expect(group.getByRole("button")).toHaveText(["Hint", "Reset"]);

  await helpButton(page, /^Hint$/).click();
  const hints = page.getByRole("list", { name: "Hints" }).getByRole("listitem");
  await expect(hints).toHaveCount(1);
  await helpButton(page, `Next hint (2 of ${first.hints.length})`).click();
  await expect(hints).toHaveCount(2);
  await expect(helpButton(page, "Solve")).toHaveCount(0);

  await helpButton(page, "Show goal").click();
  await expect(page.getByTestId("step-goal").getByRole("listitem")).toHaveCount(first.check.length);
  await expect(helpButton(page, "Show goal")).toHaveCount(0);

  await helpButton(page, "Solve").click();
  const diff = page.getByTestId("solution-diff");
  await expect(diff).toBeVisible();
  await expect(diff.locator("[data-kind=added]").first()).toBeVisible();
  await expect(diff.locator("[data-kind=removed]").first()).toBeVisible();
  await expect(editorText(page)).toContainText(await firstDistinctLine(page, first.solution, first.starter));

  // Passing, then Reset: the starter is back and the check watches only what comes next.
  await sendDraft(page);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "passed", { timeout: 10_000 });
  await helpButton(page, "Reset").click();
  await expect(stepCheck(page)).toHaveAttribute("data-state", "waiting");
  await expect(diff).toHaveCount(0);
  await expect(editorText(page)).toContainText(await firstDistinctLine(page, first.starter, first.solution));
});

test("a failed check says what is missing and links the spec sections", async ({ page }) => {
  await openLesson(page, lesson.slug);
  await sendDraft(page);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "missing");
  await expect(page.getByTestId("step-missing")).toContainText(/^Not yet: .+/);
  const links = stepCheck(page).getByRole("link");
  await expect(links).toHaveCount(first.specs.length);
  expect(first.specs.length, "the lesson's first step cites a spec section").toBeGreaterThan(0);
  await expect(links.first()).toHaveAttribute("href", first.specs[0]!.url);
});

test("progress is kept across a reload, shown on the index, and survives an export and import", async ({ page, browser }, testInfo) => {
  await openLesson(page, lesson.slug);
  await solveAndPass(page);
  await expect(stepButtons(page).first()).toContainText("(passed)");

  const account = await page.getByTestId("var-me").textContent();
  await page.reload();
  await expect(stepButtons(page).first()).toContainText("(passed)");
  // The same session is picked up again (its token is in this tab), variables and all.
  await expect(page.getByTestId("lesson-session-status")).toContainText("Online");
  await expect(page.getByTestId("var-me")).toHaveText(account ?? "");

  // On the next step, a reload keeps the step and its window: step 1's traffic does not count for it.
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(stepCheck(page)).toHaveAttribute("data-state", "waiting");
  await page.reload();
  await expect(stepButtons(page).nth(1)).toHaveAttribute("aria-current", "step");
  await expect(page.getByTestId("var-me")).toHaveText(account ?? "");
  await expect.poll(async () => Number(await stepCheck(page).getAttribute("data-checked-seq"))).toBeGreaterThan(0);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "waiting");

  await page.goto("/lessons");
  // The index counts the course as lessons/ holds it, not as a sentence once written.
  await expect(page.getByRole("main").getByRole("paragraph").first()).toHaveText(new RegExp(`^${course.lessons.length} short lessons, each checked against the real server`));
  const card = page.getByTestId(`lesson-card-${lesson.slug}`);
  await expect(card.getByTestId("lesson-progress")).toHaveText(`1 of ${lesson.steps.length} · ${Math.round(100 / lesson.steps.length)}%`);
  await expect(page.getByTestId("continue-lesson")).toHaveText(`Continue: ${lesson.title}`);

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export progress" }).click();
  const file = testInfo.outputPath("progress.json");
  await (await downloading).saveAs(file);
  expect(JSON.parse(readFileSync(file, "utf8")).lessons[lesson.slug].passed).toEqual([first.slug]);

  // Another browser (a fresh context has empty storage) takes the file.
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await other.goto("/lessons");
  const otherCard = other.getByTestId(`lesson-card-${lesson.slug}`);
  await expect(otherCard.getByTestId("lesson-progress")).toHaveText(`0 of ${lesson.steps.length} · 0%`);
  await other.getByLabel("Import progress", { exact: true }).setInputFiles(file);
  await expect(other.getByTestId("progress-notice")).toContainText("1 passed step merged");
  await expect(otherCard.getByTestId("lesson-progress")).toHaveText(`1 of ${lesson.steps.length} · ${Math.round(100 / lesson.steps.length)}%`);
  await elsewhere.close();
});

test("a bad progress file is refused with a message, and the progress here stays", async ({ page }, testInfo) => {
  await page.goto("/lessons");
  await page.evaluate(
    ({ key, slug, step }) =>
      localStorage.setItem(key, JSON.stringify({ format: "xmpp-playground-lesson-progress", version: 1, lessons: { [slug]: { passed: [step], current: null, updatedAt: 1 } } })),
    { key: "xmpp-playground:lesson-progress", slug: lesson.slug, step: first.slug },
  );
  await page.reload();
  const progress = page.getByTestId(`lesson-card-${lesson.slug}`).getByTestId("lesson-progress");
  await expect(progress).toContainText("1 of");

  const notJson = testInfo.outputPath("notes.json");
  writeFileSync(notJson, "these are my notes, not progress");
  await page.getByLabel("Import progress", { exact: true }).setInputFiles(notJson);
  const notice = page.getByTestId("progress-notice");
  await expect(notice).toHaveAttribute("role", "alert");
  await expect(notice).toContainText("notes.json was not imported: This file is not JSON");
  await expect(notice).toContainText("Export progress");

  const transcript = testInfo.outputPath("transcript.json");
  writeFileSync(transcript, JSON.stringify({ format: "xmpp-playground-transcript", entries: [] }));
  await page.getByLabel("Import progress", { exact: true }).setInputFiles(transcript);
  await expect(notice).toContainText("transcript.json was not imported: This JSON file is not lesson progress");
  await expect(progress).toContainText("1 of");
});

test("the index lists every lesson of the course, in order, with a start link", async ({ page }) => {
  await page.goto("/lessons");
  const cards = page.getByRole("list", { name: "Lessons" }).getByRole("listitem");
  await expect(cards).toHaveCount(course.lessons.length);
  await expect(cards.getByRole("heading")).toHaveText(course.lessons.map((candidate) => candidate.title));
  await expect(page.getByTestId("continue-lesson")).toHaveText(`Start with ${course.lessons[0]!.title}`);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Lessons" })).toHaveAttribute("href", "/lessons");
});

test("a new session gets a fresh account and restarts the step's window", async ({ page }) => {
  await openLesson(page, lesson.slug);
  await solve(page);
  await sendDraft(page);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "passed", { timeout: 10_000 });
  await newSession(page);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "waiting");
});

test("the JID explorer in the JIDs lesson takes a JID apart, escapes a localpart and explains a bad one", async ({ page }) => {
  const withExplorer = course.lessons.flatMap((candidate) =>
    candidate.steps.map((step, index) => ({ lesson: candidate, index, here: /^:::jid-explorer\s*$/m.test(step.prose) })).filter((found) => found.here),
  )[0];
  expect(withExplorer, "a lesson step asks for the explorer with :::jid-explorer").toBeDefined();
  await openLesson(page, withExplorer!.lesson.slug);
  if (withExplorer!.index > 0) await stepButtons(page).nth(withExplorer!.index).click();
  const explorer = page.getByTestId("jid-explorer");
  const input = explorer.getByLabel("Type a JID");

  await input.fill("Juliet@Example.com/balcony");
  await expect(explorer.getByTestId("jid-local")).toHaveText("juliet");
  await expect(explorer.getByTestId("jid-domain")).toHaveText("example.com");
  await expect(explorer.getByTestId("jid-resource")).toHaveText("balcony");
  await expect(explorer.getByTestId("jid-bare")).toHaveText("juliet@example.com");
  await expect(explorer.getByTestId("jid-full")).toHaveText("juliet@example.com/balcony");
  await expect(explorer.getByTestId("jid-verdict")).toContainText("valid full JID");

  await explorer.getByRole("button", { name: "d'artagnan@musketeers.lit" }).click();
  await expect(explorer.getByTestId("jid-escaping")).toContainText("d\\27artagnan");
  await expect(explorer.getByTestId("jid-verdict")).toContainText("once escaped (XEP-0106, below) it is a valid bare JID");

  await input.fill("@example.com");
  await expect(explorer.getByTestId("jid-verdict")).toHaveAttribute("role", "alert");
  await expect(explorer.getByTestId("jid-verdict")).toContainText('nothing before "@"');
  await input.fill("romeo@example.com/");
  await expect(explorer.getByTestId("jid-verdict")).toContainText("no resource after it");
});

test("a later step of a raw lesson can replay the earlier steps on a new session, then be solved", async ({ page }) => {
  const raw = course.lessons.find((candidate) => candidate.mode === "raw" && candidate.steps.length >= 3);
  expect(raw, "the course has a raw lesson of three steps or more").toBeDefined();
  await openLesson(page, raw!.slug);
  await stepButtons(page).nth(2).click();
  await newSession(page);
  await page.getByRole("button", { name: "Replay steps 1–2 for me" }).click();
  await expect(page.getByTestId("catch-up")).toHaveText(/^Steps 1–2 replayed on this session/, { timeout: 20_000 });
  await expect(stepButtons(page).nth(1)).toContainText("(passed)");
  await expect(stepCheck(page)).toHaveAttribute("data-state", "waiting");
  await solveAndPass(page);
});

test("leaving a lesson for another page closes its session (the server then removes its accounts)", async ({ page }) => {
  const sent: string[] = [];
  page.on("websocket", (socket) => socket.on("framesent", (frame) => sent.push(String(frame.payload))));
  await openLesson(page, lesson.slug);
  const opened = sent.find((frame) => frame.includes('"op":"open"'));
  expect(opened).toContain('"lesson":');
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Lessons" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Lessons" })).toBeVisible();
  await expect.poll(() => sent.filter((frame) => frame.includes('"op":"close"')).length).toBe(1);
});

test("the step check's code arrives after first paint; when it cannot be fetched, the verdict says so and asks for a reload", async ({ page, request }) => {
  // Every chunk the page names in its HTML is its initial JS.
  const html = await (await request.get(`/lessons/${lesson.slug}`)).text();
  const initial = new Set([...html.matchAll(/static\/chunks\/[^"'\\\s]+\.js/g)].map((match) => match[0]));
  expect(initial.size).toBeGreaterThan(0);
  // The check engine's chunk is the one with the runners' barrier id (lib/lessons/check.ts): it is refused.
  const refused: string[] = [];
  await page.route("**/_next/static/chunks/*.js", async (route) => {
    const chunk = /static\/chunks\/.+$/.exec(new URL(route.request().url()).pathname)![0];
    const response = await route.fetch();
    const body = await response.text();
    if (!body.includes(BARRIER_ID_PREFIX)) return route.fulfill({ response, body });
    expect(initial.has(chunk), `${chunk} is in the initial JS`).toBe(false);
    refused.push(chunk);
    return route.abort("connectionfailed");
  });
  await page.goto(`/lessons/${lesson.slug}`);
  const alert = stepCheck(page).getByRole("alert");
  await expect(alert).toContainText("The step check could not load");
  await expect(alert).toContainText("Reload the page: your progress is kept.");
  expect(refused.length).toBeGreaterThan(0);
  // Nothing was judged without the engine.
  await expect(stepCheck(page)).toHaveAttribute("data-checked-seq", "-1");
});

test("the home page says what is here: the lessons counted from lessons/, and a way into each part that opens", async ({ page }) => {
  await page.goto("/");
  const parts = page.getByRole("region", { name: "What is here" });
  await expect(parts.getByRole("definition").first()).toHaveText(new RegExp(`^${course.lessons.length} lessons, `));
  const links = parts.getByRole("link");
  await expect(links).toHaveText(["Lessons", "Workbench", "Proxy", "Scripts", "Captures"]);
  for (const href of await links.evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute("href")!))) {
    const response = await page.request.get(href);
    expect(response.status(), `${href} opens`).toBe(200);
  }
});
