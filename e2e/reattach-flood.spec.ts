import type { Page, WebSocketRoute } from "@playwright/test";
import { expect, fresh, test } from "./fixtures";
import { startFlood } from "./flood";
import { connectOnline, disconnectIfOnline, entryList, lanes, pane, ping } from "./workbench-page";

/**
 * The page's link to the bridge drops again and again during a flood, once right after the
 * page asked to reattach (its attach left, the answer never came back, as when a flaky network
 * drops twice in a row): each time the page reattaches, the flood keeps reaching it, and every
 * seq is there once. And a reload whose attach loses its answer the same way gets its session
 * back rather than calling it ended.
 */

/** Messages a second to the page's account: each reattach has a backlog to resend. */
const FLOOD_RATE = 500;
/** Rows that must arrive after each reattach: the flood reaches the page again. */
const ROWS_AFTER_REATTACH = 300;
const DROPS = 4;
/** The drop whose reconnection loses its attach's answer. */
const DROP_DURING_ATTACH = 2;

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page);
});

async function listState(page: Page): Promise<{ rows: number; first: number; last: number }> {
  return entryList(page).evaluate((list) => {
    const { rowCount, firstSeq, lastSeq } = (list as HTMLElement).dataset;
    return { rows: Number(rowCount), first: Number(firstSeq), last: Number(lastSeq) };
  });
}

/**
 * Every bridge WebSocket of the page goes through the returned links, so a test can cut them as
 * a network would; `cutNextAttach()` makes the next link pass the page's attach to the bridge and
 * then close before any answer comes back (attachesCut counts those).
 */
async function routeBridgeLinks(page: Page) {
  const state = { links: [] as { page: WebSocketRoute; server: WebSocketRoute }[], attachesCut: 0, cutNextAttach: () => void (cutNext = true) };
  let cutNext = false;
  await page.routeWebSocket(/\/bridge$/, (socket) => {
    const server = socket.connectToServer();
    state.links.push({ page: socket, server });
    if (!cutNext) return;
    cutNext = false;
    // This link's first request from the page (its attach) reaches the bridge; nothing comes back after it.
    let attachSent = false;
    server.onMessage((message) => {
      if (!attachSent) socket.send(message);
    });
    socket.onMessage((message) => {
      server.send(message);
      if (attachSent || !String(message).includes('"op":"attach"')) return;
      attachSent = true;
      state.attachesCut++;
      void socket.close({ code: 1006, reason: "cut by the test" }).catch(() => undefined);
    });
  });
  return state;
}

test("the link drops during a flood, once while the page reattaches: the flood keeps reaching the page, every seq once", async ({ page, world, freshAccount }) => {
  test.setTimeout(60_000);
  const route = await routeBridgeLinks(page);
  const links = route.links;
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto("/playground");
  await connectOnline(page, freshAccount);
  const status = pane(page).getByTestId("connection-status");
  const reconnecting = pane(page).getByText("reconnecting to the bridge…");
  const running = await startFlood(world.server, freshAccount, `reattach-${fresh()}-`, FLOOD_RATE);
  try {
    await expect.poll(async () => (await listState(page)).last, { timeout: 15_000 }).toBeGreaterThan(ROWS_AFTER_REATTACH);
    for (let drop = 1; drop <= DROPS; drop++) {
      expect(links.length, `a live link to cut at drop ${drop}`).toBeGreaterThan(0);
      if (drop === DROP_DURING_ATTACH) route.cutNextAttach();
      for (const link of links.splice(0)) {
        await link.server.close().catch(() => undefined);
        await link.page.close({ code: 1006, reason: "cut by the test" }).catch(() => undefined);
      }
      // The page dialled again (twice after the drop that also loses the attach's answer).
      await expect.poll(() => links.length, { message: `the page reconnects after drop ${drop}` }).toBeGreaterThan(drop === DROP_DURING_ATTACH ? 1 : 0);
      await expect(reconnecting, `reattached after drop ${drop}`).toBeHidden({ timeout: 15_000 });
      await expect(status).toContainText(`Online as ${freshAccount.username}@localhost/`);
      const from = (await listState(page)).last;
      await expect
        .poll(async () => (await listState(page)).last, { message: `the flood reaches the page after drop ${drop}`, timeout: 15_000 })
        .toBeGreaterThan(from + ROWS_AFTER_REATTACH);
      const { rows, first, last } = await listState(page);
      expect({ rows, first }, `every seq once after drop ${drop}`).toEqual({ rows: last, first: 1 });
    }
    expect(route.attachesCut, "one reattach lost its answer").toBe(1);

    // The flood's last message arrives, after every one before it, numbered with no gap.
    const lastId = await running.stop();
    const lastRow = entryList(page).getByTestId("entry-in").filter({ hasText: new RegExp(`id=["']${lastId}["']`) });
    await expect(lastRow).toHaveCount(1, { timeout: 15_000 });
    const { rows, first, last } = await listState(page);
    expect({ rows, first }).toEqual({ rows: last, first: 1 });
  } finally {
    await running.dispose();
  }
});

test("a reload whose attach loses its answer to a dropped link: the session comes back, with its transcript", async ({ page, freshAccount }) => {
  const route = await routeBridgeLinks(page);
  await page.goto("/playground");
  await connectOnline(page, freshAccount);
  const before = `before-reload-${fresh()}`;
  await ping(page, before);
  const { last } = await listState(page);

  // The page after the reload asks to reattach; the link drops before the bridge answers.
  route.cutNextAttach();
  await page.reload();
  await expect.poll(() => route.attachesCut, { message: "the reload's attach was cut" }).toBe(1);
  const status = pane(page).getByTestId("connection-status");
  await expect(status).toContainText(`Online as ${freshAccount.username}@localhost/`);
  await expect(pane(page).getByRole("alert")).toHaveCount(0);
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: before })).toContainText("answers #");
  // The same session, not a new one: its seqs go on from where they were, each once.
  const after = `after-reload-${fresh()}`;
  await ping(page, after);
  const state = await listState(page);
  expect(state.first).toBe(1);
  expect(state.rows).toBe(state.last);
  expect(state.last).toBeGreaterThan(last);
});
