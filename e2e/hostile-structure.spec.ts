import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { messageWith, startHostileServer, type HostileServer } from "../test/hostile-server";
import { connectOnline, disconnectIfOnline, lanes, pane, ping, sendStanza, typeStanza } from "./workbench-page";

/**
 * Structure a server would never send a real client, and a failure inside one panel: the
 * workbench stays up. A 5,000-level stanza (35 KB) once crashed the page when its row was
 * selected (RangeError in explainEntry); now the views stop at their depth bound and say so,
 * and any throw inside a panel stays inside that panel.
 */

const LEVELS = 5_000;
const DEEP = messageWith(`<body>deep-5000</body><x xmlns='urn:example:deep'>${"<a>".repeat(LEVELS)}deep${"</a>".repeat(LEVELS)}</x>`);

const pageFailed = (page: Page) => page.getByText(/couldn.t load|Application error/i);

let hostile: HostileServer;

test.beforeAll(async ({ world }) => {
  // ejabberd 23.01 drops the sender's and the receiver's sessions on a 5,000-level stanza
  // (tried: both closed without a stream error), so the stanza comes from the project's hostile server.
  hostile = await startHostileServer({ port: world.hostilePort, script: (username) => (username === "deep" ? [DEEP] : []) });
});

test.afterAll(async () => {
  await hostile.close();
});

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page, "b");
  await disconnectIfOnline(page, "a");
});

test("a 5,000-level stanza from a server is selected, explained to the bound and shown raw, in a wide and a narrow window", async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("crash", () => errors.push("the page crashed"));
  expect(DEEP.length).toBeGreaterThan(35_000);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto("/playground");
  await page.getByLabel("Two accounts").check();
  await connectOnline(page, "alice", "a");
  const form = pane(page, "b").getByRole("form", { name: "Connection" });
  await form.getByLabel("JID").fill("deep@localhost");
  await form.getByLabel("Password").fill("anything");
  await form.getByLabel("Another server than the bundled one").check();
  await form.getByRole("textbox", { name: "Host" }).fill("127.0.0.1");
  await form.getByRole("textbox", { name: "Port" }).fill(String(hostile.port));
  await form.getByRole("button", { name: "Connect" }).click();

  const arrived = lanes(page, "b").getByTestId("entry-in").filter({ hasText: "deep-5000" });
  await expect(arrived).toHaveAttribute("data-kind", "message");
  await arrived.click();
  const explanation = pane(page, "b").getByTestId("explanation-panel");
  await expect(explanation).toContainText("The server sends a message of type chat");
  await expect(explanation).toContainText("Nested deeper than 100 levels; shown as raw text.");
  // Two accounts: each pane's view options sit behind its one-row toolbar's toggle.
  await lanes(page, "b").getByRole("button", { name: "options and filters" }).click();
  await lanes(page, "b").getByLabel("Pretty").check();
  await expect(lanes(page, "b").getByLabel("Pretty")).toBeChecked();
  expect(errors).toEqual([]);
  await expect(arrived.getByTestId("entry-raw-note")).toHaveText("Nested deeper than 100 levels; shown as raw text.");
  await page.screenshot({ path: testInfo.outputPath("hostile-wide.png") });

  // A phone-sized window: the panels stack; nothing gives way.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(explanation).toContainText("Nested deeper than 100 levels; shown as raw text.");
  await explanation.getByText("Nested deeper than 100 levels; shown as raw text.").scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath("hostile-narrow.png"), fullPage: true });

  // The page, the hostile session and the other pane's session are all alive.
  await expect(pageFailed(page)).toHaveCount(0);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await expect(pane(page, "b").getByTestId("connection-status")).toContainText("Online as deep@localhost/");
  await ping(page, "after-deep", "a");
  expect(errors).toEqual([]);
});

test("a throw inside the explanation stays in its panel, with a message and Try again; the lanes and the session go on", async ({ page }) => {
  await page.goto("/playground");
  await connectOnline(page, "alice");
  await sendStanza(page, `<message to="alice@localhost" type="chat"><body>PANEL-FAULT</body></message>`);
  const row = lanes(page).getByTestId("entry-out").filter({ hasText: "PANEL-FAULT" });
  await expect(row).toHaveCount(1);
  // The editor no longer holds the marker, so only the explanation meets it below.
  await typeStanza(page, `<presence/>`);

  // Fault injection: the explanation trims each element's text; make that throw for the marker.
  await page.evaluate(() => {
    const trim = String.prototype.trim;
    const saved = window as unknown as { __trim?: typeof trim };
    saved.__trim = trim;
    String.prototype.trim = function (this: string) {
      if (String(this).includes("PANEL-FAULT")) throw new Error("injected fault in the explanation");
      return trim.call(this);
    };
  });
  await row.click();
  const failure = pane(page).getByTestId("panel-failure");
  await expect(failure).toContainText("The explanation could not be shown. The rest of the page and your session go on.");
  await expect(failure).toContainText("injected fault in the explanation");
  await expect(pageFailed(page)).toHaveCount(0);
  await expect(lanes(page).getByTestId("entry-out").first()).toBeVisible();
  await ping(page, "while-broken");

  // Try again, once the fault is gone, shows the explanation.
  await page.evaluate(() => {
    const saved = window as unknown as { __trim?: () => string };
    if (saved.__trim) String.prototype.trim = saved.__trim;
  });
  await failure.getByRole("button", { name: "Try again" }).click();
  await expect(pane(page).getByTestId("explanation-panel")).toContainText("You send a message of type chat to alice@localhost.");
  await expect(pane(page).getByTestId("panel-failure")).toHaveCount(0);
});
