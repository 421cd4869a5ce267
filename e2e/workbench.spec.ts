import { expect, test } from "./fixtures";
import { connectAs, pane, typeStanza } from "./workbench-page";

// Its tests share nothing (each has its page, on its worker's own app and ejabberd): both workers
// take them. The last files of the run, so the workers end together rather than one idling.
test.describe.configure({ mode: "parallel" });

test("alice's chat message leaves her stream and arrives in bob's, in another browser", async ({ browser }) => {
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

test("two accounts on one page, each with its own lanes", async ({ page }) => {
  await page.goto("/playground");
  await page.getByLabel("Two accounts").check();
  await connectAs(page, "alice", "alice", "a");
  await connectAs(page, "bob", "bob", "b");
  await expect(pane(page, "a").getByTestId("connection-status")).toContainText("Online as alice@");
  await expect(pane(page, "b").getByTestId("connection-status")).toContainText("Online as bob@");

  const body = `two panes ${Date.now()}`;
  await typeStanza(page, `<message to="alice@localhost" type="chat"><body>${body}</body></message>`, "b");
  await pane(page, "b").getByRole("button", { name: "Send", exact: true }).click();
  await expect(pane(page, "b").getByTestId("entry-out").filter({ hasText: body })).toHaveCount(1);
  await expect(pane(page, "a").getByTestId("entry-in").filter({ hasText: body })).toHaveCount(1);
  await expect(pane(page, "a").getByTestId("entry-out").filter({ hasText: body })).toHaveCount(0);
});

test("the login is shown byte for byte, with the password hidden until revealed", async ({ page }) => {
  await connectAs(page, "alice");
  await expect(page.getByTestId("connection-status")).toContainText("Online");
  const auth = page.getByTestId("entry-out").and(page.locator('[data-kind="sasl"]'));
  await expect(auth).toContainText(/mechanism=["']PLAIN["']/);
  await expect(auth).toContainText("redacted");
  // base64("\0alice\0alice"): nowhere on the page until the person asks.
  await expect(page.locator("body")).not.toContainText("AGFsaWNlAGFsaWNl");
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="features"]')).first()).toContainText("PLAIN");

  await page.getByLabel("Reveal credentials").check();
  await expect(auth).toContainText("AGFsaWNlAGFsaWNl");
  await page.getByLabel("Reveal credentials").uncheck();
  await expect(page.locator("body")).not.toContainText("AGFsaWNlAGFsaWNl");
});

test("a reload reattaches to the same session with nothing lost", async ({ page }) => {
  await connectAs(page, "alice");
  await expect(page.getByTestId("connection-status")).toContainText("Online");
  await typeStanza(page, `<iq type="get" id="before-reload" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("entry-in").filter({ hasText: "before-reload" })).toHaveCount(1);
  const list = page.locator("[data-last-seq]");
  const lastSeqBefore = Number(await list.getAttribute("data-last-seq"));
  expect(Number(await list.getAttribute("data-row-count"))).toBe(lastSeqBefore);

  await page.reload();
  await expect(page.getByTestId("connection-status")).toContainText("Online as alice@localhost/");
  await expect(page.getByTestId("entry-in").filter({ hasText: "before-reload" })).toHaveCount(1);
  // Every entry is back, numbered 1..n with no gap: as many rows as the last seq. Presence
  // from alice's other sessions may arrive during the reload, so n may have grown.
  await expect(list).toHaveAttribute("data-first-seq", "1");
  await expect.poll(async () => Number(await list.getAttribute("data-last-seq"))).toBeGreaterThanOrEqual(lastSeqBefore);
  await expect.poll(async () => (await list.getAttribute("data-row-count")) === (await list.getAttribute("data-last-seq"))).toBe(true);

  // And the session still works.
  await typeStanza(page, `<iq type="get" id="after-reload" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(page.getByTestId("entry-in").filter({ hasText: "after-reload" })).toContainText("answers #");
});

test("malformed XML ends the stream and the session says why", async ({ page }) => {
  await connectAs(page, "alice");
  await expect(page.getByTestId("connection-status")).toContainText("Online");
  await typeStanza(page, "<message><body>oops</message>");
  await page.keyboard.press("ControlOrMeta+Enter");
  // The editor refuses malformed XML first, and says where; "Send anyway" lets the server judge it.
  await expect(page.getByTestId("pane-a").getByText(/not sent/i)).toBeVisible();
  await page.getByRole("button", { name: "Send anyway" }).click();
  await expect(page.getByTestId("entry-in").and(page.locator('[data-kind="stream-error"]'))).toContainText("not-well-formed");
  await expect(page.getByTestId("connection-status")).toHaveText("Closed");
  await expect(page.getByRole("form", { name: "Connection" }).getByRole("alert")).toContainText("not-well-formed");
});

test("a server outside the allowlist is refused with the variable to change", async ({ page }) => {
  await page.goto("/playground");
  await page.getByLabel("Another server than the bundled one").check();
  await page.getByLabel("Host").fill("xmpp.example.org");
  await page.getByLabel("Port", { exact: true }).fill("5222");
  await connectAs(page, "alice");
  await expect(page.getByRole("form", { name: "Connection" }).getByRole("alert")).toContainText("XMPP_ALLOWED_HOSTS");
});

test("a wrong password says so", async ({ page }) => {
  await connectAs(page, "alice", "not-the-password");
  await expect(page.getByRole("form", { name: "Connection" }).getByRole("alert")).toContainText("wrong username or password");
  await expect(page.getByTestId("connection-status")).toHaveText("Closed");
});
