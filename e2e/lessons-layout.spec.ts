import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import { openLesson, openStep, stepCheck } from "./lesson-page";

/**
 * The lesson page at the window sizes people use, from a phone to a desktop: after a send,
 * its verdict, the Send button and some of the lanes are all in view together, nothing
 * overlaps, and the page never scrolls sideways. The step is the one with a table (lesson
 * 06's subscription states: long prose, a scripted peer, the tallest "Not yet"), sent as
 * its starter, whose empty attribute the editor refuses first: the worst case.
 */
const course = loadCourse();
const TABLE = /^\|[-:| ]+\|\s*$/m;
const lesson = course.lessons.find((candidate) => candidate.steps.some((step) => TABLE.test(step.prose)))!;
const index = lesson.steps.findIndex((step) => TABLE.test(step.prose));

type Box = { x: number; y: number; width: number; height: number };

/** A search field this wide shows its placeholder ("search raw XML") or about a dozen typed characters. */
const MIN_SEARCH_PX = 110;

const VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
  { width: 1000, height: 800 },
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;

async function box(locator: Locator, what: string): Promise<Box> {
  const found = await locator.boundingBox();
  if (found === null) throw new Error(`${what} has no box: it is not rendered`);
  return found;
}

function expectInViewport(found: Box, viewport: { width: number; height: number }, what: string) {
  expect(found.x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
  expect(found.y, `${what}: top edge`).toBeGreaterThanOrEqual(0);
  expect(found.x + found.width, `${what}: right edge`).toBeLessThanOrEqual(viewport.width + 0.5);
  expect(found.y + found.height, `${what}: bottom edge`).toBeLessThanOrEqual(viewport.height + 0.5);
}

function overlap(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0.5 && height > 0.5 ? width * height : 0;
}

/**
 * Lane rows in view: the list's scrolling box is inside the window, and at least 20 px of
 * the row (a line of it) show there. The list follows the tail, so its top row is often
 * cut by the list's edge; the rows below it are whole.
 */
async function laneRowsInView(page: Page, viewport: { width: number; height: number }): Promise<number> {
  return page.getByRole("list", { name: "Transcript entries" }).evaluate((list, size) => {
    const port = list.parentElement!.getBoundingClientRect();
    if (port.top < -0.5 || port.bottom > size.height + 0.5 || port.left < -0.5 || port.right > size.width + 0.5) return 0;
    return [...list.querySelectorAll("[role=listitem]")].filter((row) => {
      const rect = row.getBoundingClientRect();
      return Math.min(rect.bottom, port.bottom) - Math.max(rect.top, port.top) >= 20;
    }).length;
  }, viewport);
}

async function noSidewaysScroll(page: Page, what: string) {
  const widths = await page.evaluate(() => {
    const main = document.querySelector<HTMLElement>("[data-testid=lesson-page]")!;
    return { page: document.scrollingElement!.scrollWidth - document.scrollingElement!.clientWidth, main: main.scrollWidth - main.clientWidth };
  });
  expect(widths, `${what}: nothing is wider than the window`).toEqual({ page: 0, main: 0 });
}

for (const viewport of VIEWPORTS) {
  test(`${viewport.width}×${viewport.height}: after a send the verdict, Send and lane rows are in view, nothing overlaps, no sideways scroll`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openLesson(page, lesson.slug);
    await openStep(page, index);
    const send = page.getByRole("button", { name: "Send", exact: true });
    const editor = page.getByTestId("stanza-editor");
    const editorStatus = page.getByTestId("editor-status");

    // The starter has an error: Send shows the editor's error box, which must not run under Send.
    await send.click();
    await expect(editorStatus).toHaveAttribute("role", "alert");
    await expect(editorStatus).toContainText("Not sent");
    expect(overlap(await box(editorStatus, "the editor's error box"), await box(send, "Send")), "the error box runs under Send").toBe(0);
    expect(overlap(await box(editorStatus, "the editor's error box"), await box(editor, "the editor")), "the error box covers the editor").toBe(0);

    await page.getByRole("button", { name: "Send anyway" }).click();
    await expect(stepCheck(page)).toHaveAttribute("data-state", "missing");
    await expect.poll(() => laneRowsInView(page, viewport), { message: "lane rows in view after the send" }).toBeGreaterThanOrEqual(3);
    // The sequence diagram opens by itself only where it leaves the lanes their rows; elsewhere it is one click away.
    const roomy = viewport.width >= 1400 && viewport.height >= 850;
    await expect(page.getByRole("button", { name: roomy ? "Hide diagram" : "Show diagram" })).toBeVisible();

    const boxes = {
      verdict: await box(stepCheck(page), "the step's verdict"),
      send: await box(send, "Send"),
      editor: await box(editor, "the editor"),
      editorStatus: await box(editorStatus, "the editor's status"),
      lanes: await box(page.getByRole("region", { name: "Stream lanes" }), "the lanes"),
    };
    expectInViewport(boxes.verdict, viewport, "the verdict");
    expectInViewport(boxes.send, viewport, "Send");
    const names = Object.keys(boxes) as (keyof typeof boxes)[];
    for (const [position, a] of names.entries()) {
      for (const b of names.slice(position + 1)) expect(overlap(boxes[a], boxes[b]), `${a} overlaps ${b}`).toBe(0);
    }
    await noSidewaysScroll(page, "after the send");

    // The lanes' search field keeps room to type in, beside its Regex box, however narrow the
    // lanes (the diagram beside them at 1400 px once squeezed it under the box).
    const lanesRegion = page.getByRole("region", { name: "Stream lanes" });
    const search = await box(lanesRegion.getByRole("searchbox", { name: "Search" }), "the lanes' search field");
    const regex = await box(lanesRegion.getByRole("checkbox", { name: "Regex" }).locator(".."), "the Regex box");
    expect(overlap(search, regex), "the search field runs under the Regex box").toBe(0);
    expect(search.width, "the search field's width").toBeGreaterThanOrEqual(MIN_SEARCH_PX);
    expect(search.x + search.width, "the search field's right edge, inside the lanes").toBeLessThanOrEqual(boxes.lanes.x + boxes.lanes.width + 0.5);
    // The steps between matches come with a search, and the field keeps its room.
    const searchBox = lanesRegion.getByRole("searchbox", { name: "Search" });
    await expect(lanesRegion.getByRole("button", { name: "Next match" })).toHaveCount(0);
    await searchBox.fill("presence");
    await expect(lanesRegion.getByRole("button", { name: "Next match" })).toBeEnabled();
    expect((await box(searchBox, "the lanes' search field")).width, "the search field's width, searching").toBeGreaterThanOrEqual(MIN_SEARCH_PX);
    await noSidewaysScroll(page, "while searching");

    // The scripted peer's badge stays inside its own box and inside the session panel.
    const badge = page.getByText("scripted peer (run by the server)");
    const fits = await badge.evaluate((element) => {
      const panel = element.closest("section")!.getBoundingClientRect();
      const own = element.getBoundingClientRect();
      return { inside: element.scrollWidth <= element.clientWidth, clientWidth: element.clientWidth, inPanel: own.right <= panel.right + 0.5 && own.left >= panel.left - 0.5 };
    });
    expect(fits.clientWidth, "the badge is a box of its own").toBeGreaterThan(0);
    expect(fits).toEqual({ inside: true, clientWidth: fits.clientWidth, inPanel: true });
  });
}

test("the subscription states render as a table, ruled, in both themes", async ({ page }) => {
  expect(lesson.accounts.peer, "the table's lesson has a scripted peer, for the badge").toBe("scripted");
  await page.setViewportSize({ width: 1366, height: 768 });
  await openLesson(page, lesson.slug);
  await openStep(page, index);
  const table = page.getByRole("article").getByRole("table");
  await expect(table).toBeVisible();
  await expect(table.getByRole("columnheader").first()).toBeVisible();
  expect(await table.getByRole("row").count()).toBeGreaterThan(2);
  await expect(page.getByRole("article")).not.toContainText("|---");
  for (const theme of ["dark", "light"] as const) {
    await page.evaluate((value) => (document.documentElement.dataset.theme = value), theme);
    const colours = await table.getByRole("cell").first().evaluate((cell) => {
      const style = getComputedStyle(cell);
      return { border: style.borderTopStyle, colour: style.color, background: getComputedStyle(cell.closest("table")!.querySelector("th")!).backgroundColor };
    });
    expect(colours.border, `${theme}: cells are ruled`).toBe("solid");
    expect(colours.background, `${theme}: the header row is tinted`).not.toBe("rgba(0, 0, 0, 0)");
  }
});
