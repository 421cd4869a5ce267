import fs from "node:fs";
import zlib from "node:zlib";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import type { ServerMessage } from "../lib/bridge/protocol";
import { E2E_PROSODY } from "../scripts/lib/instances";
import { registerProsodyUser } from "../scripts/lib/prosody-local";
import { disconnectIfOnline, lanes as paneLanes, pane, ping, sendStanza } from "./workbench-page";

/**
 * /scripts as a person uses it (issue 14): a script with a mistake, the parser's line and
 * field, the fix, a step at a time and then the rest on fresh accounts of the bundled server
 * (made by the bridge for the run, so this spec shares no account with any other), each
 * step's verdict and the entries that decided it, both accounts' streams; a reload keeps the
 * script and the run. Links to a script, a stanza and a lesson step open without running or
 * sending. Stanzas recorded in the workbench replay; a recorded script runs on the bundled
 * ejabberd and on the e2e Prosody (an account registered for that test only), the two runs
 * compare, and the run's report exports.
 */

const FIXED = `name: Ping, write to bob, then expect what does not come
accounts:
  alice: fresh
  bob: fresh
steps:
  - name: ping the server
    send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { name: pong, dir: in, stanza: iq, type: result, answers: ping }
  - name: alice writes to bob
    send: <message to='{{bob}}' type='chat' id='{{id}}'><body>hello bob</body></message>
    expect:
      - { dir: out, stanza: message }
      - { on: bob, dir: in, stanza: message, from: "{{alice.full}}", has: [{ path: body, text: hello bob }] }
  - name: expect an error to a ping the server answers
    send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    timeout: 2
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { dir: in, stanza: iq, type: error, answers: ping }
`;
/** What "Make a script" writes for a ping and a version query (XEP-0092) sent in the workbench. */
const RECORDED = `name: Recorded 2 stanzas
accounts:
  alice: fresh
steps:
  - name: iq get to {{domain}}
    send: |-
      <iq type="get" id="{{id}}" to="{{domain}}"><ping xmlns="urn:xmpp:ping"/></iq>
    expect:
      - { name: sent, dir: out, stanza: iq, type: get }
      - { dir: in, stanza: iq, type: result, answers: sent }
  - name: iq get to {{domain}}
    send: |-
      <iq type="get" id="{{id}}" to="{{domain}}"><query xmlns="jabber:iq:version"/></iq>
    expect:
      - { name: sent, dir: out, stanza: iq, type: get }
      - { dir: in, stanza: iq, type: result, answers: sent }
`;

// The typo a person makes: a variable nothing defines.
const BROKEN = FIXED.replace("to='{{domain}}'", "to='{{domian}}'");

const editor = (page: Page) => page.getByRole("textbox", { name: /Script \(YAML\)/ });
const steps = (page: Page) => page.getByRole("list", { name: "Steps" }).getByTestId("script-step");

/** Replaces the editor's text from the keyboard, as a person pasting does. */
async function typeScript(page: Page, text: string) {
  // The kept script loads from IndexedDB first; the text area is read-only until then.
  await expect(editor(page)).toBeEditable();
  await editor(page).focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}

test("a broken script says where; the fixed two-account script runs a step at a time through the bridge; a reload keeps the script and the run", async ({ page }) => {
  await page.goto("/scripts");
  await typeScript(page, BROKEN);
  const parse = page.getByTestId("script-parse");
  await expect(parse).toContainText("Line 7, steps[0].send: {{domian}} is not defined here");
  await expect(page.getByRole("button", { name: "Run all" })).toBeDisabled();
  // The message's button puts the cursor on that line.
  await parse.getByRole("button", { name: "Go to line 7" }).click();
  await expect(editor(page)).toBeFocused();
  expect(await editor(page).evaluate((area: HTMLTextAreaElement) => area.value.slice(area.selectionStart, area.selectionEnd))).toContain("{{domian}}");

  await typeScript(page, FIXED);
  await expect(parse).toContainText("Reads well: 3 steps, accounts alice (fresh), bob (fresh)");
  await expect(page.getByTestId("script-target")).toContainText("the bundled server (domain localhost, starttls), with a fresh account");

  // One step: the session opens on a fresh account, the ping and its answer cross the lanes.
  await page.getByRole("button", { name: "Step 1 of 3" }).click();
  await expect(steps(page).nth(0)).toHaveAttribute("data-state", "passed");
  await expect(steps(page).nth(1)).toHaveAttribute("data-state", "next");
  const lanes = page.getByRole("region", { name: "alice's stream" });
  await expect(lanes.getByRole("heading")).toContainText(/^alice · [^·@]+@localhost\/\S+ · online/);
  const decided = steps(page).nth(0).getByTestId("step-entry-link");
  await expect(decided).toHaveCount(2);
  const pongSeq = await decided.nth(1).getAttribute("data-seq");
  const pongRow = lanes.locator(`[data-seq="${pongSeq}"][data-testid="entry-in"]`);
  await expect(pongRow).toHaveAttribute("data-kind", "iq");
  await expect(pongRow).toContainText("result");

  // The rest, from the keyboard: Ctrl+Enter in the editor. alice's message shows in bob's lanes; the last step expects what the server does not send.
  await editor(page).press("ControlOrMeta+Enter");
  await expect(steps(page).nth(1)).toHaveAttribute("data-state", "passed");
  const bobLanes = page.getByRole("region", { name: "bob's stream" });
  await expect(bobLanes.getByTestId("entry-in").filter({ hasText: "hello bob" })).toHaveAttribute("data-kind", "message");
  await expect(steps(page).nth(1).getByTestId("step-entry-link").filter({ hasText: "bob #" })).toHaveCount(1);
  const failed = steps(page).nth(2);
  await expect(failed).toHaveAttribute("data-state", "failed");
  await expect(failed.getByTestId("step-reason")).toContainText(/^on alice's stream: waited 2 s; expect\[1\] not met: .*came instead: #\d+ <iq type=result>/);
  await expect(page.getByTestId("run-status")).toContainText("2 of 3 steps passed. The sessions are closed.");
  await expect(lanes.getByRole("heading")).toContainText("closed");

  // One click from the verdict to the raw entry that decided it.
  await decided.nth(1).click();
  await expect(pongRow).toHaveAttribute("aria-current", "true");

  // Once more, on another fresh account: the two runs compare equal once ids, resources and accounts are set aside.
  await page.getByRole("button", { name: "Run all" }).click();
  const compare = page.getByRole("region", { name: "Compare two runs" });
  await expect(compare.getByTestId("compare-summary")).toContainText("3 steps equal once normalized");
  await expect(compare.getByTestId("compare-summary")).toContainText(", 0 differences.");

  // A reload keeps the script and the last run's transcript and verdicts (IndexedDB); nothing runs by itself.
  const kept = await lanes.getByTestId("entry-in").count();
  await page.reload();
  await expect(editor(page)).toHaveValue(FIXED);
  await expect(steps(page).nth(2)).toHaveAttribute("data-state", "failed");
  await expect(page.getByRole("region", { name: "bob's stream" }).getByTestId("entry-in").filter({ hasText: "hello bob" })).toHaveCount(1);
  await expect(lanes.getByTestId("entry-in")).toHaveCount(kept);
  await expect(compare.getByTestId("compare-summary")).toContainText("3 steps equal once normalized");
  await expect(page.getByTestId("run-status")).toContainText("2 of 3 steps passed");
});

test("a script, a single stanza and a lesson step open from links: shown where they belong, unsent, with the server they would go to", async ({ page, context }) => {
  await page.goto("/scripts");
  await typeScript(page, FIXED);
  // Share: the link carries the script itself.
  await page.getByRole("button", { name: "Link", exact: true }).click();
  const url = await page.getByTestId("script-link").inputValue();
  expect(url).toMatch(/\/scripts#script=[A-Za-z0-9_-]+$/);

  const other = await context.newPage();
  const sent: string[] = [];
  other.on("websocket", (socket) => socket.on("framesent", (frame) => sent.push(String(frame.payload))));
  await other.goto(url);
  await expect(editor(other)).toHaveValue(FIXED);
  await expect(other.getByTestId("script-opened-from")).toContainText("Opened from a link. It has not run");
  await expect(other.getByTestId("script-target")).toContainText("the bundled server");
  await expect(steps(other)).toHaveCount(3);
  await expect(steps(other).nth(0)).toHaveAttribute("data-state", "not run");
  // The fragment did its work and is gone: a reload opens the kept copy, not a second one.
  expect(new URL(other.url()).hash).toBe("");
  expect(sent.filter((frame) => frame.includes('"op":"open"'))).toEqual([]);

  // A script too big for a link says so and what to do instead.
  let noise = "";
  for (let index = 0; noise.length < 40_000; index++) noise += Math.imul(index + 1, 2654435761).toString(36);
  await editor(other).fill(`name: big\n# ${noise}\n`);
  await other.getByRole("button", { name: "Link", exact: true }).click();
  await expect(other.getByRole("alert").filter({ hasText: "more than the 16,000 a link may carry" })).toContainText("export it as a file");

  // A single stanza and a lesson step, packed here as another encoder would (deflate-raw, base64url).
  const pack = (text: string) => zlib.deflateRawSync(Buffer.from(text)).toString("base64url");
  await other.goto(`/playground#stanza=${pack(`<message to="bob@localhost" type="chat"><body>a linked stanza</body></message>`)}`);
  await expect(other.getByTestId("stanza-opened-from")).toContainText("has not been sent. Send sends it once this pane is connected, to the server the form above names");
  await expect(pane(other).getByTestId("stanza-editor").locator(".view-lines")).toContainText("a linked stanza");
  expect(new URL(other.url()).hash).toBe("");
  await other.goto(`/lessons/message#at=thread&step=${pack(`<message to="{{peer}}" type="chat" id="{{id}}"><body>a linked step from {{me}}</body></message>`)}`);
  await expect(other.getByTestId("step-opened-from")).toContainText("has not been sent. Send sends it on your lesson session, to the bundled server");
  await expect(other.getByRole("list", { name: "Steps" }).getByRole("button").nth(1)).toHaveAttribute("aria-current", "step");
  // The template is filled with this learner's own account.
  await expect(other.getByTestId("stanza-editor").locator(".view-lines")).toContainText(/a\slinked\sstep\sfrom\s[^\s{]+@localhost/);
  expect(sent.filter((frame) => frame.includes('"op":"send"'))).toEqual([]);
});

test("stanzas recorded in the workbench open as a script in the scripts page, not run, and replay on a fresh account", async ({ page, context }) => {
  // Record: a fresh account in the workbench, "Record from now", a ping and a version query (XEP-0092).
  await page.goto("/playground");
  await pane(page).getByRole("button", { name: "Fresh account" }).click();
  await expect(pane(page).getByTestId("connection-status")).toContainText(/Online as guest-[a-z0-9]+@localhost\//);
  await pane(page).getByRole("button", { name: "Record from now" }).click();
  await ping(page, "recorded-ping");
  await sendStanza(page, `<iq type="get" id="recorded-version" to="localhost"><query xmlns="jabber:iq:version"/></iq>`);
  await expect(paneLanes(page).getByTestId("entry-in").filter({ hasText: "recorded-version" })).toContainText("answers #");
  const popup = context.waitForEvent("page");
  await pane(page).getByRole("button", { name: "Make a script (2 sent)" }).click();
  const scripts = await popup;

  // The script opens in the scripts page, generalised, and has not run.
  await expect(scripts.getByTestId("script-opened-from")).toContainText("Opened from a recording in the workbench. It has not run");
  await expect(editor(scripts)).toHaveValue(/send: \|-\n\s+<iq type="get" id="\{\{id\}\}" to="\{\{domain\}\}"><ping xmlns="urn:xmpp:ping"\/><\/iq>/);
  await expect(scripts.getByTestId("script-parse")).toContainText("Reads well: 2 steps, account alice (fresh)");
  await expect(steps(scripts).nth(0)).toHaveAttribute("data-state", "not run");
  // Replayed on a fresh account of its own, the answers it recorded are what it expects.
  await scripts.getByRole("button", { name: "Run all" }).click();
  await expect(scripts.getByTestId("run-status")).toContainText("2 of 2 steps passed");
  await expect(editor(scripts)).toHaveValue(RECORDED);
  await disconnectIfOnline(page);
});

test("a recorded script replays on ejabberd and on Prosody (a given account); the comparison shows where they differ; the report exports as the command line's JSON", async ({ page }) => {
  // A given account on the e2e Prosody, of this test's own (no other spec knows its name).
  const prosodyUser = `scripts-${Date.now().toString(36)}`;
  const registered = registerProsodyUser(E2E_PROSODY, prosodyUser, prosodyUser);
  const scripts = page;
  await scripts.goto("/scripts");
  await typeScript(scripts, RECORDED);
  await expect(scripts.getByRole("button", { name: "Export report (JSON)" })).toBeDisabled();
  await scripts.getByRole("button", { name: "Run all" }).click();
  await expect(scripts.getByTestId("run-status")).toContainText("2 of 2 steps passed");

  // The same script on Prosody, as the account given for alice, over plain TCP on loopback.
  await registered;
  const server = scripts.getByRole("group", { name: "Server" });
  await server.getByLabel("Another server").check();
  await server.getByRole("combobox", { name: /^Transport/ }).selectOption("plain");
  await server.getByLabel("Host", { exact: true }).fill(E2E_PROSODY.host);
  await server.getByLabel("Port", { exact: true }).fill(String(E2E_PROSODY.ports.plain));
  await server.getByLabel("alice's JID").fill(`${prosodyUser}@${E2E_PROSODY.domain}`);
  await server.getByLabel("alice's password").fill(prosodyUser);
  await expect(scripts.getByTestId("script-target")).toContainText(`Runs against ${E2E_PROSODY.host}:${E2E_PROSODY.ports.plain} (plain), alice as ${prosodyUser}@${E2E_PROSODY.domain}`);
  await scripts.getByRole("button", { name: "Run all" }).click();
  await expect(scripts.getByTestId("run-status")).toContainText("2 of 2 steps passed");
  await expect(scripts.getByRole("region", { name: "alice's stream" }).getByTestId("entry-in").filter({ hasText: "<name>Prosody</name>" })).toHaveCount(1);

  // The comparison: the version step differs (ejabberd / Prosody), the raw entries one click away.
  const compare = scripts.getByRole("region", { name: "Compare two runs" });
  const version = compare.getByTestId("compare-difference").filter({ hasText: "jabber:iq:version" });
  await expect(version.first()).toContainText("ejabberd");
  await expect(version.first()).toContainText("Prosody");
  await version.first().getByText("Raw entries").click();
  await expect(version.first().locator("pre").filter({ hasText: "second run" })).toContainText("<name>Prosody</name>");

  // The Prosody run's report, as npm run script writes it: server, verdicts, each step's raw window.
  const download = scripts.waitForEvent("download");
  await scripts.getByRole("button", { name: "Export report (JSON)" }).click();
  const report = JSON.parse(await fs.promises.readFile((await (await download).path())!, "utf8")) as { server: string; passed: boolean; scripts: { verdict: string; steps: { passed: boolean; window: { raw: string }[] }[] }[] };
  expect(report.server).toContain(`${E2E_PROSODY.host}:${E2E_PROSODY.ports.plain}`);
  expect(report.passed).toBe(true);
  expect(report.scripts[0]!.verdict).toBe("passed");
  expect(report.scripts[0]!.steps.map((step) => step.passed)).toEqual([true, true]);
  expect(report.scripts[0]!.steps[1]!.window.map((entry) => entry.raw).join("")).toContain("<name>Prosody</name>");
  // No password reaches a report.
  expect(JSON.stringify(report)).not.toContain(Buffer.from(`\0${prosodyUser}\0${prosodyUser}`).toString("base64"));

  // The bundled suite's kept reports, as a table of server × check, the stanzas behind each cell.
  await scripts.getByRole("link", { name: "The compliance suite on ejabberd and Prosody" }).click();
  const table = scripts.getByTestId("suite-table");
  await expect(table.getByRole("columnheader")).toContainText(["check", /^ejabberd 23\.01/, /^Prosody 0\.12/]);
  const mam = table.getByRole("row").filter({ hasText: "xep-0313-mam.yaml" });
  await expect(mam.locator("summary")).toHaveText(["passed", "not offered"]);
  await mam.locator("summary").nth(1).click();
  await expect(mam.getByRole("cell").nth(1).locator("pre")).toContainText("not offered: ");
});

test("a lesson step's link opened before the session is up: its {{me}} and {{peer}} are filled in once the session's values come", async ({ page }) => {
  // The bridge's answer to the lesson session's open, and what follows it, are held back (in
  // order), as a slow server would, until the linked XML is in the editor with its placeholders.
  let held: (string | Buffer)[] | null = null;
  let release: (() => void) | null = null;
  await page.routeWebSocket(/\/bridge$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      if (held === null && release === null && (JSON.parse(String(message)) as ServerMessage).op === "opened") {
        const queue: (string | Buffer)[] = [];
        held = queue;
        release = () => {
          held = null;
          for (const waiting of queue) socket.send(waiting);
        };
      }
      if (held !== null) held.push(message);
      else socket.send(message);
    });
  });
  // And the code that unpacks the link waits until the editor is up, so the linked XML reaches
  // an editor already there (its first text empty: no session values yet), as on a warm cache.
  let editorUp: () => void = () => undefined;
  const editorShown = new Promise<void>((resolve) => (editorUp = resolve));
  await page.route(/\/_next\/static\/chunks\/.*\.js$/, async (route) => {
    const response = await route.fetch();
    const body = await response.text();
    if (body.includes("DecompressionStream")) await editorShown;
    await route.fulfill({ response, body });
  });
  const pack = (text: string) => zlib.deflateRawSync(Buffer.from(text)).toString("base64url");
  await page.goto(`/lessons/message#at=thread&step=${pack(`<message to="{{peer}}" type="chat" id="{{id}}"><body>early link from {{me}}</body></message>`)}`);
  const editorLines = page.getByTestId("stanza-editor").locator(".view-lines");
  await expect(page.getByTestId("stanza-editor").locator(".monaco-editor")).toBeVisible();
  editorUp();
  await expect(editorLines).toContainText("early link from {{me}}");
  await expect(page.getByTestId("lesson-session-status")).not.toContainText("Online");
  await expect.poll(() => release !== null, { message: "the session's opened answer, held" }).toBe(true);
  release!();
  await expect(page.getByTestId("lesson-session-status")).toContainText("Online", { timeout: 20_000 });
  await expect(editorLines).toContainText(/early\slink\sfrom\s[^\s{]+@localhost/);
  await expect(editorLines).not.toContainText("{{peer}}");
});
