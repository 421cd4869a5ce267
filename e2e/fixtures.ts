import { expect as baseExpect, test as base } from "@playwright/test";
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
export const test = base.extend<object, { world: E2eWorld }>({
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
