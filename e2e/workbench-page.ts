import type { Locator, Page } from "@playwright/test";
import type { Credentials } from "../lib/xmpp/in-band-registration";
import { expect } from "./fixtures";

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

/** Connects a demo account (password = username) or given credentials in the pane and waits until the session is online. */
export async function connectOnline(page: Page, account: string | Credentials, paneId: "a" | "b" = "a") {
  const { username, password } = typeof account === "string" ? { username: account, password: account } : account;
  await connectAs(page, username, password, paneId);
  await expect(pane(page, paneId).getByTestId("connection-status")).toContainText(`Online as ${username}@localhost/`);
}

/** Replaces the editor's text with `xml` and sends it with Ctrl+Enter. */
export async function sendStanza(page: Page, xml: string, paneId: "a" | "b" = "a") {
  await typeStanza(page, xml, paneId);
  await page.keyboard.press("ControlOrMeta+Enter");
}

/** Pings the server with `id` and waits for the result, paired with its request. */
export async function ping(page: Page, id: string, paneId: "a" | "b" = "a") {
  await sendStanza(page, `<iq type="get" id="${id}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`, paneId);
  await expect(lanes(page, paneId).getByTestId("entry-in").filter({ hasText: id })).toContainText("answers #");
}

/** The pane's stream lanes: toolbar, rows, status line. */
export function lanes(page: Page, paneId: "a" | "b" = "a"): Locator {
  return pane(page, paneId).getByRole("region", { name: "Stream lanes" });
}

/** The list of rows; its data-row-count, data-first-seq and data-last-seq describe the whole list. */
export function entryList(page: Page, paneId: "a" | "b" = "a"): Locator {
  return lanes(page, paneId).getByRole("list", { name: "Transcript entries" });
}

/** Ends the pane's session if it is still open, so it does not linger for reattachment into the next test. */
export async function disconnectIfOnline(page: Page, paneId: "a" | "b" = "a") {
  const button = pane(page, paneId).getByRole("button", { name: "Disconnect" });
  if (!(await button.isVisible().catch(() => false))) return;
  await button.click();
  await expect(pane(page, paneId).getByTestId("connection-status")).not.toContainText("Online");
}
