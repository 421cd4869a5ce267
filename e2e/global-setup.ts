import type { FullConfig } from "@playwright/test";
import { startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { E2E_PROSODY } from "../scripts/lib/instances";
import { startProsody, stopProsody } from "../scripts/lib/prosody-local";
import { ensureTestBrowser } from "../scripts/lib/test-browser";
import { E2E_WORLDS } from "./worlds";

/**
 * Real parts only: Debian's chromium-headless-shell, or its full chromium (installed here when
 * missing, never downloaded by Playwright; scripts/lib/test-browser.ts), a fresh ejabberd per
 * worker on its world's ports (that worker's bundled server, e2e/worlds.ts) and a fresh Prosody
 * beside them (reached through the "another server" form), stopped when the run ends.
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  // The workers start after this and inherit the environment: playwright.config.ts reads it there.
  process.env.CHROMIUM_PATH = await ensureTestBrowser();
  const servers = E2E_WORLDS.slice(0, config.workers).map((world) => world.server);
  const started = await Promise.allSettled([...servers.map((server) => startLocalServer(server, { fresh: true })), startProsody(E2E_PROSODY, { fresh: true })]);
  const stopAll = () => Promise.all([...servers.map((server, index) => (started[index]!.status === "fulfilled" ? stopLocalServer(server) : undefined)), started.at(-1)!.status === "fulfilled" ? stopProsody(E2E_PROSODY) : undefined]);
  const failed = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  return async () => {
    await stopAll();
  };
}
