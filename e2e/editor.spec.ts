import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { pane, typeStanza } from "./workbench-page";

/**
 * The stanza editor as a learner meets it: suggestions from the XMPP schema, a marker
 * under the mistake, a send that waits until the mistake is fixed (or is forced).
 */

/** Like workbench-page's connectAs, scoped to the connection form (the lanes have a JID filter too). */
async function connectAs(page: Page, username: string) {
  await page.goto("/playground");
  const form = pane(page).getByRole("form", { name: "Connection" });
  await form.getByLabel("JID").fill(`${username}@localhost`);
  await form.getByLabel("Password").fill(username);
  await form.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByTestId("connection-status")).toContainText("Online");
}

test("complete from the schema, see the marker, fix it, send it", async ({ page }) => {
  await connectAs(page, "alice");
  const editor = pane(page).getByTestId("stanza-editor");
  const status = pane(page).getByTestId("editor-status");

  // An iq get without its query: RFC 6120 section 8.2.3 wants exactly one child.
  await typeStanza(page, `<iq type="get" id="e2e-ping" to="localhost"></iq>`);
  await expect(editor.locator(".squiggly-error").first()).toBeVisible();
  await expect(status).toContainText("1 error");

  // Sending now is refused, with the reason.
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(pane(page).getByRole("alert")).toContainText("needs exactly one child");
  await expect(page.getByTestId("entry-out").filter({ hasText: "e2e-ping" })).toHaveCount(0);

  // Put the cursor before </iq> and take <ping xmlns="urn:xmpp:ping"/> from the suggestions.
  await page.keyboard.press("End");
  for (let i = 0; i < "</iq>".length; i++) await page.keyboard.press("ArrowLeft");
  await page.keyboard.type("<pi");
  const suggestion = editor.locator(".suggest-widget .monaco-list-row").filter({ hasText: "urn:xmpp:ping" });
  await expect(suggestion.first()).toBeVisible();
  await page.keyboard.press("Enter");

  await expect(editor.locator(".view-lines")).toContainText('<ping xmlns="urn:xmpp:ping"/></iq>');
  await expect(editor.locator(".squiggly-error")).toHaveCount(0);
  await expect(status).toHaveText("No problems found.");

  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("entry-out").filter({ hasText: "e2e-ping" })).toHaveAttribute("data-kind", "iq");
  await expect(page.getByTestId("entry-in").filter({ hasText: "e2e-ping" })).toContainText("answers #");
});

test("Send anyway lets the server answer a mistake", async ({ page }) => {
  await connectAs(page, "alice");
  await typeStanza(page, "<message><body>oops</message>");
  await page.keyboard.press("ControlOrMeta+Enter");
  const alert = pane(page).getByRole("alert");
  await expect(alert).toContainText("still open");
  await alert.getByRole("button", { name: "Send anyway" }).click();
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="stream-error"]'))).toContainText("not-well-formed");
});

test("a template fills in the variables and a fresh id when sent", async ({ page }) => {
  await connectAs(page, "alice");
  await pane(page).getByLabel("Template").selectOption({ label: "Ping the server" });
  await expect(pane(page).getByTestId("stanza-editor").locator(".view-lines")).toContainText("{{id}}");
  await pane(page).getByTestId("stanza-editor").locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+Enter");
  const sent = page.getByTestId("entry-out").filter({ hasText: "urn:xmpp:ping" });
  await expect(sent).toContainText(/id="pg-[a-z0-9]+" to="localhost"/);
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="iq"]')).last()).toContainText("answers #");
});

test.describe("a paste then Ctrl+Enter at once", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  // Monaco's own paste ran its paste providers asynchronously, so a Ctrl+Enter that came in the
  // same moment sent the text from before the paste (the bench's 50 sends lost one of them).
  test("sends what was pasted, every time", async ({ page }) => {
    await connectAs(page, "alice");
    const editor = pane(page).getByTestId("stanza-editor");
    for (let n = 0; n < 5; n++) {
      const stanza = `<iq type="get" id="pasted-${n}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`;
      await page.evaluate((text) => navigator.clipboard.writeText(text), stanza);
      await editor.locator(".view-lines").click();
      await page.keyboard.press("ControlOrMeta+A");
      // Both keys sent before either is handled, as a quick person's (or a macro's) are.
      await page.keyboard.down("ControlOrMeta");
      await Promise.all([page.keyboard.press("v"), page.keyboard.press("Enter")]);
      await page.keyboard.up("ControlOrMeta");
      await expect(page.getByTestId("entry-in").filter({ hasText: `pasted-${n}` })).toContainText("answers #");
    }
    // Each paste went out once: none of the sends repeated the text before it.
    await expect(page.getByTestId("entry-out").filter({ hasText: 'id="pasted-' })).toHaveCount(5);
  });
});
