import { expect, test } from "./fixtures";
import { loadCourse } from "../lib/lessons/load-course";
import { openLesson, openStep, sendDraft, typeDraft } from "./lesson-page";

/**
 * When the server cuts a raw lesson's stream, the page says what happened, in the server's own
 * terms (its stream error's condition and text, RFC 6120 section 4.9), and how to get back to
 * the step: New session, then Replay. One sentence each, one period each.
 */
const lesson = loadCourse().lessons.find((candidate) => candidate.slug === "xml-streams");

test("a raw lesson cut by the server's stream error says the condition, the text and the way back", async ({ page }) => {
  if (lesson === undefined) throw new Error("lesson 02 (xml-streams) is missing from the course");
  await openLesson(page, lesson.slug);
  // A domain the server does not host: ejabberd answers <host-unknown/> and closes (RFC 6120 section 4.9.3.6).
  await typeDraft(page, "<stream:stream to='nowhere.example' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
  await sendDraft(page);
  const ended = page.getByTestId("lesson-session-ended");
  await expect(ended).toHaveText(
    /^The session ended: the server ended the stream with the stream error <host-unknown\/> and (the text "[^"]+"|no text) \(RFC 6120 section 4\.9\.3\.6\), then closed the connection\. .+\. Start a New session to go on\.$/,
  );
  await expect(ended).toHaveAttribute("role", "alert");
  expect(await ended.textContent()).not.toMatch(/\.\./);

  // On a later step, the way back includes replaying the steps before it.
  await openStep(page, 2);
  await expect(ended).toHaveText(/ Start a New session, then "Replay steps 1–2 for me" to get back to step 3\.$/);
});
