import { expect, test, type Page } from "@playwright/test";

async function connectAs(page: Page, username: string, password = username) {
  await page.goto("/playground");
  await page.getByLabel("JID").fill(`${username}@localhost`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Connect" }).click();
}

async function typeStanza(page: Page, xml: string) {
  const editor = page.getByTestId("stanza-editor");
  await expect(editor.locator(".monaco-editor")).toBeVisible();
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  // insertText is one input event, like a paste: no auto-closing of tags or quotes.
  await page.keyboard.insertText(xml);
}

test("alice's chat message leaves her stream and arrives in bob's", async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await connectAs(bob, "bob");
  await connectAs(alice, "alice");
  await expect(bob.getByTestId("connection-status")).toContainText("Online as bob@localhost/");
  await expect(alice.getByTestId("connection-status")).toContainText("Online as alice@localhost/");

  const body = `hello bob ${Date.now()}`;
  await typeStanza(alice, `<message to="bob@localhost" type="chat"><body>${body}</body></message>`);
  await alice.keyboard.press("ControlOrMeta+Enter");

  const sent = alice.getByTestId("entry-out").filter({ hasText: body });
  await expect(sent).toHaveAttribute("data-kind", "message");
  const received = bob.getByTestId("entry-in").filter({ hasText: body });
  await expect(received).toHaveAttribute("data-kind", "message");
  await expect(received).toContainText(/from=["']alice@localhost\//);
});

test("the login is shown byte for byte, with the password hidden", async ({ page }) => {
  await connectAs(page, "alice");
  await expect(page.getByTestId("connection-status")).toContainText("Online");
  const auth = page.getByTestId("entry-out").and(page.locator('[data-kind="sasl"]'));
  await expect(auth).toContainText("mechanism='PLAIN'");
  await expect(auth).toContainText("redacted");
  // base64("\0alice\0alice"): must not be anywhere on the page.
  await expect(page.locator("body")).not.toContainText("AGFsaWNlAGFsaWNl");
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="features"]')).first()).toContainText("PLAIN");
});

test("a wrong password says so", async ({ page }) => {
  await connectAs(page, "alice", "not-the-password");
  await expect(page.getByRole("alert")).toContainText("wrong username or password");
  await expect(page.getByTestId("connection-status")).toHaveText("Closed");
});
