import { expect, type Page } from "@playwright/test";

/** Drives the workbench the way a person does: by labels, roles and the keyboard. */
export async function connectAs(page: Page, username: string, password = username) {
  await page.goto("/playground");
  await page.getByLabel("JID").fill(`${username}@localhost`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Connect" }).click();
}

export async function typeStanza(page: Page, xml: string) {
  const editor = page.getByTestId("stanza-editor");
  await expect(editor.locator(".monaco-editor")).toBeVisible();
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  // insertText is one input event, like a paste: no auto-closing of tags or quotes.
  await page.keyboard.insertText(xml);
}
