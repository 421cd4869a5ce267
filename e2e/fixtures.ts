import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect as baseExpect, test as base, type BrowserContext, type Page } from "@playwright/test";
import { registerDisposableAccount, removeAccount, type AccountServer, type Credentials } from "../lib/xmpp/in-band-registration";
import type { XmppServerInstance } from "../scripts/lib/instances";
import { e2eWorld, type E2eWorld } from "./worlds";

/**
 * Playwright's `expect`, with `expect.poll` retrying every 50 ms instead of its default back-off
 * (100, 250, 500, then every 1,000 ms). The suite polls the page for what the server sent, which
 * is usually there within a few ms: the back-off made each such wait cost up to a second more
 * than the event itself. A poll may still pass its own `intervals`.
 */
const POLL_INTERVALS_MS = [50];
export const expect = baseExpect.configure({});

/** A short token no other run or test has used, for ids, names and texts a test looks for. */
export const fresh = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const backOffPoll = expect.poll;
expect.poll = ((actual, messageOrOptions) =>
  backOffPoll(actual, typeof messageOrOptions === "string" ? { message: messageOrOptions, intervals: POLL_INTERVALS_MS } : { intervals: POLL_INTERVALS_MS, ...messageOrOptions })) as typeof backOffPoll;

/**
 * The `test` every spec uses: each Playwright worker talks to its own app and ejabberd
 * (e2e/worlds.ts), so `page.goto("/playground")` and `browser.newContext()` reach the app
 * of the worker the test runs on.
 */
export const test = base.extend<{ freshAccount: Credentials }, { world: E2eWorld; warmProfile: BrowserContext }>({
  /**
   * An account of the test's own, registered in-band on the worker's ejabberd and removed after:
   * nothing another test did with alice or bob (a lingering session's presence, a roster push)
   * reaches it, so a test may count what arrives.
   */
  freshAccount: async ({ world }, provide) => {
    const account = await registerDisposableAccount({ ...registrationOn(world.server), prefix: "e2e" });
    await provide(account);
    await removeAccount({ ...registrationOn(world.server), ...account });
  },
  world: [
    async ({}, provide, workerInfo) => {
      await provide(e2eWorld(workerInfo.parallelIndex));
    },
    { scope: "worker" },
  ],
  baseURL: async ({ world }, provide) => {
    await provide(world.baseURL);
  },
  /**
   * One Chromium profile on disk per worker, kept from test to test for its HTTP and code caches
   * only. Chromium keeps no V8 code cache for a fresh (incognito) context, so every test's first
   * page parsed and compiled the whole Monaco chunk again: a workbench load cost 1.6 s of the
   * renderer's main thread, against 0.85 s with a warm cache (issue 17: the suite's time).
   */
  warmProfile: [
    async ({ playwright, launchOptions, world }, provide) => {
      const directory = mkdtempSync(path.join(tmpdir(), "playground-e2e-profile-"));
      const context = await playwright.chromium.launchPersistentContext(directory, {
        ...launchOptions,
        baseURL: world.baseURL,
        viewport: { width: 1280, height: 720 },
        acceptDownloads: true,
      });
      // The blank page a persistent launch opens is the first test's page (see `page` below).
      const [first, ...others] = context.pages();
      await Promise.all(others.map((page) => page.close()));
      if (first !== undefined) spares.set(context, first);
      await provide(context);
      await context.close();
      rmSync(directory, { recursive: true, force: true });
    },
    { scope: "worker" },
  ],
  /**
   * Each test's `context` is that profile, emptied of what a test can leave behind, so a test
   * still starts as a first visit: no page, cookie, permission or storage of an earlier test
   * (browser.newContext() still gives a fresh incognito context, as for a second person). The
   * profile is emptied after each test. Context options given with test.use (viewport, colour
   * scheme, locale) do not reach it, since it is opened once per worker: set them on the page
   * (page.setViewportSize, page.emulateMedia), as the specs do; `permissions` is granted here.
   */
  context: async ({ warmProfile, permissions }, provide) => {
    const visited = new Set<string>();
    const onPage = (page: Page) => page.on("framenavigated", (frame) => visited.add(frame.url()));
    if (permissions) await warmProfile.grantPermissions(permissions);
    warmProfile.on("page", onPage);
    // The spare page (see `page` below) was opened before this test: its visits count too.
    for (const page of warmProfile.pages()) onPage(page);
    await provide(warmProfile);
    warmProfile.off("page", onPage);
    await emptyProfile(warmProfile, [...visited]);
  },
  /**
   * The blank page the profile's emptying opened, if any, else a new one: it has seen no origin
   * and holds nothing (no history but about:blank, no storage), as a new page would. Opening a
   * page starts a renderer process, 140-180 ms on a quiet machine (issue 17: the suite's time).
   */
  page: async ({ context }, provide) => {
    const spare = spares.get(context);
    spares.delete(context);
    await provide(spare !== undefined && !spare.isClosed() ? spare : await context.newPage());
  },
});

/** Per profile: a blank page no test has had yet, for the next test's `page`. */
const spares = new WeakMap<BrowserContext, Page>();

/**
 * Closes every page of the profile, then clears cookies, permissions and each visited origin's
 * storage (local and session storage, IndexedDB, caches); the HTTP and code caches stay. The
 * blank page it clears them through is kept for the next test (`page`).
 */
async function emptyProfile(context: BrowserContext, origins: readonly string[]): Promise<void> {
  await Promise.all(context.pages().map((page) => page.close()));
  await context.clearCookies();
  await context.clearPermissions();
  const httpOrigins = [...new Set(origins.filter((url) => url.startsWith("http")).map((url) => new URL(url).origin))];
  if (httpOrigins.length === 0) return;
  // A persistent context has no Browser object to open a browser-wide CDP session on: a blank
  // page's session reaches the same Storage domain.
  const blank = await context.newPage();
  const session = await context.newCDPSession(blank);
  for (const origin of httpOrigins) await session.send("Storage.clearDataForOrigin", { origin, storageTypes: "all" });
  await session.detach();
  spares.set(context, blank);
}

/** In-band registration on a server's loopback plaintext listener (the test bed's own ejabberd). */
export function registrationOn(server: XmppServerInstance): AccountServer {
  return { server: { host: "127.0.0.1", port: server.ports.plain }, domain: "localhost", transport: "plain" };
}
