import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { connectAs, disconnectIfOnline, pane, typeStanza } from "./workbench-page";
import { WINDOW_ROWS, WINDOW_SLACK } from "../lib/transcript/query";

/**
 * /captures reads a capture in the workbench's own lanes: search, a link to one entry,
 * Load into editor, and a capture of two accounts opened as two panes.
 */

const ENTRIES = 3000;

/** A capture of pings and their answers, alternately out and in, #N answering #N-1. */
function bigCapture(count = ENTRIES): Buffer {
  const entries = Array.from({ length: count }, (_, index) => {
    const seq = index + 1;
    const out = seq % 2 === 1;
    const id = `p${out ? seq : seq - 1}`;
    const raw = out ? `<iq type='get' id='${id}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>` : `<iq type='result' id='${id}' from='localhost'/>`;
    return { seq, dir: out ? "out" : "in", at: seq, wall: 1_700_000_000_000 + seq, raw, kind: "iq", name: "iq", ns: "jabber:client", attrs: { id, type: out ? "get" : "result" }, ...(out ? {} : { pair: seq - 1, rttMs: 1 }) };
  });
  return Buffer.from(JSON.stringify({ format: "xmpp-playground-transcript", version: 1, exportedAt: "2025-01-01T00:00:00.000Z", meta: { jid: "alice@localhost/pg" }, entries }));
}

const capture = (page: Page) => page.getByRole("region", { name: "Capture" });
const rows = (page: Page) => capture(page).getByRole("list", { name: "Transcript entries" });
const row = (page: Page, seq: number) => rows(page).locator(`[data-seq="${seq}"]`);
const openFile = (page: Page, name: string, buffer: Buffer) => page.getByLabel("Transcript file or stream files to import").setInputFiles({ name, mimeType: "application/json", buffer });

test("a capture opens in the lanes: virtualised, searchable, paired, explained", async ({ page }) => {
  await page.goto("/captures");
  await openFile(page, "big.json", bigCapture());
  await expect(rows(page)).toHaveAttribute("data-row-count", String(ENTRIES));
  // Virtualised: far fewer rows in the page than in the capture.
  expect(await rows(page).getByRole("listitem").count()).toBeLessThan(300);

  const lanes = capture(page).getByRole("region", { name: "Stream lanes" });
  await lanes.getByRole("searchbox").fill("p2501'");
  await expect(lanes.getByRole("search")).toContainText("2 matches");
  await lanes.getByRole("searchbox").press("Enter");
  await expect(row(page, 2501)).toHaveAttribute("aria-current", "true");
  await expect(row(page, 2501)).toBeInViewport();
  await expect(row(page, 2501)).toContainText("answered by #2502");
  await expect(capture(page).getByTestId("explanation-panel")).toContainText("ping");
  // The address now links to the selected entry.
  await expect(page).toHaveURL(/#capture=big\.json&entry=2501$/);
  await expect(capture(page).getByTestId("entry-link")).toHaveText("Link to #2501");
});

test("a capture longer than the lanes lay out: earlier and later rows one click away, and search and Home reach them", async ({ page }) => {
  // Past WINDOW_ROWS + WINDOW_SLACK (lib/transcript/query.ts), the list lays out a window of the rows.
  const count = WINDOW_ROWS + WINDOW_SLACK + 5_000;
  await page.goto("/captures");
  await openFile(page, "long.json", bigCapture(count));
  await expect(rows(page)).toHaveAttribute("data-row-count", String(count));
  const lanes = capture(page).getByRole("region", { name: "Stream lanes" });
  const earlier = lanes.getByText(/^[\d,]+ earlier rows are not laid out\./);
  const later = lanes.getByText(/^[\d,]+ later rows are not laid out\./);
  // At the newest rows, the oldest are outside the window, and the note says how many.
  await expect(row(page, count)).toBeInViewport();
  await expect(earlier).toBeVisible();
  const notLaidOut = Number((await earlier.textContent())!.replace(/[^\d]/g, ""));
  expect(notLaidOut).toBeGreaterThan(0);
  await expect(row(page, 1)).toHaveCount(0);

  // Show earlier: the row just before the window, in view.
  await lanes.getByRole("button", { name: "Show earlier" }).click();
  await expect(row(page, notLaidOut)).toBeInViewport();

  // A search reaches a row outside the window, and the window moves to it.
  await lanes.getByRole("searchbox").fill("p101'");
  await lanes.getByRole("searchbox").press("Enter");
  await expect(row(page, 101)).toHaveAttribute("aria-current", "true");
  await expect(row(page, 101)).toBeInViewport();

  // Home on the selected row goes to the first; the newest rows are then the ones not laid out.
  await row(page, 101).focus();
  await page.keyboard.press("Home");
  await expect(row(page, 1)).toBeFocused();
  await expect(row(page, 1)).toBeInViewport();
  await expect(earlier).toHaveCount(0);
  await expect(later).toBeVisible();
  await lanes.getByRole("button", { name: "Show later" }).click();
  await expect(later).toHaveCount(0);
});

test("a link to entry #N selects and scrolls to it once its capture is open", async ({ page }) => {
  await page.goto("/captures#capture=big.json&entry=1777");
  await expect(page.getByTestId("link-waiting")).toHaveText("This link points to entry #1777 of big.json. Open that file to see it.");
  await openFile(page, "big.json", bigCapture());
  await expect(row(page, 1777)).toHaveAttribute("aria-current", "true");
  await expect(row(page, 1777)).toBeInViewport();
  await expect(page.getByTestId("link-waiting")).toHaveCount(0);

  // Another link pasted into the address bar moves the selection.
  await page.evaluate(() => (window.location.hash = "#capture=big.json&entry=42"));
  await expect(row(page, 42)).toHaveAttribute("aria-current", "true");
  await expect(row(page, 42)).toBeInViewport();
});

test("Load into editor opens the workbench with that stanza", async ({ page }) => {
  await page.goto("/captures");
  await openFile(page, "big.json", bigCapture());
  // The lanes open at the newest entry, as in the workbench.
  await row(page, 2999).click();
  const [workbench] = await Promise.all([page.waitForEvent("popup"), row(page, 2999).getByRole("button", { name: "Load into editor" }).click()]);
  await expect(workbench).toHaveURL(/\/playground$/);
  // A browser shows the new tab; headless Chromium leaves it in the background, where animation frames wait.
  await workbench.bringToFront();
  await expect(pane(workbench).getByTestId("stanza-editor").locator(".view-lines")).toContainText("id='p2999'");
  // The capture is still open here.
  await expect(row(page, 2999)).toHaveAttribute("aria-current", "true");
});

test.describe("two accounts", () => {
  test.afterEach(async ({ page }) => {
    await disconnectIfOnline(page, "b");
    await disconnectIfOnline(page, "a");
  });

  test("export as one capture with one timeline, and open as two panes", async ({ page }, testInfo) => {
    await page.goto("/playground");
    await page.getByLabel("Two accounts").check();
    await connectAs(page, "alice", "alice", "a");
    await connectAs(page, "bob", "bob", "b");
    await expect(pane(page, "a").getByTestId("connection-status")).toContainText("Online as alice@");
    await expect(pane(page, "b").getByTestId("connection-status")).toContainText("Online as bob@");
    const body = `one timeline ${Date.now()}`;
    await typeStanza(page, `<message to="alice@localhost" type="chat"><body>${body}</body></message>`, "b");
    await pane(page, "b").getByRole("button", { name: "Send", exact: true }).click();
    await expect(pane(page, "a").getByRole("region", { name: "Stream lanes" }).getByTestId("entry-in").filter({ hasText: body })).toHaveCount(1);

    await page.getByLabel("Export both accounts").click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Both accounts, one timeline (.json)" }).click()]);
    const path = testInfo.outputPath("both.json");
    await download.saveAs(path);
    const file = JSON.parse(await readFile(path, "utf8")) as { version: number; accounts: { id: string; jid?: string }[]; entries: { account: string; wall: number; dir: string; raw: string }[] };
    expect(file.version).toBe(2);
    expect(file.accounts.map((account) => [account.id, account.jid?.split("/")[0]])).toEqual([
      ["a", "alice@localhost"],
      ["b", "bob@localhost"],
    ]);
    expect(new Set(file.entries.map((entry) => entry.account))).toEqual(new Set(["a", "b"]));
    expect(file.entries.every((entry, index) => index === 0 || entry.wall >= file.entries[index - 1]!.wall)).toBe(true);
    // The message leaves bob before it reaches alice, in the one timeline.
    const sent = file.entries.findIndex((entry) => entry.account === "b" && entry.dir === "out" && entry.raw.includes(body));
    const received = file.entries.findIndex((entry) => entry.account === "a" && entry.dir === "in" && entry.raw.includes(body));
    expect(sent).toBeGreaterThanOrEqual(0);
    expect(received).toBeGreaterThan(sent);

    await page.goto("/captures");
    await page.getByLabel("Transcript file or stream files to import").setInputFiles(path);
    const panes = capture(page).getByTestId("capture-pane");
    await expect(panes).toHaveCount(2);
    await expect(panes.nth(0)).toHaveAttribute("aria-label", /^Account 1: alice@localhost\//);
    await expect(panes.nth(1)).toHaveAttribute("aria-label", /^Account 2: bob@localhost\//);
    await expect(panes.nth(1).getByTestId("entry-out").filter({ hasText: body })).toHaveCount(1);
    await expect(panes.nth(0).getByTestId("entry-in").filter({ hasText: body })).toHaveCount(1);
    await expect(panes.nth(1).getByTestId("entry-in").filter({ hasText: body })).toHaveCount(0);
  });
});
