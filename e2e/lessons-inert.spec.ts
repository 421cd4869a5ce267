import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { lessonData } from "../lib/lessons/lesson-data";
import { renderLessonMarkdown } from "../lib/lessons/lesson-markdown";
import { loadCourse } from "../lib/lessons/load-course";
import type { ServerMessage } from "../lib/bridge/protocol";
import { openLesson } from "./lesson-page";

/**
 * Lesson text is inert: neither what an author writes nor a session's variable values can
 * run script, open a dialog or navigate. Hostile-input tests: the Markdown goes through the
 * build's own path (loadCourse, lessonData) from a temporary lesson folder; the variables
 * through a real lesson session whose values are swapped on their way to the page.
 */

const PAYLOADS = {
  script: "<script>window.__pwned = 'script'; alert('script')</script>",
  onerror: "<img src=x onerror=\"window.__pwned = 'onerror'; alert('onerror')\">",
  link: "javascript:window.__pwned='link';alert('link')",
};

function watchForHarm(page: Page): { dialogs: string[] } {
  const seen = { dialogs: [] as string[] };
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

async function expectNothingRan(page: Page, seen: { dialogs: string[] }, url: string): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
  expect(seen.dialogs).toEqual([]);
  expect(page.url()).toBe(url);
}

test("lesson Markdown with script, onerror and javascript: links renders as inert text", async ({ page }, testInfo) => {
  const root = testInfo.outputPath("lessons");
  const folder = path.join(root, "01-hostile");
  mkdirSync(folder, { recursive: true });
  const hostile = `Before.\n\n${PAYLOADS.script}\n\n${PAYLOADS.onerror}\n\n[click me](${PAYLOADS.link}) and <a href="${PAYLOADS.link}">raw link</a> and ![img](${PAYLOADS.link})\n\nAfter {{me}}.`;
  writeFileSync(path.join(folder, "index.md"), `---\ntitle: Hostile\nsummary: A lesson whose text tries to run script.\nmode: guided\naccounts: { me: fresh, peer: none }\nspecs: [RFC 6120 §8.2.3]\n---\n${hostile}\n`);
  writeFileSync(
    path.join(folder, "01-ping.md"),
    `---\ntitle: Ping\nspecs: [RFC 6120 §8.2.3]\ncheck:\n  - dir: out\n    stanza: iq\n    missing: Send an iq.\nhints: ["${PAYLOADS.onerror.replace(/"/g, '\\"')}"]\nfailure: "${PAYLOADS.script}"\n---\n${hostile}\n`,
  );
  writeFileSync(path.join(folder, "01-ping.start.xml"), "<iq type='get' id='{{id}}'/>");
  writeFileSync(path.join(folder, "01-ping.solution.xml"), "<iq type='get' id='{{id}}' to='{{domain}}'><ping xmlns='urn:xmpp:ping'/></iq>");

  const lesson = loadCourse(root).lessons[0]!;
  const data = lessonData(lesson, { previous: undefined, next: undefined });
  const blocks = [...data.intro, ...data.steps[0]!.prose].flatMap((segment) => (segment.kind === "html" ? [segment.html] : []));
  const html = [...blocks, ...data.steps[0]!.hints, data.steps[0]!.failure].join("\n");
  // Escaped, the payloads read "&lt;script" and "&lt;img": only live tags would match here.
  expect(html).not.toMatch(/<script|<img[^>]*onerror|href="javascript:|src="javascript:/i);

  // And in Chromium: the same HTML as the page injects it; a live script or handler would run here.
  const seen = watchForHarm(page);
  await page.setContent(`<!doctype html><main>${html}</main>`);
  await expect(page.getByText(PAYLOADS.script).first()).toBeVisible();
  await expect(page.getByText(PAYLOADS.onerror).first()).toBeVisible();
  // The Markdown link lost its javascript: target; the raw <a> is text, not a link.
  await expect(page.getByRole("link", { name: "click me" })).toHaveCount(2);
  await expect(page.getByRole("link", { name: "raw link" })).toHaveCount(0);
  expect(await page.locator("script, img[onerror], [href^='javascript' i], [src^='javascript' i]").count()).toBe(0);
  await expectNothingRan(page, seen, "about:blank");
});

/** What the swapped variables carry; each lesson below writes one of them in its opening text. */
const HOSTILE_VALUE = `${PAYLOADS.onerror}${PAYLOADS.script}`;
const SWAPPED: Record<"me" | "peer", string> = { me: `${HOSTILE_VALUE}@evil`, peer: PAYLOADS.link };

for (const variable of ["me", "peer"] as const) {
  test(`the {{${variable}}} value from the session stays text in the lesson page: no script, no dialog, no navigation`, async ({ page }) => {
    const course = loadCourse();
    // A lesson whose opening text writes the variable, and that has the account it names.
    const mentions = new RegExp(`\\{\\{\\s*${variable}\\s*\\}\\}`);
    const lesson = course.lessons.find((candidate) => mentions.test(candidate.intro) && (variable === "me" || candidate.accounts.peer === "scripted"));
    if (lesson === undefined) throw new Error(`No lesson writes {{${variable}}} in its opening text: this test needs one.`);
    await page.routeWebSocket(/\/bridge$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        const parsed = JSON.parse(String(message)) as ServerMessage;
        if ((parsed.op === "opened" || parsed.op === "attached") && parsed.lesson) {
          const variables = parsed.lesson.variables;
          parsed.lesson.variables = { ...variables, ...SWAPPED, nick: HOSTILE_VALUE, room: HOSTILE_VALUE, domain: variables.domain };
        }
        ws.send(JSON.stringify(parsed));
      });
    });
    const seen = watchForHarm(page);
    await openLesson(page, lesson.slug);
    const url = page.url();
    await expect(page.getByTestId(`var-${variable}`)).toHaveText(SWAPPED[variable]);
    const intro = page.locator("[aria-label=Introduction]");
    await intro.evaluate((element) => ((element.closest("details") as HTMLDetailsElement).open = true));
    await expect(intro).toContainText(SWAPPED[variable]);
    expect(await page.locator("main img[src=x], main script:not([src])").count()).toBe(0);
    await expectNothingRan(page, seen, url);
  });
}

test("a :::jid-explorer line becomes the widget; inside a code block, or unknown, it stays text", () => {
  const segments = renderLessonMarkdown("Intro.\n\n:::jid-explorer\n\nAfter.\n\n```\n:::jid-explorer\n```\n\n:::something-else\n");
  expect(segments.map((segment) => segment.kind)).toEqual(["html", "widget", "html"]);
  const after = segments[2]!.kind === "html" ? segments[2]!.html : "";
  expect(after).toContain("<code>:::jid-explorer\n</code>");
  expect(after).toContain(":::something-else");
});
