import { defineConfig } from "@playwright/test";
import { E2E_WORLDS, E2E_WORLD_COUNT } from "./e2e/worlds";

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
  // Starts each worker's ejabberd and app server, and the e2e Prosody, all at once (e2e/global-setup.ts).
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
});
