import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { WebSocket as NodeWebSocket } from "ws";
import { registerDisposableAccount, removeAccount, type Credentials } from "../lib/xmpp/in-band-registration";
import { SLOT, fromRepoRoot, type XmppServerInstance } from "../scripts/lib/instances";
import { startAppProcess, type AppProcess } from "./app-process";
import { disconnectIfOnline, lanes, pane, ping, sendStanza, typeStanza } from "./workbench-page";

/**
 * Credentials and limits, on an app server of this file's own: its stdout and stderr are
 * read here (with the logs of the worker's e2e ejabberd, its bundled server), and its limits
 * are set low enough to hit.
 */
const APP_PORT = 3150 + SLOT;
const BASE = `http://localhost:${APP_PORT}`;
const LIMITS = { BRIDGE_MAX_SESSIONS: "2", BRIDGE_MAX_SENDS_PER_SECOND: "1", BRIDGE_SEND_BURST: "4" };
/** The worker's e2e ejabberd (e2e/worlds.ts): alice and bob there are this worker's alone. */
let xmpp: XmppServerInstance;
const accountServer = () => ({ server: { host: xmpp.host, port: xmpp.ports.plain }, domain: xmpp.domain, transport: "plain" as const });

let app: AppProcess;

test.beforeAll(async ({ world }) => {
  xmpp = world.server;
  app = await startAppProcess({ port: APP_PORT, server: xmpp, env: LIMITS });
});

test.afterAll(async () => {
  await app?.kill("SIGTERM");
});

/** Everything this browser keeps for the app: Web Storage, every IndexedDB record, cookies (HttpOnly too). */
async function browserStorage(page: Page, context: BrowserContext): Promise<string> {
  const inPage = await page.evaluate(async () => {
    const kept: unknown[] = [];
    for (const [name, storage] of [["localStorage", localStorage], ["sessionStorage", sessionStorage]] as const) {
      for (let index = 0; index < storage.length; index++) {
        const key = storage.key(index)!;
        kept.push([name, key, storage.getItem(key)]);
      }
    }
    const request = <T,>(run: () => IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        const pending = run();
        pending.onsuccess = () => resolve(pending.result);
        pending.onerror = () => reject(pending.error);
      });
    for (const { name } of await indexedDB.databases()) {
      const db = await request(() => indexedDB.open(name!));
      for (const store of Array.from(db.objectStoreNames)) {
        kept.push(["indexedDB", name, store, await request(() => db.transaction(store).objectStore(store).getAll())]);
      }
      db.close();
    }
    kept.push(["caches", await caches.keys()]);
    return JSON.stringify(kept);
  });
  return inPage + JSON.stringify(await context.cookies());
}

/** The forms a password takes on the wire and in a transcript. */
function secretForms(username: string, password: string): string[] {
  const base64 = (text: string) => Buffer.from(text).toString("base64");
  return [password, base64(`\0${username}\0${password}`), base64(password), encodeURIComponent(password)];
}

async function login(page: Page, jid: string, password: string, options: { mechanism?: "PLAIN" | "SCRAM-SHA-1"; mode?: "guided" | "raw" } = {}) {
  const form = pane(page).getByRole("form", { name: "Connection" });
  await form.getByLabel("JID").fill(jid);
  await form.getByLabel("Password").fill(password);
  await form.getByLabel("Mode").selectOption(options.mode ?? "guided");
  if (options.mechanism) await form.getByLabel("SASL").selectOption(options.mechanism);
  await form.getByRole("button", { name: "Connect" }).click();
}

test("passwords never reach the server's logs or ejabberd's, and the browser never stores them", async ({ page, context }) => {
  const account: Credentials = await registerDisposableAccount({ ...accountServer(), prefix: "secret" });
  const jid = `${account.username}@${xmpp.domain}`;
  const wrong = `wrong-${account.password.slice(0, 8)}-${Date.now()}`;
  const secrets = [...secretForms(account.username, account.password), ...secretForms(account.username, wrong)];
  const status = pane(page).getByTestId("connection-status");
  const assertNotStored = async (what: string) => {
    const stored = await browserStorage(page, context);
    for (const secret of secrets) expect(stored.includes(secret), `${what}: the browser holds ${secret}`).toBe(false);
  };

  try {
    await page.goto(`${BASE}/playground`);
    // Guided, SASL PLAIN: the password crosses the wire as base64 inside <auth>.
    await login(page, jid, account.password);
    await expect(status).toContainText(`Online as ${jid}/`);
    await ping(page, "stored-before-reveal");
    await expect.poll(() => browserStorage(page, context)).toContain("stored-before-reveal");
    await assertNotStored("after logging in");

    // Revealed in the page, on request; still never written to storage.
    await page.getByLabel("Reveal credentials").check();
    const plain = Buffer.from(`\0${account.username}\0${account.password}`).toString("base64");
    await expect(lanes(page).getByTestId("entry-out").and(page.locator('[data-kind="sasl"]'))).toContainText(plain);
    await ping(page, "stored-after-reveal");
    await expect.poll(() => browserStorage(page, context)).toContain("stored-after-reveal");
    await assertNotStored("after revealing");
    await page.getByLabel("Reveal credentials").uncheck();
    await disconnectIfOnline(page);

    // SCRAM-SHA-1, and a wrong password.
    await login(page, jid, account.password, { mechanism: "SCRAM-SHA-1" });
    await expect(status).toContainText(`Online as ${jid}/`);
    await disconnectIfOnline(page);
    await login(page, jid, wrong, { mechanism: "PLAIN" });
    await expect(pane(page).getByRole("form", { name: "Connection" }).getByRole("alert")).toContainText("wrong username or password");

    // Raw mode: the person types <auth> themselves; the editor's history keeps it masked.
    await login(page, jid, "", { mode: "raw" });
    await expect(status).toContainText("raw socket");
    await sendStanza(page, `<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`);
    await expect(lanes(page).getByTestId("entry-in").and(page.locator('[data-kind="features"]'))).toContainText("PLAIN");
    await sendStanza(page, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`);
    await expect(lanes(page).getByTestId("entry-in").and(page.locator('[data-kind="sasl"]'))).toContainText("success");
    await expect.poll(() => browserStorage(page, context)).toContain("mechanism='PLAIN'>");
    // Clear the editor, whose text is the page's own (not storage), then look.
    await typeStanza(page, "<presence/>");
    await assertNotStored("after a raw login");
    await page.reload();
    await expect(status).toContainText("raw socket");
    await assertNotStored("after a reload");
    await disconnectIfOnline(page);
  } finally {
    await removeAccount({ ...accountServer(), ...account });
  }

  // The logs: what this app server printed, and everything ejabberd wrote.
  const ejabberdLogs = path.join(fromRepoRoot(xmpp.dir), "logs");
  const logs = readdirSync(ejabberdLogs).map((file) => readFileSync(path.join(ejabberdLogs, file), "utf8")).join("\n");
  const printed = app.output.join("");
  // They are the right logs: both saw these logins.
  expect(printed).toMatch(/session [0-9a-f]{8} opened: guided plain/);
  expect(logs).toContain(`authentication for ${jid}`);
  for (const secret of secrets) {
    expect(printed.includes(secret), `the app server printed ${secret}`).toBe(false);
    expect(logs.includes(secret), `ejabberd logged ${secret}`).toBe(false);
  }
});

test("limits say so in the page, and the other sessions carry on", async ({ page, browser }) => {
  // Two sessions fill this server (BRIDGE_MAX_SESSIONS=2).
  await page.goto(`${BASE}/playground`);
  await page.getByLabel("Two accounts").check();
  for (const [paneId, username] of [["a", "alice"], ["b", "bob"]] as const) {
    const form = pane(page, paneId).getByRole("form", { name: "Connection" });
    await form.getByLabel("JID").fill(`${username}@localhost`);
    await form.getByLabel("Password").fill(username);
    await form.getByRole("button", { name: "Connect" }).click();
    await expect(pane(page, paneId).getByTestId("connection-status")).toContainText(`Online as ${username}@localhost/`);
  }
  const other = await browser.newPage();
  try {
    await other.goto(`${BASE}/playground`);
    await login(other, "alice@localhost", "alice");
    await expect(pane(other).getByRole("form", { name: "Connection" }).getByRole("alert")).toContainText("maximum of 2 sessions (BRIDGE_MAX_SESSIONS). Close another session or try again later.");
  } finally {
    await other.close();
  }

  // Sending faster than BRIDGE_MAX_SENDS_PER_SECOND=1 after a burst of 4: refused with the reason, text kept.
  const stanza = `<presence><status>rate</status></presence>`;
  await typeStanza(page, stanza, "a");
  for (let press = 0; press < 7; press++) await page.keyboard.press("ControlOrMeta+Enter");
  await expect(pane(page, "a").getByRole("alert")).toContainText(/Too fast: .*\(BRIDGE_MAX_SENDS_PER_SECOND, BRIDGE_SEND_BURST\)\. Nothing was sent; send again in/);
  await expect(pane(page, "a").getByTestId("stanza-editor").locator(".view-lines")).toContainText(stanza);
  const sent = await lanes(page, "a").getByTestId("entry-out").filter({ hasText: "<status>rate</status>" }).count();
  expect(sent).toBeGreaterThanOrEqual(4);
  expect(sent).toBeLessThan(7);

  // Nothing crashed: the other session answers at once, this one again once its tokens are back.
  await ping(page, "other-pane", "b");
  await expect(async () => {
    await sendStanza(page, `<iq type="get" id="rate-recovered" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`, "a");
    await expect(lanes(page, "a").getByTestId("entry-in").filter({ hasText: "rate-recovered" }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  expect(app.running, app.output.join("")).toBe(true);
  await disconnectIfOnline(page, "a");
  await disconnectIfOnline(page, "b");
});

test("the bridge refuses a WebSocket from another site's page, or with no Origin, and logs why", async ({ page }) => {
  const bridge = `ws://localhost:${APP_PORT}/bridge`;
  const tryBridge = () =>
    page.evaluate(async (url) => {
      const socket = new WebSocket(url);
      return new Promise<string>((resolve) => {
        socket.onopen = () => resolve("open");
        socket.onerror = () => resolve("refused");
      });
    }, bridge);
  // The control: a page of the app's own origin opens it.
  await page.goto(`${BASE}/no-such-page`);
  expect(await tryBridge()).toBe("open");
  // Another site's page tries the same: a tiny site of the test's own on loopback, without any CSP of ours.
  const site = createServer((_request, response) => response.end("<!doctype html><title>another site</title>"));
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const otherSite = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  await page.goto(`${otherSite}/`);
  site.close();
  expect(await tryBridge()).toBe("refused");
  await expect.poll(() => app.output.join("")).toContain(`[bridge] refused a WebSocket: Origin ${otherSite} is another site than localhost:${APP_PORT}`);

  // No Origin at all (not a browser): 403.
  const anonymous = new NodeWebSocket(bridge);
  const status = await new Promise<string>((resolve) => {
    anonymous.on("open", () => resolve("open"));
    anonymous.on("unexpected-response", (_request, response) => resolve(String(response.statusCode)));
    anonymous.on("error", (error) => resolve(error.message));
  });
  anonymous.terminate();
  expect(status).toBe("403");
  // The log line crosses the app's stdout pipe after the 403 has reached us: wait for it.
  await expect.poll(() => app.output.join("")).toContain("[bridge] refused a WebSocket: no Origin header");
});
