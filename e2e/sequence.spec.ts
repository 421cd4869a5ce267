import type { Locator, Page } from "@playwright/test";
import { expect, fresh, test } from "./fixtures";
import { openLesson, openStep } from "./lesson-page";
import { connectOnline, disconnectIfOnline, lanes, pane, ping, sendStanza } from "./workbench-page";

/**
 * The sequence diagram against the real server: lifelines and arrows drawn from the
 * transcript, an iq joined to its answer, an error in red, and one selection shared with
 * the lanes both ways. It is one click away in the workbench and on in lessons.
 */

function diagram(scope: Page | Locator): Locator {
  return scope.getByTestId("sequence-diagram");
}

function arrow(scope: Page | Locator, seq: number | string): Locator {
  return diagram(scope).getByRole("listbox").locator(`[role="option"][data-seq="${seq}"]`);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function seqOf(row: Locator): Promise<number> {
  return Number(await row.getAttribute("data-seq"));
}

/** The colour an element would have with `color: var(--error)`, as the browser resolves it. */
async function errorColour(page: Page): Promise<string> {
  return page.evaluate(() => {
    const probe = document.createElement("span");
    probe.style.color = "var(--error)";
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });
}

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page);
});

/** Connects alice, pings the server and writes to bob; returns her full JID and the token used. */
async function pingAndMessage(page: Page): Promise<{ me: string; token: string }> {
  await page.setViewportSize({ width: 1400, height: 1000 });
  const token = fresh();
  await connectOnline(page, "alice");
  const me = (await pane(page).getByTestId("connection-status").getAttribute("title")) ?? "";
  expect(me).toMatch(/^alice@localhost\/./);
  await ping(page, `ping-${token}`);
  await sendStanza(page, `<message to="bob@localhost" type="chat" id="msg-${token}"><body>diagram ${token}</body></message>`);
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: `diagram ${token}` })).toHaveCount(1);
  return { me, token };
}

test("workbench: a ping, a message and a failed iq drawn as lifelines and arrows", async ({ page }, testInfo) => {
  const { me, token } = await pingAndMessage(page);
  const nobody = `nobody-${token}@localhost`;
  await sendStanza(page, `<iq type="get" id="ver-${token}" to="${nobody}"><query xmlns="jabber:iq:version"/></iq>`);
  const errorRow = lanes(page).getByTestId("entry-in").filter({ hasText: `ver-${token}` });
  await expect(errorRow).toContainText("answers #");

  // One click away: the panel is closed until asked for.
  await expect(diagram(pane(page))).toHaveCount(0);
  await pane(page).getByRole("button", { name: "Show diagram" }).click();
  const view = diagram(pane(page));
  await expect(view).toBeVisible();

  // Lifelines: you (the full JID), the server, the peer and the unknown JID. Other resources of
  // alice left online by other tests may add more, so the set is checked, not the count.
  const heads = view.getByRole("list", { name: "Parties" }).getByRole("listitem");
  await expect(heads.and(page.locator('[data-role="you"]'))).toHaveAttribute("title", me);
  await expect(heads.and(page.locator('[data-role="server"]'))).toContainText("localhost");
  await expect(heads.filter({ hasText: "bob@localhost" })).toHaveAttribute("data-role", "peer");
  await expect(heads.filter({ hasText: nobody })).toHaveAttribute("data-role", "other");

  // One arrow per stanza or stream-level element in the lanes (events are not drawn).
  await expect
    .poll(() =>
      page.evaluate(() => {
        const paneA = document.querySelector('[data-testid="pane-a"]')!;
        const drawn = paneA.querySelectorAll('[data-testid="entry-out"], [data-testid="entry-in"]');
        const kinds = [...drawn].filter((row) => !["whitespace", "malformed"].includes((row as HTMLElement).dataset.kind ?? ""));
        const shown = paneA.querySelector<HTMLElement>('[data-testid="sequence-diagram"]')!.dataset.arrowCount;
        return `${kinds.length} rows, ${shown} arrows`;
      }),
    )
    .toMatch(/^(\d+) rows, \1 arrows$/);

  // The ping and its answer, joined: each names the other, and they share a colour.
  const pingRequest = await seqOf(lanes(page).getByTestId("entry-out").filter({ hasText: `ping-${token}` }));
  const pingAnswer = await seqOf(lanes(page).getByTestId("entry-in").filter({ hasText: `ping-${token}` }));
  await expect(arrow(page, pingRequest)).toHaveAttribute("aria-label", `#${pingRequest}, ${me} to localhost: iq get ping, answered by #${pingAnswer}`);
  await expect(arrow(page, pingAnswer)).toHaveAttribute("aria-label", `#${pingAnswer}, localhost to ${me}: iq result, answers #${pingRequest}`);
  await expect(arrow(page, pingRequest)).toHaveAttribute("data-pair", String(pingAnswer));
  const colours = await Promise.all([pingRequest, pingAnswer].map((seq) => arrow(page, seq).evaluate((element) => getComputedStyle(element).color)));
  expect(colours[0]).toBe(colours[1]);

  const message = await seqOf(lanes(page).getByTestId("entry-out").filter({ hasText: `diagram ${token}` }));
  await expect(arrow(page, message)).toHaveAttribute("aria-label", `#${message}, ${me} to bob@localhost: message chat`);

  // The unknown JID's error: red, with the condition the lanes show.
  const errorSeq = await seqOf(errorRow);
  const condition = (await errorRow.getAttribute("aria-label"))?.match(/error (\S+)$/)?.[1];
  expect(condition).toBeTruthy();
  const errorArrow = arrow(page, errorSeq);
  await expect(errorArrow).toHaveAttribute("data-error", "true");
  await expect(errorArrow).toHaveAttribute("aria-label", new RegExp(`^#${errorSeq}, ${escape(nobody)} to ${escape(me)}: iq error(?: version)?, error ${condition}, answers #`));
  await expect(errorArrow.locator("tspan")).toHaveText(`⚠ ${condition}`);
  expect(await errorArrow.evaluate((element) => getComputedStyle(element).color)).toBe(await errorColour(page));
  expect(await arrow(page, message).evaluate((element) => getComputedStyle(element).color)).not.toBe(await errorColour(page));

  await errorArrow.scrollIntoViewIfNeeded();
  await view.screenshot({ path: process.env.UPDATE_SCREENSHOT === "1" ? "docs/sequence.png" : testInfo.outputPath("sequence-workbench.png") });
});

test("workbench: an arrow clicked selects its lane entry, and a lane entry selected highlights its arrow", async ({ page }) => {
  const { token } = await pingAndMessage(page);
  await pane(page).getByRole("button", { name: "Show diagram" }).click();
  await expect(diagram(pane(page))).toBeVisible();
  const pingRequest = await seqOf(lanes(page).getByTestId("entry-out").filter({ hasText: `ping-${token}` }));
  const pingAnswer = await seqOf(lanes(page).getByTestId("entry-in").filter({ hasText: `ping-${token}` }));
  const message = await seqOf(lanes(page).getByTestId("entry-out").filter({ hasText: `diagram ${token}` }));

  // Click an arrow: its entry is selected in the lanes.
  await arrow(page, message).click();
  await expect(arrow(page, message)).toHaveAttribute("aria-selected", "true");
  await expect(lanes(page).locator(`[data-seq="${message}"]`)).toHaveAttribute("aria-current", "true");

  // Select an entry in the lanes: its arrow is highlighted, and its partner marked.
  await lanes(page).locator(`[data-seq="${pingAnswer}"]`).click();
  await expect(arrow(page, pingAnswer)).toHaveAttribute("aria-selected", "true");
  await expect(arrow(page, message)).toHaveAttribute("aria-selected", "false");

  // The keyboard: P jumps to the paired request, arrows move along, in step with the lanes.
  await diagram(pane(page)).getByRole("listbox").focus();
  await page.keyboard.press("p");
  await expect(arrow(page, pingRequest)).toHaveAttribute("aria-selected", "true");
  await expect(lanes(page).locator(`[data-seq="${pingRequest}"]`)).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("ArrowDown");
  const next = diagram(pane(page)).locator('[role="option"][aria-selected="true"]');
  await expect.poll(async () => seqOf(next)).toBeGreaterThan(pingRequest);
  await expect(lanes(page).locator(`[data-seq="${await seqOf(next)}"]`)).toHaveAttribute("aria-current", "true");

});

test("lesson: the diagram is on by default and draws the room the learner enters", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 1300 });
  await page.emulateMedia({ colorScheme: "dark" });
  await openLesson(page, "muc");
  const view = diagram(page);
  await expect(view).toBeVisible();
  const me = (await page.getByTestId("var-me").textContent()) ?? "";
  expect(me).not.toBe("");
  const heads = view.getByRole("list", { name: "Parties" }).getByRole("listitem");
  await expect(heads.first()).toHaveAttribute("data-role", "you");

  // Steps 1 to 3 replayed on the session: enter the room, accept its configuration, talk to it.
  await openStep(page, 3);
  await page.getByRole("button", { name: "Replay steps 1–3 for me" }).click();
  await expect(page.getByTestId("catch-up")).toContainText("replayed");
  // The room is one lifeline however many occupants speak in it.
  await expect(heads.and(page.locator('[data-role="room"]'))).toHaveCount(1);
  const groupchat = view.getByRole("option", { name: /message groupchat/ });
  await expect(groupchat.first()).toBeVisible();
  const join = view.getByRole("option", { name: /presence \(join\)/ }).first();
  await expect(join).toHaveAttribute("aria-label", new RegExp(`to ${escape((await heads.and(page.locator('[data-role="room"]')).locator("span").first().textContent()) ?? "(none)")}: presence \\(join\\)`));

  // Looked at, not compared (live data); the README shows the workbench's picture.
  await view.screenshot({ path: testInfo.outputPath("sequence-lesson.png") });
  await page.getByRole("button", { name: "Light theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await view.screenshot({ path: testInfo.outputPath("sequence-lesson-light.png") });
});

const STREAM_HEADER = "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'";
const CLIENT_STREAM = `<stream:stream to='localhost' ${STREAM_HEADER}><iq type='get' id='cap1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq><message to='bob@localhost' type='chat'><body>hi</body></message>`;
const SERVER_STREAM = `<stream:stream from='localhost' id='s1' ${STREAM_HEADER}><iq type='result' id='cap1' from='localhost' to='alice@localhost/cap'/><message from='bob@localhost/x' to='alice@localhost/cap' type='chat'><body>hello</body></message>`;

test("captures: the diagram of an imported capture is one click away, and an arrow selects its entry", async ({ page }) => {
  await page.goto("/captures");
  await page.getByLabel("Transcript file or stream files to import").setInputFiles([
    { name: "client.xml", mimeType: "application/xml", buffer: Buffer.from(CLIENT_STREAM) },
    { name: "server.xml", mimeType: "application/xml", buffer: Buffer.from(SERVER_STREAM) },
  ]);
  const capture = page.getByRole("region", { name: "Capture" });
  await capture.getByRole("button", { name: "Show diagram" }).click();
  const view = diagram(capture);
  // The account is read from what the server delivered; the peer's resource collapses into bob.
  await expect(view.getByRole("option", { name: /^#\d+, alice@localhost\/cap to localhost: iq get ping, answered by #\d+$/ })).toHaveCount(1);
  await expect(view.getByRole("option", { name: /^#\d+, localhost to alice@localhost\/cap: iq result, answers #\d+$/ })).toHaveCount(1);
  const reply = view.getByRole("option", { name: /^#\d+, bob@localhost to alice@localhost\/cap: message chat$/ });
  await reply.click();
  const seq = await seqOf(reply);
  const entries = capture.getByRole("list", { name: "Transcript entries" });
  await expect(entries.locator(`[data-seq="${seq}"]`)).toHaveAttribute("aria-current", "true");
  await expect(entries.locator('[aria-current="true"]')).toHaveCount(1);
});
