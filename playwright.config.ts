import { defineConfig } from "@playwright/test";
import { CERTS, E2E_PROSODY, E2E_PROXY_PORTS, fromRepoRoot, type XmppServerInstance } from "./scripts/lib/instances";
import { bundledServerFromEnv, defaultAllowlist } from "./server/config";
import { E2E_WORLDS, E2E_WORLD_COUNT, type E2eWorld } from "./e2e/worlds";

/** Each worker's app runs on its own port, against its worker's ejabberd (e2e/worlds.ts). */
function xmppEnv(server: XmppServerInstance) {
  return {
    XMPP_HOST: server.host,
    XMPP_DOMAIN: server.domain,
    XMPP_PORT_STARTTLS: String(server.ports.starttls),
    XMPP_PORT_TLS: String(server.ports.directTls),
    XMPP_PORT_PLAIN: String(server.ports.plain),
    XMPP_PORT_HTTP: String(server.ports.http),
  };
}

/**
 * The world's ejabberd listeners, plus its hostile test server (test/hostile-server.ts) and the
 * e2e Prosody (reached through the "another server" form) on loopback.
 */
function allowedHosts(world: E2eWorld): string {
  return [
    ...defaultAllowlist(bundledServerFromEnv(xmppEnv(world.server))),
    `127.0.0.1:${world.hostilePort}`,
    ...Object.values(E2E_PROSODY.ports).map((port) => `127.0.0.1:${port}`),
  ].join(",");
}

/** E2E_TRACE_FULL=1: failures' traces with DOM snapshots and the film strip (see `trace` below). */
const fullTrace = process.env.E2E_TRACE_FULL === "1";

export default defineConfig({
  testDir: "e2e",
  forbidOnly: !!process.env.CI,
  // No retries, on CI either: a test that passes only on a second try is a defect to fix,
  // and a retry would hide it (issue 19). scripts/test.ts counts any flaky result as failed.
  retries: 0,
  // One worker per world (e2e/worlds.ts): each has its own app and ejabberd, so specs that log
  // in as alice and bob never meet another worker's alice and bob.
  workers: E2E_WORLD_COUNT,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  globalSetup: "./e2e/global-setup.ts",
  use: {
    // Each test's baseURL is its worker's app (e2e/fixtures.ts); this one is the first world's.
    baseURL: E2E_WORLDS[0]!.baseURL,
    // Without retries, "on-first-retry" would never record: keep the trace of a failure. Every
    // test records one, so its cost is paid in every test: the screencast (a JPEG per frame) cost
    // a quarter of the suite's CPU on 2 cores, and the DOM snapshot taken around each action a
    // fifth of the wall time of the lessons, workbench and keyboard specs (220 s, 178 s without;
    // Chromium's renderer 158 → 123 s of CPU; issue 17). The trace keeps each action, its
    // source line, the network and the console; `screenshot` below keeps the page as it failed.
    // E2E_TRACE_FULL=1 records the DOM snapshots and the film strip too, when a failure needs them.
    trace: { mode: "retain-on-failure", snapshots: fullTrace, screenshots: fullTrace },
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's chromium-headless-shell, or its full chromium when the shell cannot be had: the
      // global setup installs it and sets CHROMIUM_PATH (scripts/lib/test-browser.ts). Never a
      // downloaded browser build.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium-headless-shell",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: E2E_WORLDS.map((world, index) => ({
    command: "node --import tsx server/main.ts",
    url: world.baseURL,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe" as const,
    env: {
      PORT: String(world.appPort),
      NODE_ENV: "production",
      ...xmppEnv(world.server),
      XMPP_ALLOWED_HOSTS: allowedHosts(world),
      NODE_EXTRA_CA_CERTS: fromRepoRoot(CERTS.cert),
      // Each world's proxies listen on their own ten ports of the slot's range.
      PROXY_PORTS: `${E2E_PROXY_PORTS.first + 10 * index}-${E2E_PROXY_PORTS.first + 10 * index + 9}`,
    },
  })),
});
