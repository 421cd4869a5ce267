import type { FullConfig } from "@playwright/test";
import { startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { E2E_PROSODY, E2E_PROXY_PORTS } from "../scripts/lib/instances";
import { startProsody, stopProsody } from "../scripts/lib/prosody-local";
import { ensureTestBrowser } from "../scripts/lib/test-browser";
import { bundledServerFromEnv, defaultAllowlist } from "../server/config";
import { bundledServerEnv, startAppProcess } from "./app-process";
import { E2E_WORLDS, type E2eWorld } from "./worlds";

/**
 * Real parts only: Debian's chromium-headless-shell, or its full chromium (installed here when
 * missing, never downloaded by Playwright; scripts/lib/test-browser.ts), and for each worker a
 * world (e2e/worlds.ts): a fresh ejabberd on its ports and the built app against it; a fresh
 * Prosody beside them (reached through the "another server" form). All start at once (the app
 * dials ejabberd only when a page connects), where Playwright's own `webServer` started the apps
 * one after another and only then this setup's servers; all stop when the run ends.
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  // The workers start after this and inherit the environment: playwright.config.ts reads it there.
  process.env.CHROMIUM_PATH = await ensureTestBrowser();
  const worlds = E2E_WORLDS.slice(0, config.workers);
  const servers = worlds.map((world) => world.server);
  const [serversStarted, prosodyStarted, appsStarted] = await Promise.all([
    Promise.allSettled(servers.map((server) => startLocalServer(server, { fresh: true }))),
    Promise.allSettled([startProsody(E2E_PROSODY, { fresh: true })]),
    Promise.allSettled(worlds.map((world, index) => startAppProcess({ port: world.appPort, server: world.server, env: appEnv(world, index), echoAs: `app ${index + 1}` }))),
  ]);
  const stopAll = async () => {
    await Promise.all(appsStarted.map((app) => (app.status === "fulfilled" ? app.value.kill("SIGTERM") : undefined)));
    await Promise.all([
      ...servers.map((server, index) => (serversStarted[index]!.status === "fulfilled" ? stopLocalServer(server) : undefined)),
      prosodyStarted[0]!.status === "fulfilled" ? stopProsody(E2E_PROSODY) : undefined,
    ]);
  };
  const failed = [...serversStarted, ...prosodyStarted, ...appsStarted].find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  return stopAll;
}

/**
 * World `index`'s app: its ejabberd as the bundled server; allowed to dial that server's
 * listeners, the world's hostile test server (test/hostile-server.ts) and the e2e Prosody; its
 * proxies on ten ports of the slot's range of its own.
 */
function appEnv(world: E2eWorld, index: number): Record<string, string> {
  const allowed = [
    ...defaultAllowlist(bundledServerFromEnv(bundledServerEnv(world.server))),
    `127.0.0.1:${world.hostilePort}`,
    ...Object.values(E2E_PROSODY.ports).map((port) => `127.0.0.1:${port}`),
  ];
  const firstProxyPort = E2E_PROXY_PORTS.first + 10 * index;
  return { XMPP_ALLOWED_HOSTS: allowed.join(","), PROXY_PORTS: `${firstProxyPort}-${firstProxyPort + 9}` };
}
