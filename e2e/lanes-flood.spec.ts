import type { Locator, Page } from "@playwright/test";
import { expect, fresh, test } from "./fixtures";
import { startFlood, type Flood } from "./flood";
import type { Credentials } from "../lib/xmpp/in-band-registration";
import type { XmppServerInstance } from "../scripts/lib/instances";
import { connectOnline, disconnectIfOnline, entryList, lanes } from "./workbench-page";
import { INPUT_HOLD_MS } from "../lib/transcript/follow-tail";

/**
 * The lanes under a steady flood from a real peer (the bench's flood generator, against the
 * world's ejabberd): they follow the tail until the person scrolls away, keep what the person
 * reads in view while the flood goes on, and follow again once the person is back at the tail.
 */

/** Rows before the person scrolls: far past the 200 a list renders whole, so it is virtualised. */
const ROWS_BEFORE_SCROLLING = 400;
/** Rows that must arrive while the person reads: a list still following would have moved well past the row read. */
const ROWS_WHILE_READING = 200;

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page);
});

const lastSeq = async (list: Locator) => Number(await list.getAttribute("data-last-seq"));

/**
 * The seq of a row wholly inside the list's scrolling viewport, near its middle: the row the
 * person reads. Read once the scroll has come to rest: Chromium animates a wheel turn and a
 * PageUp, and a row picked mid-animation can leave the view as the animation ends (a CI run on
 * a loaded machine picked one). At rest means the same scrollTop for several frames in a row.
 */
function rowInView(list: Locator): Promise<number> {
  return list.evaluate(async (sizer) => {
    const viewport = sizer.parentElement!;
    const STILL_FRAMES = 5;
    const MAX_FRAMES = 600;
    let previous = viewport.scrollTop;
    let still = 0;
    for (let frame = 0; still < STILL_FRAMES; frame++) {
      if (frame === MAX_FRAMES) throw new Error(`the list's scroll did not come to rest in ${MAX_FRAMES} frames`);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      still = viewport.scrollTop === previous ? still + 1 : 0;
      previous = viewport.scrollTop;
    }
    const view = viewport.getBoundingClientRect();
    const middle = view.top + view.height / 2;
    const rows = [...sizer.querySelectorAll<HTMLElement>('[role="listitem"]')].filter((row) => {
      const box = row.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    });
    if (rows.length === 0) throw new Error("no row is wholly in view");
    rows.sort((a, b) => Math.abs(a.getBoundingClientRect().top - middle) - Math.abs(b.getBoundingClientRect().top - middle));
    return Number(rows[0]!.dataset.seq);
  });
}

/**
 * The newest row laid out is in view, read in one look at the page: during a flood, a look
 * at the row count and a second one at the row would see the tail move on in between.
 */
function tailInView(list: Locator): Promise<{ last: number; inView: boolean }> {
  return list.evaluate((sizer) => {
    const last = Number(sizer.dataset.lastSeq);
    const view = sizer.parentElement!.getBoundingClientRect();
    const box = sizer.querySelector(`[data-seq="${last}"]`)?.getBoundingClientRect();
    return { last, inView: box !== undefined && box.top >= view.top - 1 && box.bottom <= view.bottom + 1 };
  });
}

/** The list follows: rows keep arriving, and the newest is in view. */
async function expectFollowing(page: Page) {
  const list = entryList(page);
  const from = await lastSeq(list);
  await expect
    .poll(async () => {
      const { last, inView } = await tailInView(list);
      return last > from + 50 && inView;
    }, { message: "the newest row in view as rows keep arriving", timeout: 15_000 })
    .toBe(true);
}

/**
 * The person reads the row `readSeq` while the flood goes on: that row stays where it is,
 * the newest rows are not in view, and the jump back counts what came meanwhile.
 */
async function expectReading(page: Page, readSeq: number) {
  const list = entryList(page);
  const newest = lanes(page).getByRole("button", { name: /new ↓/ });
  await expect(newest).toBeVisible();
  const pausedAt = await lastSeq(list);
  await expect.poll(() => lastSeq(list), { message: "the flood goes on while the person reads", timeout: 15_000 }).toBeGreaterThan(pausedAt + ROWS_WHILE_READING);
  await expect(list.locator(`[data-seq="${readSeq}"]`), "the row read stays in view").toBeInViewport();
  expect((await tailInView(list)).inView, "the newest row is not in view").toBe(false);
  await expect.poll(async () => Number(/^([\d,]+) new/.exec((await newest.textContent()) ?? "")?.[1]?.replaceAll(",", "")), { message: "the jump back counts the rows that came" }).toBeGreaterThan(ROWS_WHILE_READING);
  return newest;
}

/** After the flood, its last message is the row in view at the bottom. */
async function expectLastOfFlood(page: Page, lastId: string) {
  const row = entryList(page).getByTestId("entry-in").filter({ hasText: new RegExp(`id=["']${lastId}["']`) });
  await expect(row).toBeInViewport();
  await expect(row).toHaveAttribute("data-seq", String(await lastSeq(entryList(page))));
}

/**
 * The workbench online as `account`, flooded by a peer of the test's own; returns once the list
 * is virtualised and follows the flood. Four phases of a flood each wait on the page, which on
 * a loaded machine can take a minute: the test's timeout is set to allow it.
 */
async function floodedLanes(page: Page, server: XmppServerInstance, account: Credentials): Promise<{ list: Locator; running: Flood }> {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await connectOnline(page, account);
  const list = entryList(page);
  const running = await startFlood(server, account, `flood-${fresh()}-`);
  try {
    await expect.poll(() => list.getAttribute("data-row-count").then(Number), { timeout: 15_000 }).toBeGreaterThan(ROWS_BEFORE_SCROLLING);
    await expectFollowing(page);
  } catch (error) {
    await running.dispose();
    throw error;
  }
  return { list, running };
}

test("scrolling up with the wheel during a flood stops following; the jump back follows again", async ({ page, world, freshAccount }) => {
  const { list, running } = await floodedLanes(page, world.server, freshAccount);
  try {

    // A few notches of the wheel, as a person scrolls up, while the page is busy for longer than
    // the input hold after each (as when a reconnect's backlog renders): each notch's scroll event
    // comes too late to read as the person's, and the wheel turn itself must stop the following.
    await page.evaluate((busyMs) => {
      window.addEventListener("wheel", () => {
        const until = performance.now() + busyMs;
        while (performance.now() < until);
      });
    }, INPUT_HOLD_MS + 200);
    await list.hover();
    for (let notch = 0; notch < 3; notch++) await page.mouse.wheel(0, -300);
    const newest = lanes(page).getByRole("button", { name: /new ↓/ });
    await expect(newest).toBeVisible();
    const readSeq = await rowInView(list);
    await expectReading(page, readSeq);

    await newest.click();
    await expect(newest).toHaveCount(0);
    await expectFollowing(page);
    await expectLastOfFlood(page, await running.stop());
  } finally {
    await running.dispose();
  }
});

test("PageUp and Home on the focused list during a flood stop following; End follows again", async ({ page, world, freshAccount }) => {
  const { list, running } = await floodedLanes(page, world.server, freshAccount);
  try {

    // Into the list with the keyboard: Tab from the search box reaches its rows.
    await lanes(page).getByRole("searchbox", { name: "Search" }).focus();
    const focused = page.locator(":focus");
    for (let press = 0; press < 20 && !(await list.locator(":focus").count()); press++) await page.keyboard.press("Tab");
    await expect(focused).toHaveRole("listitem");

    await page.keyboard.press("PageUp");
    await page.keyboard.press("PageUp");
    const readSeq = await rowInView(list);
    await expectReading(page, readSeq);

    await page.keyboard.press("End");
    await expect(lanes(page).getByRole("button", { name: /new ↓/ })).toHaveCount(0);
    await expectFollowing(page);

    await page.keyboard.press("Home");
    await expect(focused).toHaveAttribute("data-seq", await list.getAttribute("data-first-seq") ?? "");
    await expectReading(page, Number(await focused.getAttribute("data-seq")));

    await page.keyboard.press("End");
    await expect(lanes(page).getByRole("button", { name: /new ↓/ })).toHaveCount(0);
    await expectFollowing(page);
    await expectLastOfFlood(page, await running.stop());
  } finally {
    await running.dispose();
  }
});

/** The count the page keeps of updates React made to the lanes' inputs (see the test below). */
interface ToolbarInputUpdates {
  count: number;
}

test("the toolbar does not render with every batch: its inputs are left alone while the flood's rows arrive", async ({ page, world, freshAccount }) => {
  // React updates each <input> it commits (react-dom's updateInput), and for an input without a
  // name that update removes the attribute: such calls on the lanes' inputs (the toolbar's; rows
  // have none) count the toolbar's commits. Rendered with every batch, the toolbar cost a reload
  // of a big transcript half a second of main thread in those updates alone (issue 17).
  await page.addInitScript(() => {
    const updates: ToolbarInputUpdates = { count: 0 };
    (window as unknown as { toolbarInputUpdates: ToolbarInputUpdates }).toolbarInputUpdates = updates;
    const removeAttribute = Element.prototype.removeAttribute;
    Element.prototype.removeAttribute = function (this: Element, name: string) {
      if (name === "name" && this instanceof HTMLInputElement && this.closest('[aria-label="Stream lanes"]') !== null) updates.count++;
      removeAttribute.call(this, name);
    };
  });
  const { list, running } = await floodedLanes(page, world.server, freshAccount);
  try {
    const updates = () => page.evaluate(() => (window as unknown as { toolbarInputUpdates: ToolbarInputUpdates }).toolbarInputUpdates.count);
    const before = await updates();
    const from = await lastSeq(list);
    await expect.poll(() => lastSeq(list), { message: "the flood's rows keep arriving", timeout: 15_000 }).toBeGreaterThan(from + ROWS_WHILE_READING);
    expect(await updates(), `the toolbar's inputs updated while ${ROWS_WHILE_READING}+ rows arrived`).toBe(before);
    // The count does see a commit of the toolbar: a change of its own updates its inputs.
    await lanes(page).getByRole("checkbox", { name: "Pretty" }).check();
    await expect.poll(updates, { message: "the toolbar's inputs updated once Pretty was ticked" }).toBeGreaterThan(before);
  } finally {
    await running.dispose();
  }
});
