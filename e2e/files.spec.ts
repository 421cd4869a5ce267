import { readFile } from "node:fs/promises";
import type { Page, TestInfo } from "@playwright/test";
import { expect, fresh, test } from "./fixtures";
import { EXPORT_WORKER_FAILED } from "../lib/transcript-files/export-in-slices";
import { readStreamFile } from "../lib/transcript-files/stream-file";
import { walkXml } from "../lib/xml/walk-xml";
import { connectOnline, disconnectIfOnline, entryList, lanes, pane, ping } from "./workbench-page";

/**
 * Files out and back in: the JSON transcript and the two stream files exported from a real
 * session, then read offline on /captures; credentials stay masked unless revealed first.
 */

/** base64("\0alice\0alice"): alice's SASL PLAIN credentials. */
const ALICE_PLAIN = "AGFsaWNlAGFsaWNl";

const pingOf = (id: string) => `<iq type="get" id="${id}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`;

interface ExportedFile {
  format: string;
  version: number;
  meta: { jid?: string };
  entries: { seq: number; dir: string; kind: string; raw: string; redacted?: boolean; revealedOnExport?: boolean }[];
}

test.afterEach(async ({ page }) => {
  await disconnectIfOnline(page);
});

/** Export → the chosen format; returns the saved file's path and text. */
async function exportAs(page: Page, testInfo: TestInfo, format: "Transcript (.json)" | "Client stream (.xml)" | "Server stream (.xml)", saveAs: string) {
  const choice = pane(page).getByRole("group", { name: "Export formats" }).getByRole("button", { name: format });
  // The menu closes after each export; open it unless it is open already.
  if (!(await choice.isVisible())) await pane(page).getByLabel(/^Export \d+ entries$/).click();
  const [download] = await Promise.all([page.waitForEvent("download"), choice.click()]);
  const path = testInfo.outputPath(saveAs);
  await download.saveAs(path);
  return { path, text: await readFile(path, "utf8"), suggested: download.suggestedFilename() };
}

/** Alice logs in and pings; returns the ping's text, once the transcript has settled (last seq = row count). */
async function smallSession(page: Page) {
  const stanza = pingOf(`file${fresh()}`);
  await connectOnline(page, "alice");
  await ping(page, stanza.match(/id="([^"]+)"/)![1]!);
  const list = entryList(page);
  const count = await list.getByRole("listitem").count();
  await expect(list).toHaveAttribute("data-last-seq", String(count));
  return { stanza, count };
}

/** Opens /captures and imports `files` through the labelled file input. */
async function importOnCaptures(page: Page, files: string[] | { name: string; mimeType: string; buffer: Buffer }) {
  await page.goto("/captures");
  await expect(page.getByRole("heading", { name: "Captures" })).toBeVisible();
  await page.getByLabel("Transcript file or stream files to import").setInputFiles(files);
}

/** Alerts in the page's content (Next.js keeps an empty route announcer with role="alert" outside it). */
const alerts = (page: Page) => page.getByRole("main").getByRole("alert");

const capturedEntries = (page: Page) => page.getByRole("region", { name: "Capture" }).getByRole("list", { name: "Transcript entries" }).getByRole("listitem");

test("export the transcript as JSON and read it back on /captures", async ({ page }, testInfo) => {
  const { stanza, count } = await smallSession(page);
  await expect(pane(page).getByLabel(`Export ${count} entries`)).toBeVisible();

  // The JSON is built in a worker of its own (transcript-export), under the page's CSP: the
  // page says so on its console if it had to build the file itself.
  const warnings: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "warning") warnings.push(message.text());
  });
  const exportWorker = page.waitForEvent("worker");
  const exported = await exportAs(page, testInfo, "Transcript (.json)", "transcript.json");
  await exportWorker;
  expect(warnings.filter((text) => text.includes(EXPORT_WORKER_FAILED))).toEqual([]);
  expect(exported.suggested).toMatch(/^xmpp-alice@localhost-\d{8}-\d{6}\.json$/);
  const file = JSON.parse(exported.text) as ExportedFile;
  expect(file.format).toBe("xmpp-playground-transcript");
  expect(file.version).toBe(1);
  expect(file.meta.jid).toMatch(/^alice@localhost\//);
  expect(file.entries).toHaveLength(count);
  expect(file.entries.map((entry) => entry.seq)).toEqual(Array.from({ length: count }, (_, index) => index + 1));
  expect(file.entries.find((entry) => entry.dir === "out" && entry.raw === stanza)?.kind).toBe("iq");
  // Credentials were not revealed: masked in the file, as on the page.
  expect(exported.text).not.toContain(ALICE_PLAIN);
  const auth = file.entries.find((entry) => entry.dir === "out" && entry.kind === "sasl");
  expect(auth?.redacted).toBe(true);
  expect(auth?.revealedOnExport).toBeUndefined();

  await importOnCaptures(page, [exported.path]);
  const capture = page.getByRole("region", { name: "Capture" });
  await expect(capture).toContainText(`transcript.json`);
  await expect(capture).toContainText(`${count} entries`);
  await expect(capture.getByRole("list", { name: "Transcript entries" })).toHaveAttribute("data-row-count", String(count));
  await expect(capturedEntries(page)).toHaveCount(count);
  await expect(capture.getByText(stanza, { exact: true })).toHaveCount(1);
  await expect(capturedEntries(page).filter({ hasText: stanza })).toHaveAttribute("aria-label", /^#\d+, client to server, iq$/);
  await expect(page.locator("body")).not.toContainText(ALICE_PLAIN);
  await expect(capture.getByRole("note")).toHaveCount(0);
  await expect(alerts(page)).toHaveCount(0);
});

test("credentials are in an export only after Reveal credentials", async ({ page }, testInfo) => {
  await smallSession(page);
  const masked = await exportAs(page, testInfo, "Transcript (.json)", "masked.json");
  expect(masked.text).not.toContain(ALICE_PLAIN);

  await lanes(page).getByLabel("Reveal credentials").check();
  await expect(lanes(page).getByTestId("entry-out").and(page.locator('[data-kind="sasl"]'))).toContainText(ALICE_PLAIN);
  await pane(page).getByLabel(/^Export \d+ entries$/).click();
  await expect(pane(page).getByRole("group", { name: "Export formats" }).getByRole("note")).toHaveText("Credentials are revealed, so these files will contain them.");
  const revealed = await exportAs(page, testInfo, "Transcript (.json)", "revealed.json");
  expect(revealed.text).toContain(ALICE_PLAIN);
  const auth = (JSON.parse(revealed.text) as ExportedFile).entries.find((entry) => entry.dir === "out" && entry.kind === "sasl");
  expect(auth?.raw).toContain(ALICE_PLAIN);
  expect(auth?.revealedOnExport).toBe(true);
  const client = await exportAs(page, testInfo, "Client stream (.xml)", "revealed-client.xml");
  expect(client.text).toContain(ALICE_PLAIN);

  // Hidden again, exports are masked again.
  await lanes(page).getByLabel("Reveal credentials").uncheck();
  await expect(page.locator("body")).not.toContainText(ALICE_PLAIN);
  const maskedAgain = await exportAs(page, testInfo, "Transcript (.json)", "masked-again.json");
  expect(maskedAgain.text).not.toContain(ALICE_PLAIN);

  // The revealed file warns whoever opens it.
  await importOnCaptures(page, [revealed.path]);
  await expect(page.getByRole("region", { name: "Capture" }).getByRole("note")).toContainText("This file holds credentials in clear text (1 entry revealed on export)");
  await expect(capturedEntries(page).filter({ hasText: ALICE_PLAIN })).toHaveAttribute("aria-label", /client to server, sasl/);
});

test("the two stream files: each a well-formed XML document holding its direction's bytes", async ({ page }, testInfo) => {
  const { stanza } = await smallSession(page);
  const id = stanza.match(/id="([^"]+)"/)![1]!;

  const client = await exportAs(page, testInfo, "Client stream (.xml)", "client.xml");
  expect(client.suggested).toMatch(/^xmpp-alice@localhost-\d{8}-\d{6}-client\.xml$/);
  // Well-formed, with every stream restart (STARTTLS, SASL) a <stream> of its own.
  expect(walkXml(client.text, { fragment: false }).error).toBeNull();
  const clientRead = readStreamFile(client.text);
  if (!clientRead.ok) throw new Error(clientRead.message);
  expect(clientRead.direction).toBe("client-to-server");
  expect(clientRead.sections.length).toBeGreaterThanOrEqual(2);
  for (const section of clientRead.sections) expect(section).toMatch(/^(<\?xml version=['"]1\.0['"]\?>)?<stream:stream\s[^>]*xmlns:stream=['"]http:\/\/etherx\.jabber\.org\/streams['"][^>]*>/);
  const clientWire = clientRead.sections.join("");
  expect(clientWire.match(/<stream:stream\s[^>]*>/)?.[0]).toMatch(/\sto=['"]localhost['"]/);
  // The sent stanza, byte for byte.
  expect(clientWire).toContain(stanza);
  expect(client.text).not.toContain(ALICE_PLAIN);
  // Only what the client sent: nothing from the server, no event sentences.
  expect(clientWire).not.toContain("<stream:features");
  expect(clientWire).not.toMatch(new RegExp(`type=['"]result['"][^>]*id=['"]${id}['"]|id=['"]${id}['"][^>]*type=['"]result['"]`));

  const server = await exportAs(page, testInfo, "Server stream (.xml)", "server.xml");
  expect(server.suggested).toMatch(/-server\.xml$/);
  expect(walkXml(server.text, { fragment: false }).error).toBeNull();
  const serverRead = readStreamFile(server.text);
  if (!serverRead.ok) throw new Error(serverRead.message);
  expect(serverRead.sections.length).toBe(clientRead.sections.length);
  const serverWire = serverRead.sections.join("");
  expect(serverWire).toMatch(/^(<\?xml version=['"]1\.0['"]\?>)?<stream:stream\s/);
  expect(serverWire).toContain("<stream:features");
  expect(serverWire).toMatch(new RegExp(`<iq [^>]*id=['"]${id}['"]`));
  expect(serverWire).not.toContain(stanza);

  // Both files together open on /captures as one capture, the ping answered below its request.
  await importOnCaptures(page, [server.path, client.path]);
  const capture = page.getByRole("region", { name: "Capture" });
  await expect(capture).toContainText("client.xml");
  await expect(capture.getByText(stanza, { exact: true })).toHaveCount(1);
  await expect(capturedEntries(page).filter({ hasText: id }).last()).toContainText("answers #");
  await expect(alerts(page)).toHaveCount(0);
});

test("Anonymize: no JID, domain or host of the session is left in the export", async ({ page }, testInfo) => {
  await smallSession(page);
  await pane(page).getByLabel(/^Export \d+ entries$/).click();
  await pane(page).getByRole("group", { name: "Export formats" }).getByLabel("Anonymize").check();
  // Anonymizing walks every entry twice: the export worker does it, not the page's thread.
  const warnings: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "warning") warnings.push(message.text());
  });
  const exportWorker = page.waitForEvent("worker");
  const exported = await exportAs(page, testInfo, "Transcript (.json)", "anonymized.json");
  await exportWorker;
  expect(warnings.filter((text) => text.includes(EXPORT_WORKER_FAILED))).toEqual([]);
  expect(exported.suggested).toMatch(/^xmpp-user1@domain1\.example-/);
  expect(exported.text).not.toMatch(/alice|localhost|127\.0\.0\.1/);
  expect(exported.text).not.toContain(ALICE_PLAIN);
  const file = JSON.parse(exported.text) as ExportedFile & { meta: { anonymized?: boolean } };
  expect(file.meta).toMatchObject({ jid: expect.stringMatching(/^user1@domain1\.example\/res1$/) as unknown, anonymized: true });
  expect(file.entries.some((entry) => entry.raw.includes("to='domain1.example'"))).toBe(true);
});

test("a file that is not a transcript is refused with a clear alert", async ({ page }) => {
  await importOnCaptures(page, { name: "nope.json", mimeType: "application/json", buffer: Buffer.from('{"format":"nope"}') });
  await expect(alerts(page)).toContainText("not an XMPP Playground transcript");
  await expect(alerts(page)).toContainText('"nope"');
  await expect(page.getByRole("region", { name: "Capture" })).toHaveCount(0);

  // Not JSON at all: said so too, and the page still works afterwards.
  await page.getByLabel("Transcript file or stream files to import").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{ not json") });
  await expect(alerts(page)).toContainText("not valid JSON");
  await expect(page.getByRole("button", { name: "Open a file…" })).toBeEnabled();
});
