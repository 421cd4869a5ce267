import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import { openLesson, openStep, sendDraft, stepCheck, typeDraft } from "./lesson-page";

/**
 * Feedback about the learner's own attempt (issue 12), against the real server: a wrong
 * answer is diagnosed by the entry that came closest (its number links to the lanes) and
 * what in it differs, or by the server's own refusal; the fixed answer passes and the pass
 * names its entries and the step's notice.
 */
const course = loadCourse();
const step = (lessonSlug: string, stepSlug: string) => course.lessons.find((lesson) => lesson.slug === lessonSlug)!.steps.find((candidate) => candidate.slug === stepSlug)!;

/** The lanes' row for an entry, and whether it is the selected one. */
function laneRow(page: Page, seq: number) {
  return page.locator(`[data-testid^="entry-"][data-seq="${seq}"]`);
}

/** Sends like a learner; the expectations that follow wait for the verdict the replies bring. */
async function send(page: Page, xml: string): Promise<number> {
  await typeDraft(page, xml);
  return sendDraft(page);
}

test("a chat message of the wrong type: the diagnosis names the entry and the attribute, the fix passes with its notice", async ({ page }) => {
  await openLesson(page, "message");
  const peer = (await page.getByTestId("var-peer").textContent())!;
  expect(peer).toContain("@");

  const wrong = await send(page, `<message type='normal' to='${peer}' id='fb1'><body>hi</body></message>`);
  const closest = page.getByTestId("step-closest");
  await expect(closest).toHaveAttribute("data-seq", String(wrong));
  await expect(stepCheck(page)).toHaveAttribute("data-state", "missing");
  await expect(page.getByTestId("step-missing")).toHaveAttribute("data-missing-index", "0");
  await expect(closest).toContainText(`#${wrong}`);
  await expect(closest).toContainText('type is "normal"; this step expects "chat"');
  // The authored explanation stays, as background below the diagnosis.
  await expect(stepCheck(page).getByRole("region", { name: "About this step" })).toBeVisible();

  await expect(laneRow(page, wrong)).not.toHaveAttribute("aria-current", "true");
  await closest.getByTestId("step-entry-link").first().click();
  await expect(laneRow(page, wrong)).toHaveAttribute("aria-current", "true");

  const fixed = await send(page, `<message type='chat' to='${peer}' id='fb2'><body>hi</body></message>`);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "passed");
  const matched = page.getByTestId("step-matched");
  await expect(matched).toContainText(`#${fixed}`);
  await expect(page.getByTestId("step-notice")).toContainText("full JID");
  await expect(page.getByTestId("step-notice")).toContainText(peer);
  // The peer's echo is the other entry that passed: its link selects it in the lanes.
  const echoLink = matched.getByTestId("step-entry-link").last();
  const echo = Number(await echoLink.getAttribute("data-seq"));
  expect(echo).toBeGreaterThan(fixed);
  await echoLink.click();
  await expect(laneRow(page, echo)).toHaveAttribute("aria-current", "true");
  await expect(laneRow(page, echo)).toHaveAttribute("data-testid", "entry-in");
});

test("an iq without an id: the diagnosis gives the server's error condition and text, the fix passes", async ({ page }) => {
  const error = step("iq", "error");
  const lesson = course.lessons.find((candidate) => candidate.slug === "iq")!;
  await openLesson(page, "iq");
  await openStep(page, lesson.steps.indexOf(error));
  const domain = (await page.getByTestId("var-domain").textContent())!;

  const sent = await send(page, `<iq type='get' to='${domain}'><time xmlns='urn:xmpp:time'/></iq>`);
  const refusal = page.getByTestId("step-refusal");
  await expect(refusal).toContainText("<bad-request/>");
  await expect(stepCheck(page)).toHaveAttribute("data-state", "missing");
  await expect(refusal).toContainText("of type modify");
  await expect(refusal).toContainText("Missing attribute 'id'");
  const refusalLink = refusal.getByTestId("step-entry-link");
  const errorSeq = Number(await refusalLink.getAttribute("data-seq"));
  expect(errorSeq).toBeGreaterThan(sent);
  await expect(page.getByTestId("step-closest")).toContainText("its error condition is <bad-request/>; this step expects <service-unavailable/>");
  await refusalLink.click();
  await expect(laneRow(page, errorSeq)).toHaveAttribute("aria-current", "true");
  await expect(laneRow(page, errorSeq)).toHaveAttribute("data-testid", "entry-in");

  await send(page, `<iq type='get' to='${domain}' id='fb-time'><time xmlns='urn:xmpp:time'/></iq>`);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "passed");
  await expect(page.getByTestId("step-notice")).toContainText("carries your id");
  await expect(page.getByTestId("step-refusal")).toHaveCount(0);
});
