import type { Locator, Page } from "@playwright/test";
import { expect, fresh, test } from "./fixtures";
import { disconnectIfOnline, entryList, lanes, pane } from "./workbench-page";

/**
 * The workbench with the keyboard alone: after page.goto, no mouse. Every control that
 * Tab lands on on the way must say what it is (an accessible name).
 */

// C copies a row: let the page write (and the test read) the clipboard.
test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page);
});

const pingOf = (id: string) => `<iq type="get" id="${id}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`;
/** Key by key at a person's pace (typing at full speed is its own test, at the end). */
const HUMAN = { delay: 40 };

const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);
const holdsFocus = (locator: Locator) => locator.evaluate((element) => element.contains(document.activeElement));

/** Presses Tab until `reached()`; each control the focus lands on must have an accessible name. */
async function tabUntil(page: Page, reached: () => Promise<boolean>, what: string, maxPresses = 80) {
  const focused = page.locator(":focus");
  for (let press = 1; press <= maxPresses; press++) {
    await page.keyboard.press("Tab");
    // Read from the document, not through the `:focus` locator: with the focus dropped to the
    // body (a focused control removed), that locator matches nothing and would wait out the test.
    const description = await page.evaluate(() => {
      const active = document.activeElement;
      return active === null || active === document.body ? "(nothing focused: the focus is on the page's body)" : active.outerHTML.slice(0, 160);
    });
    await expect(focused, `Tab #${press} on the way to ${what} focused a control without an accessible name: ${description}`).toHaveAccessibleName(/\S/, { timeout: 2_000 });
    if (await reached()) return;
  }
  throw new Error(`${what} was not reached after ${maxPresses} presses of Tab`);
}

/** Tab to the connection form, type the JID and password, Enter. */
async function connectByKeyboard(page: Page, username: string) {
  const form = pane(page).getByRole("form", { name: "Connection" });
  const jid = form.getByRole("textbox", { name: "JID" });
  await tabUntil(page, () => isFocused(jid), "the JID field");
  await expect(page.locator(":focus")).toHaveAccessibleName("JID");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(`${username}@localhost`, HUMAN);
  await expect(jid).toHaveValue(`${username}@localhost`);
  await page.keyboard.press("Tab");
  const password = form.getByLabel("Password");
  await expect(password).toBeFocused();
  await expect(page.locator(":focus")).toHaveAccessibleName("Password");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(username, HUMAN);
  await expect(password).toHaveValue(username);
  await page.keyboard.press("Enter");
  await expect(pane(page).getByTestId("connection-status")).toContainText(`Online as ${username}@localhost/`);
}

/** Tab into the stanza editor (its text area), which must say what it is. */
async function tabIntoEditor(page: Page) {
  const editor = pane(page).getByTestId("stanza-editor");
  await expect(editor.locator(".monaco-editor")).toBeVisible();
  await tabUntil(page, () => holdsFocus(editor), "the stanza editor");
  await expect(page.locator(":focus")).toHaveAccessibleName(/^Stanza editor/);
}

/** Replaces the editor's text by typing, key by key. */
async function retype(page: Page, text: string, options = HUMAN) {
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text, options);
}

const editorText = (page: Page) => pane(page).getByTestId("stanza-editor").locator(".view-lines");

test("connect, type a ping, send it with Ctrl+Enter, walk the history: keyboard only", async ({ page }) => {
  // About 170 keys at a person's 40 ms apiece: 13 s on a quiet machine, past 30 s on one at load average 7.
  test.setTimeout(60_000);
  const first = `kb1${fresh()}`;
  const second = `kb2${fresh()}`;
  await page.goto("/playground");
  // bob, not the suggested alice: the typed values are what connects.
  await connectByKeyboard(page, "bob");

  await tabIntoEditor(page);
  await retype(page, pingOf(first));
  await expect(editorText(page)).toHaveText(pingOf(first));
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: first })).toContainText(pingOf(first));
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: first })).toContainText("answers #");
  // Sending leaves the focus in the editor.
  await expect(pane(page).getByTestId("stanza-editor").locator(":focus")).toHaveCount(1);

  await retype(page, pingOf(second));
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: second })).toContainText("answers #");

  // History: Ctrl+Up walks back through what was sent, Ctrl+Down forward to the draft.
  await retype(page, "draft");
  await expect(editorText(page)).toHaveText("draft");
  await page.keyboard.press("ControlOrMeta+ArrowUp");
  await expect(editorText(page)).toHaveText(pingOf(second));
  await page.keyboard.press("ControlOrMeta+ArrowUp");
  await expect(editorText(page)).toHaveText(pingOf(first));
  await page.keyboard.press("ControlOrMeta+ArrowDown");
  await expect(editorText(page)).toHaveText(pingOf(second));
  await page.keyboard.press("ControlOrMeta+ArrowDown");
  await expect(editorText(page)).toHaveText("draft");

  // What history brought back can be sent again as it is.
  await page.keyboard.press("ControlOrMeta+ArrowUp");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: second })).toHaveCount(2);
});

test("the lanes read with the keyboard: arrows, Home, End, P, C, Enter, Esc", async ({ page }) => {
  // Keys at a person's pace, as above: 10 s with the machine to itself, 22 s beside a second worker.
  test.setTimeout(60_000);
  const id = `kbnav${fresh()}`;
  await page.goto("/playground");
  await connectByKeyboard(page, "bob");
  await tabIntoEditor(page);
  await retype(page, pingOf(id));
  await page.keyboard.press("ControlOrMeta+Enter");
  const request = lanes(page).getByTestId("entry-out").filter({ hasText: id });
  const answer = lanes(page).getByTestId("entry-in").filter({ hasText: id });
  await expect(answer).toContainText("answers #");
  // Something else in the editor, to see Enter on a row load it.
  await retype(page, "draft");

  // Tab moves on from the editor once Monaco's Ctrl+M ("Tab moves focus") is on; the page should say so.
  await expect.soft(pane(page).getByTestId("editor-shortcuts"), "the editor's key help says how to leave it with the keyboard").toContainText("Ctrl+M");
  await page.keyboard.press("Control+M");
  const list = entryList(page);
  await tabUntil(page, () => holdsFocus(list), "the transcript rows");
  const focused = page.locator(":focus");
  await expect(focused).toHaveRole("listitem");
  await expect(focused).toHaveAccessibleName(/^#\d+, (client to server|server to client|event), [a-z-]+/);

  await page.keyboard.press("End");
  await expect(focused).toHaveAttribute("data-seq", (await list.getAttribute("data-last-seq"))!);
  await expect(focused).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("Home");
  await expect(focused).toHaveAttribute("data-seq", "1");
  await expect(focused).toHaveAccessibleName(/^#1, (client to server|server to client|event), [a-z-]+$/);
  await page.keyboard.press("ArrowDown");
  await expect(focused).toHaveAttribute("data-seq", "2");
  await expect(focused).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("ArrowUp");
  await expect(focused).toHaveAttribute("data-seq", "1");
  await page.keyboard.press("ArrowUp");
  await expect(focused).toHaveAttribute("data-seq", "1");

  // End lands on the ping's answer (the newest row); P jumps to the request it answers.
  await page.keyboard.press("End");
  await expect(answer).toBeFocused();
  await page.keyboard.press("p");
  await expect(request).toBeFocused();
  await expect(request).toHaveAttribute("aria-current", "true");
  const requestSeq = await request.getAttribute("data-seq");

  // C copies the row's text.
  const status = lanes(page).getByRole("status");
  await page.keyboard.press("c");
  await expect(status).toHaveText(`Copied #${requestSeq} to the clipboard.`);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pingOf(id));

  // Enter loads it into the editor.
  await page.keyboard.press("Enter");
  await expect(status).toHaveText(`Loaded #${requestSeq} into the editor.`);
  await expect(editorText(page)).toHaveText(pingOf(id));

  // Esc deselects.
  await page.keyboard.press("Escape");
  await expect(list.locator('[aria-current="true"]')).toHaveCount(0);
});

test("typing at full speed in the editor keeps every character in place", async ({ page }) => {
  const text = pingOf(`fast${fresh()}`);
  await page.goto("/playground");
  await tabIntoEditor(page);
  // Auto-repeat, a fast typist or a busy page: keys closer together than a React render.
  await retype(page, text, { delay: 0 });
  await expect(editorText(page)).toHaveText(text);
});
