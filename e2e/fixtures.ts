import { test as base } from "@playwright/test";
import { e2eWorld, type E2eWorld } from "./worlds";

export { expect } from "@playwright/test";

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
