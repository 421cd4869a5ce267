import { expect, test } from "./fixtures";
import { typeStanza } from "./workbench-page";

const HEADER = `<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;

test("raw mode: the person opens the stream and logs in by hand", async ({ page }) => {
  await page.goto("/playground");
  await page.getByLabel("Mode").selectOption("raw");
  await page.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByTestId("connection-status")).toContainText("raw socket");

  await typeStanza(page, HEADER);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="features"]'))).toContainText("PLAIN");

  // SASL PLAIN by hand: base64 of "\0alice\0alice" (RFC 4616).
  await typeStanza(page, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAGFsaWNl</auth>`);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="sasl"]'))).toContainText("success");
  await expect(page.getByTestId("entry-out").and(page.locator('[data-kind="sasl"]'))).toContainText("redacted");

  await typeStanza(page, HEADER + `<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>by-hand</resource></bind></iq>`);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("connection-status")).toContainText("Online as alice@localhost/by-hand");
});

test("a fresh account is registered for the session and shown", async ({ page }) => {
  await page.goto("/playground");
  await page.getByRole("button", { name: "Fresh account" }).click();
  await expect(page.getByTestId("connection-status")).toContainText(/Online as guest-[a-z0-9]+@localhost\//);
  await expect(page.getByTestId("fresh-account")).toContainText("removed when this session ends");
  // The registration itself happened on the bridge's own connection; this session's lanes show the login.
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="bind"]'))).toContainText("guest-");
});
