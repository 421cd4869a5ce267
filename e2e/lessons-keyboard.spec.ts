import type { Page } from "@playwright/test";
import { expect, fresh, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import { newSession, openLesson, openStep, solveAndPass, stepCheck, typeDraft } from "./lesson-page";

/**
 * The lesson editor with the keyboard, and what it keeps: Next step leaves the focus in the
 * editor, Ctrl+Up/Down walk what this lesson sent (across a reload too, like the
 * workbench), and New session and Replay keep the learner's draft.
 */
const course = loadCourse();
const guided = course.lessons.find((candidate) => candidate.mode === "guided" && candidate.steps.length >= 2)!;
const withPeer = course.lessons.find((candidate) => candidate.mode === "guided" && candidate.accounts.peer === "scripted" && candidate.steps.length >= 3)!;

const editor = (page: Page) => page.getByTestId("stanza-editor");
const editorText = (page: Page) => editor(page).locator(".view-lines");
const editorHoldsFocus = (page: Page) => editor(page).evaluate((element) => element.contains(document.activeElement));

async function pingOf(page: Page, id: string): Promise<string> {
  return `<iq type="get" id="${id}" to="${await page.getByTestId("var-domain").textContent()}"><ping xmlns="urn:xmpp:ping"/></iq>`;
}

/** Replaces the focused editor's text from the keyboard (the text as one input, like a paste or an IME). */
async function retype(page: Page, text: string) {
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

/** Ctrl+Enter, then the server's answer to the ping `id`. */
async function sendPing(page: Page, id: string) {
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("entry-in").filter({ hasText: id })).toContainText("answers #");
}

test("Next step puts the focus in the editor: Enter on Next step, type, Ctrl+Enter sends", async ({ page }) => {
  await openLesson(page, guided.slug);
  await solveAndPass(page);

  // From the editor, Tab (after Ctrl+M) reaches Send and then the verdict's Next step.
  await editorText(page).click();
  await page.keyboard.press("ControlOrMeta+M");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Next step" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("list", { name: "Steps" }).getByRole("button").nth(1)).toHaveAttribute("aria-current", "step");
  await expect.poll(() => editorHoldsFocus(page), { message: "the editor has the focus after Next step" }).toBe(true);

  const id = `next-${fresh()}`;
  await retype(page, await pingOf(page, id));
  await sendPing(page, id);
  await expect(page.getByTestId("entry-out").filter({ hasText: id })).toHaveCount(1);
});

test("Ctrl+Up and Ctrl+Down walk what this lesson sent, back to the draft, and again after a reload", async ({ page }) => {
  await openLesson(page, guided.slug);
  const first = await pingOf(page, `h1-${fresh()}`);
  const second = await pingOf(page, `h2-${fresh()}`);
  await editorText(page).click();
  await retype(page, first);
  await sendPing(page, first.match(/id="([^"]+)"/)![1]!);
  await retype(page, second);
  await sendPing(page, second.match(/id="([^"]+)"/)![1]!);

  await retype(page, "draft");
  await expect(editorText(page)).toHaveText("draft");
  await page.keyboard.press("ControlOrMeta+ArrowUp");
  await expect(editorText(page)).toHaveText(second);
  await page.keyboard.press("ControlOrMeta+ArrowUp");
  await expect(editorText(page)).toHaveText(first);
  await page.keyboard.press("ControlOrMeta+ArrowDown");
  await expect(editorText(page)).toHaveText(second);
  await page.keyboard.press("ControlOrMeta+ArrowDown");
  await expect(editorText(page)).toHaveText("draft");

  // Kept in the browser per lesson, like the workbench's history per pane.
  await page.reload();
  await expect(page.getByTestId("lesson-session-status")).toContainText("Online", { timeout: 20_000 });
  // The history comes back from IndexedDB after the page is up: a walk starts once it is there.
  // (Pressing until the text matched read the text before Monaco had drawn the press, and the
  // next press walked on past it.)
  await expect(page.getByTestId("stanza-editor")).toHaveAttribute("data-history-length", "2");
  await editorText(page).click();
  await page.keyboard.press("ControlOrMeta+ArrowUp");
  await expect(editorText(page), "the last text sent, after a reload").toHaveText(second);
  await page.keyboard.press("ControlOrMeta+ArrowUp");
  await expect(editorText(page)).toHaveText(first);
});

test("New session and Replay keep the draft, with the new session's values, and never show a {{name}}", async ({ page }) => {
  await openLesson(page, withPeer.slug);
  await openStep(page, 2);
  const oldPeer = (await page.getByTestId("var-peer").textContent())!;
  const words = `my own words ${fresh()}`;
  await typeDraft(page, `<message to="${oldPeer}" type="chat"><body>${words}</body></message>`);
  await expect(editorText(page)).toContainText(words);

  // Watch the editor, the step and its verdict for a {{name}} ({{id}} may stay a name in prose).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenNames: string[] }).seenNames = seen;
    const look = () => {
      for (const selector of ["[data-testid=stanza-editor] .view-lines", "article", "[data-testid=step-check]"]) {
        const text = document.querySelector(selector)?.textContent ?? "";
        const name = /\{\{\s*(?!id\b)[A-Za-z_][\w-]*\s*\}\}/.exec(text);
        if (name) seen.push(`${selector}: ${name[0]}`);
      }
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  await newSession(page);
  const newPeer = (await page.getByTestId("var-peer").textContent())!;
  expect(newPeer).not.toBe(oldPeer);
  await expect(editorText(page)).toContainText(words);
  await expect(editorText(page)).toContainText(newPeer);
  await expect(editorText(page)).not.toContainText(oldPeer);

  await page.getByRole("button", { name: "Replay steps 1–2 for me" }).click();
  await expect(page.getByTestId("catch-up")).toHaveText(/^Steps 1–2 replayed on this session/, { timeout: 20_000 });
  await expect(stepCheck(page)).toHaveAttribute("data-state", "waiting");
  await expect(editorText(page)).toContainText(words);
  await expect(editorText(page)).toContainText(newPeer);

  expect(await page.evaluate(() => (window as unknown as { seenNames: string[] }).seenNames)).toEqual([]);
});
