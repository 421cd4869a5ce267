import { expect, test, type Page } from "@playwright/test";
import { E2E_PROSODY } from "../scripts/lib/instances";
import { disconnectIfOnline, pane, typeStanza } from "./workbench-page";

/**
 * Another real server than the bundled ejabberd: the e2e Prosody (e2e/global-setup.ts), reached
 * through the "another server" form over WebSocket at Prosody's own path, /xmpp-websocket.
 */
async function connectToProsody(page: Page, username: string, paneId: "a" | "b") {
  const form = pane(page, paneId).getByRole("form", { name: "Connection" });
  await form.getByLabel("JID").fill(`${username}@${E2E_PROSODY.domain}`);
  await form.getByLabel("Password").fill(username);
  await form.getByRole("combobox", { name: /^Transport/ }).selectOption("websocket");
  await form.getByLabel("Another server than the bundled one").check();
  await form.getByRole("textbox", { name: "Host", exact: true }).fill(E2E_PROSODY.host);
  await form.getByRole("textbox", { name: "Port", exact: true }).fill(String(E2E_PROSODY.ports.http));
  await form.getByLabel("WebSocket path or URL").fill(E2E_PROSODY.websocketPath);
  await form.getByRole("button", { name: "Connect" }).click();
  await expect(pane(page, paneId).getByTestId("connection-status")).toContainText(`Online as ${username}@${E2E_PROSODY.domain}/`);
}

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page, "a");
  await disconnectIfOnline(page, "b");
});

test("alice and bob on Prosody over WebSocket at /xmpp-websocket: a message and its reply cross the lanes", async ({ page }) => {
  await page.goto("/playground");
  await page.getByLabel("Two accounts").check();
  await connectToProsody(page, "bob", "b");
  await connectToProsody(page, "alice", "a");
  // The bridge's own presence carried jabber:client, so Prosody kept the stream (RFC 7395 section 3.3.3).
  await expect(pane(page, "a").getByTestId("entry-out").and(page.locator('[data-kind="presence"]')).first()).toContainText("jabber:client");

  const question = `prosody question ${Date.now()}`;
  await typeStanza(page, `<message xmlns="jabber:client" to="bob@localhost" type="chat"><body>${question}</body></message>`, "a");
  await pane(page, "a").getByRole("button", { name: "Send", exact: true }).click();
  await expect(pane(page, "b").getByTestId("entry-in").filter({ hasText: question })).toHaveAttribute("data-kind", "message");

  const reply = `prosody reply ${Date.now()}`;
  await typeStanza(page, `<message xmlns="jabber:client" to="alice@localhost" type="chat"><body>${reply}</body></message>`, "b");
  await pane(page, "b").getByRole("button", { name: "Send", exact: true }).click();
  const arrived = pane(page, "a").getByTestId("entry-in").filter({ hasText: reply });
  await expect(arrived).toHaveAttribute("data-kind", "message");
  await expect(arrived).toContainText(/from=["']bob@localhost\//);
});
