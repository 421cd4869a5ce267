import type { Locator, Page } from "@playwright/test";
import { expect } from "./fixtures";
import type { Expectation } from "../lib/lessons/types";

/** Drives a lesson page the way a learner does: step list, help buttons, Send. */

export function stepCheck(page: Page): Locator {
  return page.getByTestId("step-check");
}

export function sessionStatus(page: Page): Locator {
  return page.getByTestId("lesson-session-status");
}

export function helpButton(page: Page, name: string | RegExp): Locator {
  return page.getByRole("group", { name: "Help stages" }).getByRole("button", { name });
}

/** Opens the lesson and waits for its session (fresh account, peer) to be online. */
export async function openLesson(page: Page, slug: string): Promise<void> {
  await page.goto(`/lessons/${slug}`);
  await waitOnline(page);
}

export async function waitOnline(page: Page): Promise<void> {
  await expect(sessionStatus(page)).toContainText("Online", { timeout: 20_000 });
  await expect(page.getByTestId("stanza-editor").locator(".monaco-editor")).toBeVisible();
}

/** A fresh session: new account, new connection; the current step's window restarts. */
export async function newSession(page: Page): Promise<void> {
  const before = await page.getByTestId("var-me").textContent();
  await page.getByRole("button", { name: "New session" }).click();
  await expect(page.getByTestId("var-me")).not.toHaveText(before ?? "");
  await waitOnline(page);
}

export function stepButtons(page: Page): Locator {
  return page.getByRole("list", { name: "Steps" }).getByRole("button");
}

/** Opens step `index` (0-based) from the step list; its window starts afresh. */
export async function openStep(page: Page, index: number): Promise<void> {
  await stepButtons(page).nth(index).click();
  await expect(stepButtons(page).nth(index)).toHaveAttribute("aria-current", "step");
}

/** The highest seq among the rendered rows of one kind ("out", "in", "event"); the lanes follow the tail. */
export async function lastSeq(page: Page, dirs: readonly ("out" | "in" | "event")[]): Promise<number> {
  return page.evaluate((wanted) => {
    let max = 0;
    for (const dir of wanted) {
      for (const row of document.querySelectorAll<HTMLElement>(`[data-testid="entry-${dir}"]`)) max = Math.max(max, Number(row.dataset.seq ?? 0));
    }
    return max;
  }, dirs);
}

/**
 * A step's `action: drop-connection` (XEP-0198 §5): presses the button and waits until the
 * lanes show the new connection's "connected" event after the drop.
 */
export async function dropConnection(page: Page): Promise<void> {
  const before = await lastSeq(page, ["event"]);
  await page.getByRole("button", { name: "Drop the connection" }).click();
  await expect
    .poll(
      () =>
        page.evaluate((after) => {
          const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="entry-event"]')].filter((row) => Number(row.dataset.seq ?? 0) > after);
          const dropped = rows.findIndex((row) => row.textContent?.includes("dropped the connection"));
          // A row's text runs its parts together ("#12+2 msstatusconnected"): no word boundaries to lean on.
          return dropped !== -1 && rows.slice(dropped + 1).some((row) => (row.textContent ?? "").endsWith("connected"));
        }, before),
      { message: "the dropped connection and the new one in the lanes" },
    )
    .toBe(true);
}

/** Presses Send; if the editor refuses malformed XML, chooses "Send anyway", as a learner of the errors lesson does. */
export async function sendDraft(page: Page): Promise<number> {
  const before = await lastSeq(page, ["out"]);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect
    .poll(async () => {
      const anyway = page.getByRole("button", { name: "Send anyway" });
      if (await anyway.isVisible()) await anyway.click();
      return lastSeq(page, ["out"]);
    }, { message: "the editor's text reaches the transcript" })
    .toBeGreaterThan(before);
  return lastSeq(page, ["out"]);
}

/** Replaces the editor's text (one input event, like a paste). */
export async function typeDraft(page: Page, xml: string): Promise<void> {
  // Click the editor's visible top line, not the middle of all its lines: scrolled, the middle of
  // a long text can lie outside the editor's box (under the editor's own help line).
  await page.getByTestId("stanza-editor").locator(".monaco-editor").click({ position: { x: 80, y: 8 } });
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(xml);
}

let barriers = 0;

/**
 * Waits until the server has answered what was just sent (lessons/README.md, barrier
 * convention), then until the check has seen that far. On a bound stream: a ping with a
 * `lesson-barrier-` id, ignored by the check. Before binding: the server's reply; or, for a
 * send a server answers with silence (ejabberd ignores a <starttls/> in another namespace),
 * a verdict that no reply can change: what is missing is something the learner sends (`check`).
 */
export async function settle(page: Page, sentSeq: number, check: readonly Expectation[] = []): Promise<void> {
  let target = sentSeq;
  const ready = (await sessionStatus(page).getAttribute("data-ready")) === "true" && (await sessionStatus(page).textContent())?.startsWith("Online");
  if (ready) {
    const id = `lesson-barrier-${++barriers}`;
    const domain = await page.getByTestId("var-domain").textContent();
    await typeDraft(page, `<iq type='get' to='${domain}' id='${id}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await page.keyboard.press("ControlOrMeta+Enter");
    const reply = page.getByTestId("entry-in").filter({ hasText: id });
    await expect(reply.or(page.getByText("The session ended")).first()).toBeVisible();
    target = Math.max(target, await lastSeq(page, ["in", "event"]));
  } else {
    // Nothing to ping with before authentication: wait for the server's reply (a header, a
    // stream error, a SASL answer). Judged before it arrives, a starter would "not pass" only
    // because nothing had come back yet. Unless what the check misses is the learner's own
    // send: no reply can make up for that, and a server may rightly say nothing (ejabberd
    // ignores a <starttls/> in another namespace), which cost this wait's whole 10 s.
    const missesOwnSend = async () => {
      if (Number(await stepCheck(page).getAttribute("data-checked-seq")) < sentSeq) return false;
      // Read without waiting: a check that has nothing missing shows no such element.
      const index = await page.getByTestId("step-missing").evaluateAll((found) => found[0]?.getAttribute("data-missing-index") ?? null);
      return index !== null && check[Number(index)]?.dir === "out";
    };
    await expect
      .poll(async () => (await lastSeq(page, ["in", "event"])) > sentSeq || (await missesOwnSend()), { timeout: 10_000, message: "the server's reply to what was sent, or a check that misses the send itself" })
      .toBe(true);
    target = Math.max(target, await lastSeq(page, ["in", "event"]));
  }
  await expect.poll(async () => Number(await stepCheck(page).getAttribute("data-checked-seq"))).toBeGreaterThanOrEqual(target);
}

/** The help stages up to Solve: a hint, the goal, then the solution (and its diff). */
export async function solve(page: Page): Promise<void> {
  await helpButton(page, /^Hint$/).click();
  await helpButton(page, "Show goal").click();
  await helpButton(page, "Solve").click();
  await expect(page.getByTestId("solution-diff")).toBeVisible();
}

/** Solve, send, and wait for the check to pass (replies from the server or the peer may take a moment). */
export async function solveAndPass(page: Page): Promise<void> {
  await solve(page);
  await sendDraft(page);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "passed", { timeout: 10_000 });
}
