import { expect, test, type Page } from "@playwright/test";

/**
 * /scripts as a person uses it (issue 14): a script with a mistake, the parser's line and
 * field, the fix, a step at a time and then the rest on fresh accounts of the bundled server
 * (made by the bridge for the run, so this spec shares no account with any other), each
 * step's verdict and the entries that decided it; a reload keeps the script; a link opens
 * it elsewhere without running it.
 */

const FIXED = `name: Ping, then ping nobody
accounts:
  alice: fresh
steps:
  - name: ping the server
    send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { name: pong, dir: in, stanza: iq, type: result, answers: ping }
  - name: ping an account that does not exist
    send: <iq type='get' to='nobody-{{run}}@{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    timeout: 2
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { dir: in, stanza: iq, type: result, answers: ping }
`;
// The typo a person makes: a variable nothing defines.
const BROKEN = FIXED.replace("to='{{domain}}'", "to='{{domian}}'");

const editor = (page: Page) => page.getByRole("textbox", { name: /Script \(YAML\)/ });
const steps = (page: Page) => page.getByRole("list", { name: "Steps" }).getByTestId("script-step");

/** Replaces the editor's text from the keyboard, as a person pasting does. */
async function typeScript(page: Page, text: string) {
  await editor(page).focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}

test("a broken script says where, the fixed one runs a step at a time through the bridge, and a reload keeps it", async ({ page }) => {
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

  // The rest, from the keyboard: Ctrl+Enter in the editor. Nobody has that account (RFC 6121 §8.5.1).
  await editor(page).press("ControlOrMeta+Enter");
  const failed = steps(page).nth(1);
  await expect(failed).toHaveAttribute("data-state", "failed");
  await expect(failed.getByTestId("step-reason")).toContainText(/^waited 2 s; expect\[1\] not met: .*the server refused: #\d+ service-unavailable/);
  await expect(page.getByTestId("run-status")).toContainText("1 of 2 step(s) passed. The sessions are closed.");
  await expect(lanes.getByRole("heading")).toContainText("closed");

  // One click from the verdict to the raw entry that decided it.
  await decided.nth(1).click();
  await expect(pongRow).toHaveAttribute("aria-current", "true");

  // A reload keeps the script (IndexedDB), and nothing runs by itself.
  await page.reload();
  await expect(editor(page)).toHaveValue(FIXED);
  await expect(steps(page).nth(0)).toHaveAttribute("data-state", "not run");
});

test("a link carries the script to another tab, which shows it and its server but runs nothing until Run", async ({ page, context }) => {
  await page.goto("/scripts");
  await typeScript(page, FIXED);
  await expect(page.getByTestId("script-parse")).toContainText("Reads well");
  await page.getByRole("button", { name: "Link", exact: true }).click();
  const url = await page.getByTestId("script-link").inputValue();
  expect(url).toMatch(/\/scripts#script=[A-Za-z0-9_-]+$/);

  const other = await context.newPage();
  const opened: string[] = [];
  other.on("websocket", (socket) => socket.on("framesent", (frame) => opened.push(String(frame.payload))));
  await other.goto(url);
  await expect(editor(other)).toHaveValue(FIXED);
  await expect(other.getByTestId("script-opened-from")).toContainText("Opened from a link. It has not run");
  await expect(other.getByTestId("script-target")).toContainText("the bundled server");
  // The fragment did its work and is gone: a reload opens the kept copy, not a second one.
  expect(new URL(other.url()).hash).toBe("");
  await expect(steps(other)).toHaveCount(2);
  await expect(steps(other).nth(0)).toHaveAttribute("data-state", "not run");
  await expect(other.getByRole("region", { name: "Run" })).toContainText("Nothing has run yet");
  expect(opened.filter((frame) => frame.includes('"op":"open"'))).toEqual([]);

  // A script too big for a link says so and what to do instead.
  let noise = "";
  for (let index = 0; noise.length < 40_000; index++) noise += Math.imul(index + 1, 2654435761).toString(36);
  await editor(page).fill(`name: big\n# ${noise}\n`);
  await page.getByRole("button", { name: "Link", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "more than the 16,000 a link may carry" })).toContainText("export it as a file");
});
