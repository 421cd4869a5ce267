import { defineConfig } from "@playwright/test";
import { CERTS, E2E_PROSODY, E2E_PROXY_PORTS, E2E_SERVER, SLOT, fromRepoRoot } from "./scripts/lib/instances";
import { bundledServerFromEnv, defaultAllowlist } from "./server/config";
import { E2E_HOSTILE_PORT } from "./test/hostile-server";

/** The app under test runs on its own port, against the test ejabberd on its own ports. */
const APP_PORT = 3100 + SLOT;
const baseURL = `http://localhost:${APP_PORT}`;
const E2E_XMPP_ENV = {
  XMPP_HOST: E2E_SERVER.host,
  XMPP_DOMAIN: E2E_SERVER.domain,
  XMPP_PORT_STARTTLS: String(E2E_SERVER.ports.starttls),
  XMPP_PORT_TLS: String(E2E_SERVER.ports.directTls),
  XMPP_PORT_PLAIN: String(E2E_SERVER.ports.plain),
  XMPP_PORT_HTTP: String(E2E_SERVER.ports.http),
};
/**
 * The bundled server's listeners, plus the hostile test server (test/hostile-server.ts) and the
 * e2e Prosody (reached through the "another server" form) on loopback.
 */
const ALLOWED_HOSTS = [
  ...defaultAllowlist(bundledServerFromEnv(E2E_XMPP_ENV)),
  `127.0.0.1:${E2E_HOSTILE_PORT}`,
  ...Object.values(E2E_PROSODY.ports).map((port) => `127.0.0.1:${port}`),
].join(",");

export default defineConfig({
  testDir: "e2e",
  forbidOnly: !!process.env.CI,
  // No retries, on CI either: a test that passes only on a second try is a defect to fix,
  // and a retry would hide it (issue 19). scripts/test.ts counts any flaky result as failed.
  retries: 0,
  // Two cores: one worker keeps the app, ejabberd and Chromium from starving each other.
  workers: 1,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL,
    // Without retries, "on-first-retry" would never record: keep the trace of a failure.
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium (installed by the global setup), never a downloaded browser build.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    command: "node --import tsx server/main.ts",
    url: baseURL,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    env: {
      PORT: String(APP_PORT),
      NODE_ENV: "production",
      ...E2E_XMPP_ENV,
      XMPP_ALLOWED_HOSTS: ALLOWED_HOSTS,
      NODE_EXTRA_CA_CERTS: fromRepoRoot(CERTS.cert),
      PROXY_PORTS: `${E2E_PROXY_PORTS.first}-${E2E_PROXY_PORTS.last}`,
    },
  },
});
