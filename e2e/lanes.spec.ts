import type { Page } from "@playwright/test";
import { expect, fresh, test } from "./fixtures";
import { connectOnline, disconnectIfOnline, entryList, lanes, pane, ping, sendStanza } from "./workbench-page";

/**
 * The lanes as a person reads them against the real server: filters, search, the pairing
 * of an iq with its answer, resending an edited stanza, Clear and Undo, and hostile text.
 */

/** A token no other test (or earlier run against the same server) has used. */

const rows = (page: Page) => entryList(page).getByRole("listitem");

// A closed tab's session lingers for reattachment; end it so its presence does not reach the next test's alice.
test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page);
});

// It counts rows, so it logs in as an account of its own: another test's alice could send presence mid-count.
test("filter by kind and by direction, then clear the filters", async ({ page, freshAccount }) => {
  const token = fresh();
  await connectOnline(page, freshAccount);
  await ping(page, `filter-${token}`);
  await sendStanza(page, `<message to="${freshAccount.username}@localhost" type="chat" id="msg-${token}"><body>filters ${token}</body></message>`);
  // The message comes back to its sender (initial presence was sent, so the account is reachable).
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: `filters ${token}` })).toHaveAttribute("data-kind", "message");

  const list = entryList(page);
  // Short transcripts are rendered whole: every row is in the DOM, and the list says how many there are.
  const total = await rows(page).count();
  await expect(list).toHaveAttribute("data-row-count", String(total));
  await expect(list).toHaveAttribute("data-last-seq", String(total));
  const iqCount = await rows(page).and(page.locator('[data-kind="iq"]')).count();
  const inCount = await rows(page).and(page.getByTestId("entry-in")).count();
  const inIqCount = await rows(page).and(page.getByTestId("entry-in")).and(page.locator('[data-kind="iq"]')).count();
  // The ping and its answer at least; and the filters must really narrow something.
  expect(iqCount).toBeGreaterThanOrEqual(2);
  expect(iqCount).toBeLessThan(total);
  expect(inCount).toBeLessThan(total);

  const filters = lanes(page).getByRole("group", { name: "Filters" });

  // Kinds: none, then iq only.
  await filters.getByText("Kinds: all").click();
  await filters.getByRole("button", { name: "None", exact: true }).click();
  await expect(lanes(page)).toContainText("No entry matches these filters");
  await expect(rows(page)).toHaveCount(0);
  await filters.getByRole("checkbox", { name: "iq", exact: true }).check();
  await expect(filters.getByText("Kinds: iq")).toBeVisible();
  await expect(list).toHaveAttribute("data-row-count", String(iqCount));
  await expect(rows(page)).toHaveCount(iqCount);
  await expect(rows(page).and(page.locator(':not([data-kind="iq"])'))).toHaveCount(0);
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: `filter-${token}` })).toBeVisible();
  await expect(lanes(page).getByText(`filters ${token}`)).toHaveCount(0);

  // Back to every kind, then server to client only.
  await filters.getByRole("button", { name: "All", exact: true }).click();
  await expect(list).toHaveAttribute("data-row-count", String(total));
  const direction = filters.getByRole("group", { name: "Direction" });
  await direction.getByRole("button", { name: "C→S" }).click();
  await direction.getByRole("button", { name: "events" }).click();
  await expect(direction.getByRole("button", { name: "C→S" })).toHaveAttribute("aria-pressed", "false");
  await expect(direction.getByRole("button", { name: "S→C" })).toHaveAttribute("aria-pressed", "true");
  await expect(list).toHaveAttribute("data-row-count", String(inCount));
  await expect(rows(page)).toHaveCount(inCount);
  await expect(rows(page).and(page.locator(':not([data-testid="entry-in"])'))).toHaveCount(0);
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: `filters ${token}` })).toBeVisible();

  // Both at once: iq answers from the server only.
  await filters.getByText("Kinds: all").click();
  await filters.getByRole("button", { name: "None", exact: true }).click();
  await filters.getByRole("checkbox", { name: "iq", exact: true }).check();
  await expect(list).toHaveAttribute("data-row-count", String(inIqCount));
  await expect(rows(page).and(page.locator(':not([data-testid="entry-in"][data-kind="iq"])'))).toHaveCount(0);

  await filters.getByRole("button", { name: "Clear filters" }).click();
  await expect(list).toHaveAttribute("data-row-count", String(total));
  await expect(rows(page)).toHaveCount(total);
  await expect(filters.getByText("Kinds: all")).toBeVisible();
  for (const name of ["C→S", "S→C", "events"]) await expect(direction.getByRole("button", { name })).toHaveAttribute("aria-pressed", "true");
  await expect(filters.getByRole("button", { name: "Clear filters" })).toHaveCount(0);
});

// A short transcript is rendered whole, but a burst of rows is not mounted in one go: the rows in
// view first, the rest a frame at a time (entry-list.tsx, WHOLE_ROWS_PER_COMMIT; issue 17: 50
// pings pasted on a fresh page were one task of 56-74 ms).
test("sixty pings pasted at once: the rows in view come first, then every row is in the DOM", async ({ page, freshAccount }) => {
  const token = fresh();
  await connectOnline(page, freshAccount);
  const list = entryList(page);
  // Rows each batch of DOM changes added to the list, and how many of them lay outside the view.
  // React commits a render's rows in one batch, but two commits in one task (the next step's rows
  // and an arrival's rows in view, rendered together) come as one batch, so the bound is on the
  // rows out of view: one step (WHOLE_ROWS_PER_COMMIT, 32) and the overscan on each side
  // (FOLLOWING_OVERSCAN, 2). Every row mounted at once would put over a hundred out of view.
  await list.evaluate((element) => {
    const batches: { added: number; outOfView: number }[] = [];
    (window as unknown as { rowBatches: typeof batches }).rowBatches = batches;
    const viewport = element.parentElement!;
    new MutationObserver((records) => {
      const added = records.flatMap((record) => [...record.addedNodes]).filter((node): node is Element => node instanceof Element && node.parentElement === element);
      if (added.length === 0) return;
      const view = viewport.getBoundingClientRect();
      const outOfView = added.filter((row) => {
        const box = row.getBoundingClientRect();
        return box.bottom <= view.top || box.top >= view.bottom;
      }).length;
      batches.push({ added: added.length, outOfView });
    }).observe(element, { childList: true });
  });
  const pings = Array.from({ length: 60 }, (_, i) => `<iq type="get" id="burst-${token}-${i}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`);
  await sendStanza(page, pings.join("\n"));
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: `burst-${token}-59` })).toContainText("answers #");
  // Rendered whole in the end: every row of the list is in the DOM.
  const total = Number(await list.getAttribute("data-row-count"));
  expect(total).toBeGreaterThan(120);
  await expect(rows(page)).toHaveCount(total);
  // The sixty requests came in one message, yet no commit mounted more than the rows in view and one step.
  const batches = await page.evaluate(() => (window as unknown as { rowBatches: { added: number; outOfView: number }[] }).rowBatches);
  expect(batches.length).toBeGreaterThan(1);
  expect(batches.reduce((sum, batch) => sum + batch.added, 0)).toBeGreaterThanOrEqual(120);
  expect(Math.max(...batches.map((batch) => batch.outOfView)), JSON.stringify(batches)).toBeLessThanOrEqual(32 + 2 * 2);
});

test("search: one match highlighted, a bad regex explained, Enter and Shift+Enter step through matches", async ({ page }) => {
  const token = fresh();
  await connectOnline(page, "alice");
  // A directed presence to someone offline: nothing comes back, so its id is on one row only.
  await sendStanza(page, `<presence to="bob@localhost" id="solo-${token}"/>`);
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: `solo-${token}` })).toHaveAttribute("data-kind", "presence");
  // A ping: its id is on the request and on the answer, two matches.
  await ping(page, `twice-${token}`);
  const list = entryList(page);
  // Every entry has its row: rows from seq 1 to the last seq, as many as that. Read together, not
  // against a count taken earlier: the server may still answer the directed presence (an error,
  // a probe's reply) while the test goes on. A filtered list would start past 1 or count fewer.
  const everyRow = () =>
    expect
      .poll(async () => {
        const [count, first, last] = await Promise.all(["data-row-count", "data-first-seq", "data-last-seq"].map((name) => list.getAttribute(name)));
        return `from ${first}, ${Number(last) - Number(count)} missing`;
      }, { message: "a row for every entry" })
      .toBe("from 1, 0 missing");
  await everyRow();

  const search = lanes(page).getByRole("searchbox", { name: "Search" });
  await search.fill(`solo-${token}`);
  await expect(search).toHaveAccessibleDescription("1 match");
  const solo = lanes(page).getByTestId("entry-out").filter({ hasText: `solo-${token}` });
  await expect(solo.locator("mark")).toHaveText(`solo-${token}`);
  await expect(lanes(page).locator("mark")).toHaveCount(1);
  // Search finds, it does not filter: every row is still there.
  await everyRow();
  await search.press("Enter");
  await expect(search).toHaveAccessibleDescription("1 of 1");
  await expect(solo).toHaveAttribute("aria-current", "true");

  // An invalid regular expression is explained; the lanes stay as they were.
  await lanes(page).getByRole("checkbox", { name: "Regex" }).check();
  await search.fill("(");
  await expect(search).toHaveAttribute("aria-invalid", "true");
  await expect(search).toHaveAccessibleDescription(/^Not a valid regular expression: .+/);
  await expect(lanes(page).getByText(/Not a valid regular expression/)).toBeVisible();
  await expect(lanes(page).locator("mark")).toHaveCount(0);
  await everyRow();
  // Fixing it brings the search back (regex, case-insensitive).
  await search.fill(`TWICE-${token}`);
  await expect(search).toHaveAttribute("aria-invalid", "false");
  await expect(search).toHaveAccessibleDescription(/^(2 matches|\d of 2)$/);

  // Two matches: the request, then its answer, wrapping around; Shift+Enter goes back.
  const request = lanes(page).getByTestId("entry-out").filter({ hasText: `twice-${token}` });
  const answer = lanes(page).getByTestId("entry-in").filter({ hasText: `twice-${token}` });
  await expect(request.locator("mark")).toHaveText(`twice-${token}`);
  await expect(answer.locator("mark")).toHaveText(`twice-${token}`);
  await search.press("Enter");
  await expect(search).toHaveAccessibleDescription("1 of 2");
  await expect(request).toHaveAttribute("aria-current", "true");
  await search.press("Enter");
  await expect(search).toHaveAccessibleDescription("2 of 2");
  await expect(answer).toHaveAttribute("aria-current", "true");
  await expect(request).not.toHaveAttribute("aria-current", "true");
  await search.press("Enter");
  await expect(search).toHaveAccessibleDescription("1 of 2");
  await expect(request).toHaveAttribute("aria-current", "true");
  await search.press("Shift+Enter");
  await expect(search).toHaveAccessibleDescription("2 of 2");
  await expect(answer).toHaveAttribute("aria-current", "true");
  await search.press("Shift+Enter");
  await expect(search).toHaveAccessibleDescription("1 of 2");
  await expect(request).toHaveAttribute("aria-current", "true");
  // The keys stayed in the search field all along.
  await expect(search).toBeFocused();
});

test("an iq and its answer are paired, with the round trip, and P jumps between them", async ({ page }) => {
  const id = `pair-${fresh()}`;
  await connectOnline(page, "alice");
  await ping(page, id);
  const request = lanes(page).getByTestId("entry-out").filter({ hasText: id });
  const answer = lanes(page).getByTestId("entry-in").filter({ hasText: id });
  const requestSeq = await request.getAttribute("data-seq");
  const answerSeq = await answer.getAttribute("data-seq");
  expect(Number(answerSeq)).toBeGreaterThan(Number(requestSeq));

  // Each names the other, with the round trip.
  await expect(request).toContainText(new RegExp(`answered by #${answerSeq} in \\d+(\\.\\d+)? (ms|s)`));
  await expect(answer).toContainText(new RegExp(`answers #${requestSeq} in \\d+(\\.\\d+)? (ms|s)`));

  // Selecting the request marks its answer as the pair.
  await request.locator("pre").click();
  await expect(request).toHaveAttribute("aria-current", "true");
  await expect(request).toBeFocused();
  await expect(answer).toHaveClass(/partner/);
  await expect(request).not.toHaveClass(/partner/);
  await expect(lanes(page).locator('[role="listitem"][class*="partner"]')).toHaveCount(1);

  // P: to the answer, and back.
  await page.keyboard.press("p");
  await expect(answer).toHaveAttribute("aria-current", "true");
  await expect(answer).toBeFocused();
  await expect(request).toHaveClass(/partner/);
  await expect(answer).not.toHaveClass(/partner/);
  await page.keyboard.press("p");
  await expect(request).toHaveAttribute("aria-current", "true");
  await expect(request).toBeFocused();

  // A row without a pair: P stays put.
  const streamOpen = lanes(page).getByTestId("entry-out").and(page.locator('[data-kind="stream-open"]')).first();
  await streamOpen.locator("pre").click();
  await expect(streamOpen).toHaveAttribute("aria-current", "true");
  await expect(lanes(page).locator('[role="listitem"][class*="partner"]')).toHaveCount(0);
  await page.keyboard.press("p");
  await expect(streamOpen).toHaveAttribute("aria-current", "true");
});

test("load a sent stanza into the editor, change its id, send it again", async ({ page }) => {
  const token = fresh();
  const original = `orig${token}`;
  const edited = `edit${token}`;
  const stanza = `<iq type="get" id="${original}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`;
  await connectOnline(page, "alice");
  await ping(page, original);

  // Clear the editor first, so that what comes back can only come from the row.
  const editor = pane(page).getByTestId("stanza-editor");
  await clearEditor(page);
  await expect(editor.locator(".view-lines")).not.toContainText(original);

  const sent = lanes(page).getByTestId("entry-out").filter({ hasText: original });
  await sent.locator("pre").dblclick();
  await expect(lanes(page).getByRole("status")).toHaveText(/^Loaded #\d+ into the editor\.$/);
  await expect(editor.locator(".view-lines")).toContainText(stanza);

  // Double-click the id's value in the editor (selects the word) and replace it.
  await editor.locator(".view-lines").getByText(original).dblclick();
  // Pasted over the selection (one input event): typing it key by key is covered in keyboard.spec.ts.
  await page.keyboard.insertText(edited);
  await expect(editor.locator(".view-lines")).toContainText(`<iq type="get" id="${edited}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`);
  await expect(editor.locator(".view-lines")).not.toContainText(original);

  await page.keyboard.press("ControlOrMeta+Enter");
  const resent = lanes(page).getByTestId("entry-out").filter({ hasText: edited });
  await expect(resent).toHaveAttribute("data-kind", "iq");
  await expect(resent).toContainText(`id="${edited}"`);
  const resentSeq = await resent.getAttribute("data-seq");
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: edited })).toContainText(`answers #${resentSeq}`);
  // The original is still there, once.
  await expect(sent).toHaveCount(1);
});

test("Clear hides every row, Undo brings them back", async ({ page }) => {
  const token = fresh();
  await connectOnline(page, "alice");
  await ping(page, `before-${token}`);
  const list = entryList(page);
  const count = await rows(page).count();
  await expect(list).toHaveAttribute("data-row-count", String(count));
  const status = lanes(page).getByRole("status");

  await lanes(page).getByRole("button", { name: "Clear", exact: true }).click();
  await expect(rows(page)).toHaveCount(0);
  await expect(list).toHaveCount(0);
  await expect(lanes(page)).toContainText("Cleared. New entries will appear here.");
  await expect(status).toHaveText(`Cleared ${count} entries. Undo brings them back.`);
  await expect(lanes(page).getByRole("button", { name: "Clear", exact: true })).toBeDisabled();

  // The Undo in the empty state.
  await lanes(page).getByRole("button", { name: "Undo", exact: true }).click();
  await expect(list).toHaveAttribute("data-row-count", String(count));
  await expect(list).toHaveAttribute("data-first-seq", "1");
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: `before-${token}` })).toBeVisible();
  await expect(status).toHaveText("The cleared entries are back.");

  // Clear again; new entries still arrive, and Undo clear in the toolbar brings back the old ones with them.
  await lanes(page).getByRole("button", { name: "Clear", exact: true }).click();
  await expect(rows(page)).toHaveCount(0);
  await ping(page, `after-${token}`);
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: `before-${token}` })).toHaveCount(0);
  await expect(list).toHaveAttribute("data-first-seq", String(count + 1));
  await lanes(page).getByRole("button", { name: "Undo clear" }).click();
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: `before-${token}` })).toBeVisible();
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: `after-${token}` })).toBeVisible();
  await expect(list).toHaveAttribute("data-first-seq", "1");
  const lastSeq = await list.getAttribute("data-last-seq");
  await expect(list).toHaveAttribute("data-row-count", lastSeq!);
  expect(Number(lastSeq)).toBeGreaterThanOrEqual(count + 2);
});

test("hostile text in a stanza is shown as text and never runs", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const token = fresh();
  const script = "<script>window.__pwned=1</script>";
  const img = `<img src=x onerror="window.__pwned=2">`;
  const escaped = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  const link = "javascript:alert(1)";
  await connectOnline(page, "alice");
  await sendStanza(
    page,
    `<message to="alice@localhost" type="chat" id="xss-${token}"><body>${escaped(script + img)}</body>` +
      `<html xmlns="http://jabber.org/protocol/xhtml-im"><body xmlns="http://www.w3.org/1999/xhtml"><a href="${link}">click ${token}</a></body></html></message>`,
  );

  // It goes out and comes back to alice, and both rows show the XML as it crossed the wire.
  const sent = lanes(page).getByTestId("entry-out").filter({ hasText: `xss-${token}` });
  const received = lanes(page).getByTestId("entry-in").filter({ hasText: `xss-${token}` });
  await expect(sent).toHaveAttribute("data-kind", "message");
  await expect(received).toHaveAttribute("data-kind", "message");
  for (const row of [sent, received]) {
    await expect(row).toContainText("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
    await expect(row).toContainText(/&lt;img src=x onerror=("|&quot;)window\.__pwned=2("|&quot;)&gt;/);
    await expect(row).toContainText(/href=["']javascript:alert\(1\)["']/);
  }

  // Selected (the explanation panel reads it) and pretty-printed, it stays text.
  await received.locator("pre").click();
  await expect(received).toHaveAttribute("aria-current", "true");
  await lanes(page).getByRole("checkbox", { name: "Pretty" }).check();
  await expect(received).toContainText(`click ${token}`);
  await expect(received).toContainText("window.__pwned=1");

  await expect(page.getByTestId("explanation-panel")).not.toContainText("Select an entry in the lanes");

  // Nothing from the stanza became an element: no script, no img, no javascript: link anywhere in the page.
  expect(await page.evaluate(() => [...document.scripts].filter((script) => script.text.includes("__pwned")).length)).toBe(0);
  await expect(page.locator('img[src="x"], img[onerror]')).toHaveCount(0);
  await expect(page.locator('[href^="javascript:"]')).toHaveCount(0);
  // Let an image that failed to load have fired its onerror by now: load a missing one ourselves and wait for its error.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const probe = new Image();
        probe.onerror = probe.onload = () => resolve();
        probe.src = `x?probe=${Date.now()}`;
      }),
  );
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
});

/** Empties the editor without sending anything. */
async function clearEditor(page: Page) {
  const editor = pane(page).getByTestId("stanza-editor");
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
}
