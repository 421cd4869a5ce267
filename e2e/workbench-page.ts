import { expect, type Locator, type Page } from "@playwright/test";

/** Drives the workbench the way a person does: by labels, roles and the keyboard. */

export function pane(page: Page, id: "a" | "b" = "a"): Locator {
  return page.getByTestId(`pane-${id}`);
}

export async function connectAs(page: Page, username: string, password = username, paneId: "a" | "b" = "a") {
  if (!page.url().includes("/playground")) await page.goto("/playground");
  const form = pane(page, paneId).getByRole("form", { name: "Connection" });
  await form.getByLabel("JID").fill(`${username}@localhost`);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Connect" }).click();
}

export async function typeStanza(page: Page, xml: string, paneId: "a" | "b" = "a") {
  const editor = pane(page, paneId).getByTestId("stanza-editor");
  await expect(editor.locator(".monaco-editor")).toBeVisible();
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  // insertText is one input event, like a paste: no auto-closing of tags or quotes.
  await page.keyboard.insertText(xml);
}
