import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
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
});

test("alice on Prosody over WebSocket at /xmpp-websocket: her message and Prosody's reply show in the lanes", async ({ page }) => {
  await page.goto("/playground");
  await connectToProsody(page, "alice", "a");
  // The bridge's own presence carried jabber:client, so Prosody kept the stream (RFC 7395 section 3.3.3).
  await expect(pane(page, "a").getByTestId("entry-out").and(page.locator('[data-kind="presence"]')).first()).toContainText("jabber:client");

  // A chat message to her own bare JID: Prosody routes it back to her one available resource.
  const body = `hello through prosody ${Date.now()}`;
  await typeStanza(page, `<message xmlns="jabber:client" to="alice@localhost" type="chat"><body>${body}</body></message>`);
  await pane(page, "a").getByRole("button", { name: "Send", exact: true }).click();
  await expect(pane(page, "a").getByTestId("entry-out").filter({ hasText: body })).toHaveAttribute("data-kind", "message");
  const echoed = pane(page, "a").getByTestId("entry-in").filter({ hasText: body });
  await expect(echoed).toHaveAttribute("data-kind", "message");
  await expect(echoed).toContainText(/from=["']alice@localhost\//);

  // And the server that answers is Prosody, not the bundled ejabberd (XEP-0092).
  await typeStanza(page, `<iq xmlns="jabber:client" type="get" id="which-server" to="localhost"><query xmlns="jabber:iq:version"/></iq>`);
  await pane(page, "a").getByRole("button", { name: "Send", exact: true }).click();
  await expect(pane(page, "a").getByTestId("entry-in").filter({ hasText: "which-server" })).toContainText("<name>Prosody</name>");
});
