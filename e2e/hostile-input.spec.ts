import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { MESSAGE_START, messageWith, startHostileServer, type HostilePayload, type HostileServer } from "../test/hostile-server";
import { connectOnline, disconnectIfOnline, entryList, lanes, pane, typeStanza } from "./workbench-page";

/**
 * What a hostile server sends, and what a person pastes, in Chromium: the workbench records
 * it, says what is wrong, stays responsive, and never turns a server's bytes into markup.
 * The server is the project's own (test/hostile-server.ts), on a loopback port the app's
 * allowlist names (playwright.config.ts).
 */

const TEN_MB = 10 * 1024 * 1024;
const escaped = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** Script-carrying content in every place a stanza can hold it; each would set a flag or open a dialog if run. */
const XSS = [
  messageWith(`<body>${escaped(`<script>window.__pwned='body'</script><img src=x onerror="alert('body-img')">`)}</body>`),
  `<message from='mallory@localhost/x' type='chat' id='&quot;>&lt;img src=x onerror=alert(1)>' onclick="window.__pwned='attr'" onmouseover="alert('hover')"><body>attributes</body></message>`,
  messageWith(
    "<body>rich</body><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>" +
      "<script>window.__pwned='xhtml'</script><a href=\"javascript:window.__pwned='href'\">click me</a><img src='x' onerror=\"alert('xhtml-img')\"/>" +
      "<iframe src=\"javascript:alert('frame')\"/></body></html>",
  ),
  "<script xmlns='http://www.w3.org/1999/xhtml'>window.__pwned='top-level'</script>",
  // A stream error whose text the explanation panel quotes; it ends the stream.
  "<stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>" +
    `<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>${escaped("<img src=x onerror=alert('text')>")}<![CDATA[<script>alert('cdata')</script>]]></text></stream:error></stream:stream>`,
];

const BILLION_LAUGHS = "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'><!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>]><message><body>&lol2;</body></message>";

const SCRIPTS: Record<string, HostilePayload[]> = {
  xss: XSS,
  laughs: [messageWith("<body>before the DTD</body>"), BILLION_LAUGHS],
  nul: [messageWith("<body>nul\u0000here</body>")],
  latin1: [Buffer.concat([Buffer.from(`${MESSAGE_START}<body>caf`), Buffer.from([0xe9]), Buffer.from(" au lait</body></message>")])],
  big: [Buffer.concat([Buffer.from(`${MESSAGE_START}<body>`), Buffer.alloc(TEN_MB, "x"), Buffer.from("</body></message>")])],
};

let hostile: HostileServer;

test.beforeAll(async ({ world }) => {
  hostile = await startHostileServer({ port: world.hostilePort, script: (username) => SCRIPTS[username] ?? [] });
});

test.afterAll(async () => {
  await hostile.close();
});

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page);
});

/** Connects the first pane to the hostile server as `username` (guided, plain TCP). */
async function connectToHostile(page: Page, username: string) {
  if (!page.url().includes("/playground")) await page.goto("/playground");
  const form = pane(page).getByRole("form", { name: "Connection" });
  await form.getByLabel("JID").fill(`${username}@localhost`);
  await form.getByLabel("Password").fill("anything");
  await form.getByLabel("Another server than the bundled one").check();
  await form.getByRole("textbox", { name: "Host" }).fill("127.0.0.1");
  await form.getByRole("textbox", { name: "Port" }).fill(String(hostile.port));
  await form.getByRole("button", { name: "Connect" }).click();
}

const status = (page: Page) => pane(page).getByTestId("connection-status");
const closedMessage = (page: Page) => pane(page).getByRole("form", { name: "Connection" }).getByRole("alert");
const rows = (page: Page) => entryList(page).getByRole("listitem");

/** Records dialogs, main-frame navigations, and whether any payload ran. */
function watchForScript(page: Page) {
  const dialogs: string[] = [];
  const navigations: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  return {
    async expectNothingRan(expectedUrl: string) {
      // Give any image that failed to load the time to fire its onerror: wait for one of our own to fail.
      await page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            const probe = new Image();
            probe.onerror = probe.onload = () => resolve();
            probe.src = `x?probe=${Date.now()}`;
          }),
      );
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(page.url()).toBe(expectedUrl);
      // Only the page's own loads: nothing from the server navigated anywhere.
      expect(navigations.filter((url) => url !== expectedUrl)).toEqual([]);
      navigations.length = 0;
      // Nothing from the server became an element.
      await expect(page.locator("main script, main img, main iframe, main [onerror], main [onclick], main [onmouseover], main [href^='javascript:']")).toHaveCount(0);
    },
  };
}

test("script-carrying content from a server stays inert in the lanes, the explanation and an imported capture", async ({ page }, testInfo) => {
  const guard = watchForScript(page);
  await page.goto("/playground");
  const url = page.url();
  await connectToHostile(page, "xss");
  // The script ends with a stream error: the session closes by itself.
  await expect(status(page)).toContainText("Closed");
  await expect(closedMessage(page)).toContainText("undefined-condition");

  const incoming = lanes(page).getByTestId("entry-in");
  await expect(incoming.filter({ hasText: "window.__pwned='body'" })).toHaveAttribute("data-kind", "message");
  await expect(incoming.filter({ hasText: "onclick=" })).toContainText(`onmouseover="alert('hover')"`);
  await expect(incoming.filter({ hasText: "click me" })).toContainText(`href="javascript:window.__pwned='href'"`);
  await expect(incoming.filter({ hasText: "top-level" })).toContainText("<script xmlns=");
  await guard.expectNothingRan(url);

  // Pretty view, hovering the rows (onmouseover), and each entry explained.
  await lanes(page).getByRole("checkbox", { name: "Pretty" }).check();
  await expect(incoming.filter({ hasText: "click me" })).toContainText("<iframe");
  for (const text of ["window.__pwned='body'", "onclick=", "click me", "top-level", "undefined-condition"]) {
    const row = incoming.filter({ hasText: text }).first();
    await row.hover();
    await row.locator("pre").click();
    await expect(row).toHaveAttribute("aria-current", "true");
    await expect(page.getByTestId("explanation-panel")).not.toContainText("Select an entry");
  }
  const explanation = page.getByTestId("explanation-panel");
  await expect(explanation).toContainText("The sender says");
  await expect(explanation).toContainText("<img src=x onerror=alert('text')>");
  await incoming.filter({ hasText: "onclick=" }).locator("pre").click();
  await expect(explanation).toContainText(`onclick="window.__pwned='attr'"`);
  await guard.expectNothingRan(url);

  // Exported (JSON, and the two stream files) and imported on /captures: still text.
  const exportAs = async (format: string, name: string) => {
    const choice = pane(page).getByRole("group", { name: "Export formats" }).getByRole("button", { name: format });
    if (!(await choice.isVisible())) await pane(page).getByLabel(/^Export \d+ entries$/).click();
    const [download] = await Promise.all([page.waitForEvent("download"), choice.click()]);
    const path = testInfo.outputPath(name);
    await download.saveAs(path);
    return path;
  };
  const json = await exportAs("Transcript (.json)", "hostile.json");
  const streams = [await exportAs("Client stream (.xml)", "client.xml"), await exportAs("Server stream (.xml)", "server.xml")];
  expect(await readFile(json, "utf8")).toContain("window.__pwned='xhtml'");
  expect(await readFile(streams[1]!, "utf8")).toContain("window.__pwned='xhtml'");
  await page.goto("/captures");
  const capturesUrl = page.url();
  await guard.expectNothingRan(capturesUrl);
  const captured = page.getByRole("region", { name: "Capture" }).getByRole("list", { name: "Transcript entries" }).getByRole("listitem");
  for (const files of [json, streams]) {
    await page.getByLabel("Transcript file or stream files to import").setInputFiles(files);
    await expect(captured.filter({ hasText: "window.__pwned='xhtml'" })).toBeVisible();
    await expect(captured.filter({ hasText: "onclick=" })).toBeVisible();
    await expect(captured.filter({ hasText: "top-level" })).toContainText("<script xmlns=");
    await captured.filter({ hasText: "click me" }).hover();
    await guard.expectNothingRan(capturesUrl);
  }
});

test("a billion-laughs DTD from a server is recorded, flagged, and the stream closed with <restricted-xml/>", async ({ page }) => {
  await connectToHostile(page, "laughs");
  await expect(status(page)).toContainText("Closed");
  await expect(closedMessage(page)).toContainText("closed the stream with <restricted-xml/> as RFC 6120 sections 11.1 and 4.9.3.18 requires");
  const refused = lanes(page).getByTestId("entry-in").and(page.locator('[data-kind="malformed"]'));
  await expect(refused).toContainText(BILLION_LAUGHS);
  await expect(refused).toContainText("DTDs and entity declarations are not allowed in XMPP (RFC 6120 section 11.1)");
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "before the DTD" })).toHaveAttribute("data-kind", "message");
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: "restricted-xml" })).toHaveAttribute("data-kind", "stream-error");
  await expect(lanes(page).getByTestId("entry-event").filter({ hasText: "closing the stream: the server sent restricted XML" })).toBeVisible();
  await refused.locator("pre").click();
  await expect(page.getByTestId("explanation-error")).toContainText("Stream error: restricted-xml");
  // No entity was expanded: the page holds "lol" about as often as the server sent it.
  const lols = await page.evaluate(() => document.body.innerText.split("lol").length - 1);
  expect(lols).toBeLessThan(200);
});

test("the editor and the bridge refuse a DTD typed by the user, and say why", async ({ page }) => {
  await connectOnline(page, "alice");
  await typeStanza(page, BILLION_LAUGHS);
  const editorStatus = pane(page).getByTestId("editor-status");
  await expect(pane(page).getByTestId("stanza-editor").locator(".squiggly-error").first()).toBeVisible();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(editorStatus).toContainText("Not sent: DTDs and entity declarations (<!DOCTYPE>, <!ENTITY>) are not allowed in XMPP (RFC 6120 section 11.1)");
  // No "Send anyway": the bridge would refuse it too.
  await expect(editorStatus.getByRole("button", { name: "Send anyway" })).toHaveCount(0);
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: "DOCTYPE" })).toHaveCount(0);
});

test("a NUL and bytes that are not UTF-8 are recorded and shown as such", async ({ page }) => {
  await connectToHostile(page, "nul");
  await expect(status(page)).toContainText("Closed");
  const nul = lanes(page).getByTestId("entry-in").filter({ hasText: "nul" }).and(page.locator('[data-kind="malformed"]'));
  // Drawn as ␀, with the reason.
  await expect(nul.locator("pre")).toContainText("nul\u2400here");
  await expect(nul).toContainText(/U\+0000 \(NUL\) at character \d+ is not allowed anywhere in XML/);
  await expect(closedMessage(page)).toContainText("<not-well-formed/>");

  await connectToHostile(page, "latin1");
  await expect(status(page)).toContainText("Closed");
  const latin1 = lanes(page).getByTestId("entry-in").filter({ hasText: "au lait" });
  await expect(latin1.locator("pre")).toContainText("caf\uFFFD au lait");
  await expect(latin1).toContainText(/a byte sequence that is not UTF-8 at byte offset [\d,]+ of the server's stream \(e9\), shown as U\+FFFD/);
  await expect(closedMessage(page)).toContainText("<unsupported-encoding/>");
});

test("a 10 MB stanza from a server is cut off at the limit, shown shortened, and the page stays responsive", async ({ page }) => {
  await connectToHostile(page, "big");
  await expect(status(page)).toContainText("Closed");
  await expect(closedMessage(page)).toContainText("<policy-violation/>");
  const big = lanes(page).getByTestId("entry-in").and(page.locator('[data-kind="malformed"]'));
  await expect(big).toContainText("BRIDGE_MAX_STANZA_CHARS");
  await expect(big.getByTestId("entry-truncated")).toContainText(/Showing the first 4,000 of 1,0\d\d,\d\d\d characters/);
  // The row holds a screenful, not a megabyte.
  expect(await big.locator("pre").evaluate((element) => element.textContent?.length ?? 0)).toBeLessThanOrEqual(4000);
  await expect(lanes(page).getByTestId("entry-event").filter({ hasText: "after the stream was refused; they were not kept" })).toBeVisible();

  // Responsive: select it (the explanation summarises it), switch views, search, type.
  await big.locator("pre").click();
  await expect(page.getByTestId("explanation-error")).toContainText("Stream error: policy-violation");
  await lanes(page).getByRole("checkbox", { name: "Pretty" }).check();
  await expect(big.getByTestId("entry-truncated")).toBeVisible();
  await lanes(page).getByRole("searchbox").fill("xxxx");
  await expect(lanes(page).getByRole("search")).toContainText(/1 (match|of 1)/);
  await typeStanza(page, "<presence/>");
  await expect(pane(page).getByTestId("editor-status")).toHaveText("No problems found.");
  await expect(rows(page).first()).toBeVisible();
});

test("a 10 MB paste in the editor is refused before sending, names the limit, and the page stays responsive", async ({ page, context }) => {
  // 10 MB through the clipboard and into Monaco: 8 s with the machine to itself, 22 s beside a second worker.
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await connectOnline(page, "alice");
  const editor = pane(page).getByTestId("stanza-editor");
  await expect(editor.locator(".monaco-editor")).toBeVisible();
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  const pasted = `<message to="bob@localhost"><body>${"y".repeat(TEN_MB)}</body></message>`;
  const size = pasted.length.toLocaleString("en-US");
  // A real paste: the clipboard, then Ctrl+V.
  await page.evaluate((text) => navigator.clipboard.writeText(text), pasted);
  const started = Date.now();
  await page.keyboard.press("ControlOrMeta+V");
  const editorStatus = pane(page).getByTestId("editor-status");
  await expect(editorStatus).toContainText(`This text is ${size} characters, over the send limit of 1,000,000 (BRIDGE_MAX_SEND_CHARS). Send it in smaller pieces`);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(editorStatus).toContainText(`Not sent: This text is ${size} characters`);
  await expect(editorStatus.getByRole("button", { name: "Send anyway" })).toHaveCount(0);
  note(`10 MB paste until the refusal shows: ${Date.now() - started} ms`);

  // Still responsive: the page answers a click and a small stanza goes out.
  const rowsBefore = await rows(page).count();
  await typeStanza(page, `<iq type="get" id="after-paste" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "after-paste" })).toContainText("answers #");
  expect(await rows(page).count()).toBeGreaterThan(rowsBefore);
  await expect(lanes(page).getByTestId("entry-out").filter({ hasText: "yyyyyyyyyy" })).toHaveCount(0);
});

function note(line: string): void {
  test.info().annotations.push({ type: "measured", description: line });
}
