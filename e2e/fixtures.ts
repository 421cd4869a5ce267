import { expect as baseExpect, test as base } from "@playwright/test";
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
const backOffPoll = expect.poll;
expect.poll = ((actual, messageOrOptions) =>
  backOffPoll(actual, typeof messageOrOptions === "string" ? { message: messageOrOptions, intervals: POLL_INTERVALS_MS } : { intervals: POLL_INTERVALS_MS, ...messageOrOptions })) as typeof backOffPoll;

/**
 * The `test` every spec uses: each Playwright worker talks to its own app and ejabberd
 * (e2e/worlds.ts), so `page.goto("/playground")` and `browser.newContext()` reach the app
 * of the worker the test runs on.
 */
export const test = base.extend<{ freshAccount: Credentials }, { world: E2eWorld }>({
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
});

/** In-band registration on a server's loopback plaintext listener (the test bed's own ejabberd). */
export function registrationOn(server: XmppServerInstance): AccountServer {
  return { server: { host: "127.0.0.1", port: server.ports.plain }, domain: "localhost", transport: "plain" };
}
