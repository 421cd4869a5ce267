import type { Page } from "@playwright/test";
import { expect, fresh, test } from "./fixtures";
import { connectOnline, disconnectIfOnline, entryList, lanes, pane, ping, sendStanza, typeStanza } from "./workbench-page";

/**
 * The workbench for a day's work (issue 16): the lanes keep following the tail through every
 * layout change, the history keeps what was typed, the page remembers its form and layout
 * (never the password), and two accounts leave room for the lanes and the explanation.
 */

// Its tests share nothing (each has its page, on its worker's own app and ejabberd): both workers
// take them. The last files of the run, so the workers end together rather than one idling.
test.describe.configure({ mode: "parallel" });

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page, "a");
  if (await pane(page, "b").isVisible().catch(() => false)) await disconnectIfOnline(page, "b");
});

/** The newest row of the pane's list is in view: inside its scrolling list and inside the window. */
async function expectTailInView(page: Page, paneId: "a" | "b" = "a") {
  const list = entryList(page, paneId);
  await expect(async () => {
    const last = await list.getAttribute("data-last-seq");
    expect(last).not.toBeNull();
    await expect(list.locator(`[data-seq="${last}"]`)).toBeInViewport({ ratio: 0.9, timeout: 500 });
  }).toPass({ timeout: 10_000 });
}

/** Sends `count` pings as one pasted batch (one per line) and waits for the last answer. */
async function pingBatch(page: Page, prefix: string, count: number, paneId: "a" | "b" = "a") {
  const ids = Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
  await sendStanza(page, ids.map((id) => `<iq type="get" id="${id}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`).join("\n"), paneId);
  await expect(lanes(page, paneId).getByTestId("entry-in").filter({ hasText: ids.at(-1)! })).toContainText("answers #");
}

test("following the tail survives ticking Two accounts; whitespace of the batch folds into markers", async ({ page }) => {
  const token = fresh();
  await page.setViewportSize({ width: 1600, height: 1000 });
  await connectOnline(page, "alice");
  await pingBatch(page, `tail1-${token}`, 8);
  await expectTailInView(page);
  // The newlines of the batch are kept, each run folded into a thin marker.
  const whitespace = entryList(page).locator('[data-testid="entry-out"][data-kind="whitespace"]');
  await expect(whitespace).toHaveCount(7);
  await expect(whitespace.first()).toHaveAttribute("data-folded", "true");
  expect((await whitespace.first().boundingBox())!.height).toBeLessThan(12);

  await page.getByLabel("Two accounts").check();
  await expectTailInView(page);
  await pingBatch(page, `tail2-${token}`, 3);
  await expectTailInView(page);
});

test("following the tail survives a shorter, then a narrower window", async ({ page }) => {
  const token = fresh();
  await page.setViewportSize({ width: 1600, height: 1000 });
  await connectOnline(page, "alice");
  await pingBatch(page, `tail3-${token}`, 8);
  await page.setViewportSize({ width: 1600, height: 720 });
  await expectTailInView(page);
  await pingBatch(page, `tail4-${token}`, 2);
  await expectTailInView(page);
  await page.setViewportSize({ width: 1000, height: 720 });
  await expectTailInView(page);
  await pingBatch(page, `tail5-${token}`, 2);
  await expectTailInView(page);
});

// Side by side, a 420 px window left the lanes what the side column's 300 px did not take: a
// strip too narrow for a word. Stacked, each gets the full width (app/globals.css, max-width 760px).
test("a narrow window (420×800): the connection and the editor above the lanes, each the full width; a ping and its answer readable", async ({ page }) => {
  await page.setViewportSize({ width: 420, height: 800 });
  await connectOnline(page, "alice");
  const id = `narrow-${fresh()}`;
  await ping(page, id);
  const region = lanes(page);
  await region.scrollIntoViewIfNeeded();
  const editor = await pane(page).getByTestId("stanza-editor").boundingBox();
  const lanesBox = await region.boundingBox();
  expect(editor!.width).toBeGreaterThan(360);
  expect(lanesBox!.width).toBeGreaterThan(360);
  // Below the editor, not beside it.
  expect(lanesBox!.y).toBeGreaterThan(editor!.y + editor!.height);
  const answer = lanes(page).getByTestId("entry-in").filter({ hasText: id });
  await expect(answer).toBeInViewport();
  await expect(answer).toContainText("answers #");

  // Narrower still (320 px, a small phone): the status reads whole, the bound JID's resource
  // too. It wraps rather than ending in "…", which hid most of the resource, and in a restore
  // the end of "Restoring this session from the browser's storage…".
  await page.setViewportSize({ width: 320, height: 800 });
  const status = pane(page).getByTestId("connection-status");
  await expect(status).toHaveText(/^Online as alice@localhost\/\S{8,}$/);
  await status.scrollIntoViewIfNeeded();
  expect(await status.evaluate((element) => element.scrollWidth <= element.clientWidth && element.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
});

test("paused by the person, N new stays in view through a resize and jumps back to the tail", async ({ page }) => {
  const token = fresh();
  await page.setViewportSize({ width: 1600, height: 900 });
  await connectOnline(page, "alice");
  await pingBatch(page, `tail6-${token}`, 8);
  await entryList(page).hover();
  await page.mouse.wheel(0, -3000);
  const newest = lanes(page).getByRole("button", { name: /new ↓/ });
  await ping(page, `paused-${token}`);
  await expect(newest).toBeInViewport();
  await expect(newest).toHaveText(/^[1-9]\d* new ↓$/);
  // A layout change does not hide it, nor resume following behind the person's back.
  await page.setViewportSize({ width: 1000, height: 720 });
  await expect(newest).toBeInViewport();
  await newest.click();
  await expect(newest).toHaveCount(0);
  await expectTailInView(page);
});

test("a resend from the history expands the template afresh: a new id each time", async ({ page }) => {
  const token = fresh();
  await connectOnline(page, "alice");
  const template = `<iq type="get" id="hist-${token}-{{id}}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`;
  await sendStanza(page, template);
  const sent = lanes(page).getByTestId("entry-out").filter({ hasText: `hist-${token}-` });
  await expect(sent).toHaveCount(1);

  await typeStanza(page, "draft");
  await page.keyboard.press("ControlOrMeta+ArrowUp");
  // The history holds the text as typed, variables and all.
  await expect(pane(page).getByTestId("stanza-editor").locator(".view-lines")).toContainText(`id="hist-${token}-{{id}}"`);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(sent).toHaveCount(2);
  const ids = await sent.evaluateAll((rows) => rows.map((row) => /id=["'](hist-[^"']+)["']/.exec(row.textContent ?? "")?.[1] ?? ""));
  expect(ids[0]).toMatch(new RegExp(`^hist-${token}-pg-`));
  expect(ids[1]).toMatch(new RegExp(`^hist-${token}-pg-`));
  expect(ids[1]).not.toBe(ids[0]);
});

test("a reload keeps the transport and the server form; never the password", async ({ page }) => {
  await page.goto("/playground");
  const form = pane(page, "a").getByRole("form", { name: "Connection" });
  await form.getByLabel("JID").fill("carol@example.org");
  await form.getByLabel("Password").fill("s3cret-e2e-pw");
  await form.getByLabel("Transport").selectOption("tls");
  await form.getByLabel("SASL").selectOption("SCRAM-SHA-1");
  await form.getByLabel("Another server than the bundled one").check();
  await form.getByRole("textbox", { name: "Host" }).fill("xmpp.example.org");
  await form.getByRole("textbox", { name: "Port" }).fill("5223");

  await page.reload();
  await expect(form.getByLabel("JID")).toHaveValue("carol@example.org");
  await expect(form.getByLabel("Transport")).toHaveValue("tls");
  await expect(form.getByLabel("SASL")).toHaveValue("SCRAM-SHA-1");
  await expect(form.getByLabel("Another server than the bundled one")).toBeChecked();
  await expect(form.getByRole("textbox", { name: "Host" })).toHaveValue("xmpp.example.org");
  await expect(form.getByRole("textbox", { name: "Port" })).toHaveValue("5223");
  await expect(form.getByLabel("Password")).toHaveValue("");
  const stored = await page.evaluate(() => JSON.stringify(Object.entries(window.localStorage)));
  expect(stored).toContain("xmpp.example.org");
  expect(stored).not.toContain("s3cret-e2e-pw");
  expect(stored.toLowerCase()).not.toContain("password");
});

test("a reload keeps Two accounts and the layout: a maximized pane, the explanation, the filter row", async ({ page }) => {
  await page.goto("/playground");
  await pane(page, "a").getByRole("button", { name: "Explanation" }).click();
  await expect(pane(page, "a").getByTestId("explanation-panel")).toHaveCount(0);
  await lanes(page, "a").getByRole("button", { name: "Filters" }).click();
  await expect(lanes(page, "a").getByRole("group", { name: "Filters" })).toHaveCount(0);
  await page.getByLabel("Two accounts").check();
  await pane(page, "b").getByRole("form", { name: "Connection" }).getByLabel("Transport").selectOption("starttls");
  await pane(page, "b").getByRole("button", { name: "Maximize" }).click();
  await expect(pane(page, "a")).toBeHidden();

  await page.reload();
  await expect(page.getByLabel("Two accounts")).toBeChecked();
  // Pane b still fills the workbench; a is kept, out of sight.
  await expect(pane(page, "a")).toBeHidden();
  await expect(pane(page, "b").getByRole("form", { name: "Connection" }).getByLabel("Transport")).toHaveValue("starttls");
  await pane(page, "b").getByRole("button", { name: "Show both accounts" }).click();
  await expect(pane(page, "a")).toBeVisible();
  await pane(page, "a").getByRole("button", { name: "Maximize" }).click();
  await expect(pane(page, "a").getByRole("button", { name: "Explanation" })).toHaveAttribute("aria-pressed", "false");
  await expect(pane(page, "a").getByTestId("explanation-panel")).toHaveCount(0);
  await expect(lanes(page, "a").getByRole("button", { name: "Filters" })).toHaveAttribute("aria-expanded", "false");
  await expect(lanes(page, "a").getByRole("group", { name: "Filters" })).toHaveCount(0);
});

// A laptop and a desktop: how many rows of each pane must be readable at once (ping rows, two lines or three each).
for (const size of [
  { width: 1366, height: 768, rows: 3 },
  { width: 1920, height: 1080, rows: 5 },
]) {
  test(`two accounts at ${size.width}×${size.height}: the explanation and several rows of each pane's lanes in view`, async ({ page }, testInfo) => {
    const token = fresh();
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/playground");
    await page.getByLabel("Two accounts").check();
    await connectOnline(page, "alice", "a");
    await pingBatch(page, `room-${token}`, 4);
    await connectOnline(page, "bob", "b");
    const request = lanes(page, "a").getByTestId("entry-out").filter({ hasText: `room-${token}-3` });
    await request.click();
    const explanation = pane(page, "a").getByTestId("explanation-panel");
    await expect(explanation).toContainText("You send a request (iq get)");
    await expect(explanation).toBeInViewport({ ratio: 0.9 });
    await expect(pane(page, "b").getByTestId("explanation-panel")).toBeInViewport({ ratio: 0.9 });
    for (const paneId of ["a", "b"] as const) {
      const rowsInView = await entryList(page, paneId).evaluate((list) => {
        const viewport = list.parentElement!.getBoundingClientRect();
        return Array.from(list.querySelectorAll<HTMLElement>('[role="listitem"]')).filter((row) => {
          const box = row.getBoundingClientRect();
          return box.top >= viewport.top - 1 && box.bottom <= viewport.bottom + 1 && box.bottom <= window.innerHeight && box.height > 20;
        }).length;
      });
      expect(rowsInView, `rows of pane ${paneId} fully in view`).toBeGreaterThanOrEqual(size.rows);
    }
    await page.screenshot({ path: testInfo.outputPath(`two-accounts-${size.width}-dark.png`) });
    await page.getByRole("button", { name: "Light theme" }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
    await page.screenshot({ path: testInfo.outputPath(`two-accounts-${size.width}-light.png`) });

    // One pane maximized: the other stays connected, out of sight, and comes back as it was.
    await pane(page, "a").getByRole("button", { name: "Maximize" }).click();
    await expect(pane(page, "b")).toBeHidden();
    await expect(explanation).toBeInViewport({ ratio: 0.9 });
    await pane(page, "a").getByRole("button", { name: "Show both accounts" }).click();
    await expect(pane(page, "b").getByTestId("connection-status")).toContainText("Online as bob@");
    await expectTailInView(page, "b");
  });
}

test("/playground#proxy opens the proxy panel; Back to accounts takes #proxy off the address, so a reload shows the accounts", async ({ page }) => {
  await page.goto("/playground#proxy");
  const proxyPanel = page.getByTestId("proxy-panel");
  await expect(proxyPanel.getByRole("form", { name: "Start a proxy" })).toBeVisible();
  await expect(pane(page)).toBeHidden();
  const toggle = page.getByRole("button", { name: "Back to accounts" });
  await expect(toggle).toHaveAttribute("aria-pressed", "true");

  await toggle.click();
  await expect(pane(page)).toBeVisible();
  await expect(page).toHaveURL(/\/playground$/);
  await page.reload();
  await expect(pane(page).getByRole("form", { name: "Connection" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Proxy a client" })).toHaveAttribute("aria-pressed", "false");

  // Opened from the toolbar, the address says so: a reload comes back to the proxy.
  await page.getByRole("button", { name: "Proxy a client" }).click();
  await expect(page).toHaveURL(/\/playground#proxy$/);
  await page.reload();
  await expect(proxyPanel.getByRole("form", { name: "Start a proxy" })).toBeVisible();
});
