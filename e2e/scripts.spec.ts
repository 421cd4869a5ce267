import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { disconnectIfOnline, pane, ping } from "./workbench-page";

/**
 * /scripts as a person uses it (issue 14): a script with a mistake, the parser's line and
 * field, the fix, a step at a time and then the rest on fresh accounts of the bundled server
 * (made by the bridge for the run, so this spec shares no account with any other), each
 * step's verdict and the entries that decided it; a reload keeps the script, and its link
 * opens it in another tab without running it. And a ping recorded in the workbench, replayed.
 */

const FIXED = `name: Ping, then expect what does not come
accounts:
  alice: fresh
steps:
  - name: ping the server
    send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { name: pong, dir: in, stanza: iq, type: result, answers: ping }
  - name: expect an error to a ping the server answers
    send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    timeout: 2
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { dir: in, stanza: iq, type: error, answers: ping }
`;
// The typo a person makes: a variable nothing defines.
const BROKEN = FIXED.replace("to='{{domain}}'", "to='{{domian}}'");

const editor = (page: Page) => page.getByRole("textbox", { name: /Script \(YAML\)/ });
const steps = (page: Page) => page.getByRole("list", { name: "Steps" }).getByTestId("script-step");

/** Replaces the editor's text from the keyboard, as a person pasting does. */
async function typeScript(page: Page, text: string) {
  // The kept script loads from IndexedDB first; the text area is read-only until then.
  await expect(editor(page)).toBeEditable();
  await editor(page).focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}

test("a broken script says where; the fixed one runs a step at a time through the bridge; a reload keeps it; its link opens in another tab without running", async ({ page, context }) => {
  await page.goto("/scripts");
  await typeScript(page, BROKEN);
  const parse = page.getByTestId("script-parse");
  await expect(parse).toContainText("Line 6, steps[0].send: {{domian}} is not defined here");
  await expect(page.getByRole("button", { name: "Run all" })).toBeDisabled();
  // The message's button puts the cursor on that line.
  await parse.getByRole("button", { name: "Go to line 6" }).click();
  await expect(editor(page)).toBeFocused();
  expect(await editor(page).evaluate((area: HTMLTextAreaElement) => area.value.slice(area.selectionStart, area.selectionEnd))).toContain("{{domian}}");

  await typeScript(page, FIXED);
  await expect(parse).toContainText("Reads well: 2 step(s), account(s) alice (fresh)");
  await expect(page.getByTestId("script-target")).toContainText("the bundled server (domain localhost, starttls), with a fresh account");

  // One step: the session opens on a fresh account, the ping and its answer cross the lanes.
  await page.getByRole("button", { name: "Step 1 of 2" }).click();
  await expect(steps(page).nth(0)).toHaveAttribute("data-state", "passed");
  await expect(steps(page).nth(1)).toHaveAttribute("data-state", "next");
  const lanes = page.getByRole("region", { name: "alice's stream" });
  await expect(lanes.getByRole("heading")).toContainText(/^alice · [^·@]+@localhost\/\S+ · online/);
  const decided = steps(page).nth(0).getByTestId("step-entry-link");
  await expect(decided).toHaveCount(2);
  const pongSeq = await decided.nth(1).getAttribute("data-seq");
  const pongRow = lanes.locator(`[data-seq="${pongSeq}"][data-testid="entry-in"]`);
  await expect(pongRow).toHaveAttribute("data-kind", "iq");
  await expect(pongRow).toContainText("result");

  // The rest, from the keyboard: Ctrl+Enter in the editor. The second step expects what the server does not send.
  await editor(page).press("ControlOrMeta+Enter");
  const failed = steps(page).nth(1);
  await expect(failed).toHaveAttribute("data-state", "failed");
  await expect(failed.getByTestId("step-reason")).toContainText(/^waited 2 s; expect\[1\] not met: .*came instead: #\d+ <iq type=result>/);
  await expect(page.getByTestId("run-status")).toContainText("1 of 2 step(s) passed. The sessions are closed.");
  await expect(lanes.getByRole("heading")).toContainText("closed");

  // One click from the verdict to the raw entry that decided it.
  await decided.nth(1).click();
  await expect(pongRow).toHaveAttribute("aria-current", "true");

  // Once more, on another fresh account: the two runs compare equal once ids, resources and accounts are set aside.
  await page.getByRole("button", { name: "Run all" }).click();
  const compare = page.getByRole("region", { name: "Compare two runs" });
  await expect(compare.getByTestId("compare-summary")).toContainText("2 step(s) equal once normalized");
  await expect(compare.getByTestId("compare-summary")).toContainText(", 0 difference(s).");

  // A reload keeps the script (IndexedDB), and nothing runs by itself.
  await page.reload();
  await expect(editor(page)).toHaveValue(FIXED);
  await expect(steps(page).nth(0)).toHaveAttribute("data-state", "not run");

  // Share: the link carries the script itself.
  await page.getByRole("button", { name: "Link", exact: true }).click();
  const url = await page.getByTestId("script-link").inputValue();
  expect(url).toMatch(/\/scripts#script=[A-Za-z0-9_-]+$/);

  const other = await context.newPage();
  const sent: string[] = [];
  other.on("websocket", (socket) => socket.on("framesent", (frame) => sent.push(String(frame.payload))));
  await other.goto(url);
  await expect(editor(other)).toHaveValue(FIXED);
  await expect(other.getByTestId("script-opened-from")).toContainText("Opened from a link. It has not run");
  await expect(other.getByTestId("script-target")).toContainText("the bundled server");
  await expect(steps(other)).toHaveCount(2);
  await expect(steps(other).nth(0)).toHaveAttribute("data-state", "not run");
  await expect(other.getByRole("region", { name: "Run" })).toContainText("Nothing has run yet");
  // The fragment did its work and is gone: a reload opens the kept copy, not a second one.
  expect(new URL(other.url()).hash).toBe("");
  expect(sent.filter((frame) => frame.includes('"op":"open"'))).toEqual([]);

  // A script too big for a link says so and what to do instead.
  let noise = "";
  for (let index = 0; noise.length < 40_000; index++) noise += Math.imul(index + 1, 2654435761).toString(36);
  await editor(other).fill(`name: big\n# ${noise}\n`);
  await other.getByRole("button", { name: "Link", exact: true }).click();
  await expect(other.getByRole("alert").filter({ hasText: "more than the 16,000 a link may carry" })).toContainText("export it as a file");
});

test("a ping recorded in the workbench opens as a script in the scripts page, not run, and replays on a fresh account", async ({ page, context }) => {
  // Record: a fresh account in the workbench, "Record from now", one ping.
  await page.goto("/playground");
  await pane(page).getByRole("button", { name: "Fresh account" }).click();
  await expect(pane(page).getByTestId("connection-status")).toContainText(/Online as guest-[a-z0-9]+@localhost\//);
  await pane(page).getByRole("button", { name: "Record from now" }).click();
  await ping(page, "recorded-ping");
  const popup = context.waitForEvent("page");
  await pane(page).getByRole("button", { name: "Make a script (1 sent)" }).click();
  const scripts = await popup;

  // The script opens in the scripts page, generalised, and has not run.
  await expect(scripts.getByTestId("script-opened-from")).toContainText("Opened from a recording in the workbench. It has not run");
  await expect(editor(scripts)).toHaveValue(/send: \|-\n\s+<iq type="get" id="\{\{id\}\}" to="\{\{domain\}\}"><ping xmlns="urn:xmpp:ping"\/><\/iq>/);
  await expect(scripts.getByTestId("script-parse")).toContainText("Reads well: 1 step(s), account(s) alice (fresh)");
  await expect(steps(scripts).nth(0)).toHaveAttribute("data-state", "not run");
  // Replayed on a fresh account of its own, the answer it recorded is what it expects.
  await scripts.getByRole("button", { name: "Run all" }).click();
  await expect(steps(scripts).nth(0)).toHaveAttribute("data-state", "passed");
  await disconnectIfOnline(page);
});
