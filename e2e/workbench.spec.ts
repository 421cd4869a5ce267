import { expect, test } from "@playwright/test";
import { connectAs, typeStanza } from "./workbench-page";

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
  await expect(auth).toContainText(/mechanism=["']PLAIN["']/);
  await expect(auth).toContainText("redacted");
  // base64("\0alice\0alice"): must not be anywhere on the page.
  await expect(page.locator("body")).not.toContainText("AGFsaWNlAGFsaWNl");
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="features"]')).first()).toContainText("PLAIN");
});

test("a wrong password says so", async ({ page }) => {
  await connectAs(page, "alice", "not-the-password");
  await expect(page.getByRole("form", { name: "Connection" }).getByRole("alert")).toContainText("wrong username or password");
  await expect(page.getByTestId("connection-status")).toHaveText("Closed");
});
