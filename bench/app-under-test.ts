import { spawn, type ChildProcess } from "node:child_process";
import { chromium, type Browser } from "playwright-core";
import { ensureAppBuilt } from "../scripts/lib/app-build";
import { FREE_PAGE_ORIGIN } from "./free-chromium";
import { startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { BENCH_SERVER, CERTS, SLOT, fromRepoRoot } from "../scripts/lib/instances";
import { waitForPort } from "../scripts/lib/ports";
import { ensureDebianPackage } from "../scripts/lib/system-packages";
import { FULL_CHROMIUM } from "../scripts/lib/test-browser";
import { bundledServerFromEnv, defaultAllowlist } from "../server/config";

export const BENCH_APP_PORT = 3200 + SLOT;
export const BENCH_URL = `http://localhost:${BENCH_APP_PORT}`;
/** The isolation case's hostile server (test/hostile-server.ts), beside the bench ejabberd's ports. */
export const BENCH_HOSTILE_PORT = BENCH_SERVER.ports.starttls + 77;

export interface AppUnderTest {
  app: ChildProcess;
  browser: Browser;
  /** The Chromium that `browser` runs and its flags, for a page no tool drives (bench/free-chromium.ts). */
  chromium: { executablePath: string; args: string[] };
  /** The app server's memory after a full GC (bench/memory-probe.ts answers over IPC). */
  memory(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

/**
 * The real thing, on the bench's own ports: ejabberd, the built app with its bridge, Chromium.
 * `env` replaces the bench's settings of the app (BRIDGE_DETACHED_TIMEOUT_MS, say).
 */
export async function startAppUnderTest(env: Record<string, string> = {}): Promise<AppUnderTest> {
  // The build first, its output shown: one that fails then says why and leaves no server running.
  await ensureAppBuilt();
  await startLocalServer(BENCH_SERVER, { fresh: true });
  let app: ChildProcess | undefined;
  try {
    return await startAppAndBrowser(env, (started) => (app = started));
  } catch (error) {
    // An app that did not start (a port in use, say), or no Chromium: nothing of this run stays behind.
    app?.kill("SIGTERM");
    await stopLocalServer(BENCH_SERVER);
    throw error;
  }
}

async function startAppAndBrowser(env: Record<string, string>, onSpawned: (app: ChildProcess) => void): Promise<AppUnderTest> {
  const xmppEnv = {
    XMPP_PORT_STARTTLS: String(BENCH_SERVER.ports.starttls),
    XMPP_PORT_TLS: String(BENCH_SERVER.ports.directTls),
    XMPP_PORT_PLAIN: String(BENCH_SERVER.ports.plain),
    XMPP_PORT_HTTP: String(BENCH_SERVER.ports.http),
  };
  // BENCH_BRIDGE_CPU_PROF=<dir>: a CPU profile of the app server (the bridge) lands there when it stops.
  const profileDir = process.env.BENCH_BRIDGE_CPU_PROF;
  const profiling = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--cpu-prof-interval=100"];
  const app = spawn(process.execPath, [...profiling, "--expose-gc", "--import", "tsx", "--import", fromRepoRoot("bench/memory-probe.ts"), fromRepoRoot("server/main.ts")], {
    cwd: fromRepoRoot("."),
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(BENCH_APP_PORT),
      // Each case ends its sessions; let the bridge drop them (and their transcripts) at once.
      BRIDGE_DETACHED_TIMEOUT_MS: "1000",
      // The round trip case pings back to back, far faster than a person: measure the bridge, not its rate limit.
      BRIDGE_MAX_SENDS_PER_SECOND: "1000000",
      ...xmppEnv,
      // The round trip case's page in a Chromium no tool drives (bench/free-chromium.ts) is served from the bench.
      BRIDGE_ALLOWED_ORIGINS: [process.env.BRIDGE_ALLOWED_ORIGINS, FREE_PAGE_ORIGIN].filter(Boolean).join(","),
      XMPP_ALLOWED_HOSTS: [...defaultAllowlist(bundledServerFromEnv(xmppEnv)), `127.0.0.1:${BENCH_HOSTILE_PORT}`].join(","),
      NODE_EXTRA_CA_CERTS: fromRepoRoot(CERTS.cert),
      ...env,
    },
  });
  onSpawned(app);
  await waitForPort(BENCH_APP_PORT, "127.0.0.1", 30_000);
  // The full chromium, as every earlier bench run used, so figures stay comparable (the
  // end-to-end tests use the lighter headless shell); installed here, since npm test no longer does.
  const browserToUse = {
    executablePath: process.env.CHROMIUM_PATH ?? (await ensureDebianPackage(FULL_CHROMIUM)),
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  };
  const browser = await chromium.launch(browserToUse);
  return {
    app,
    browser,
    chromium: browserToUse,
    memory: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the app server did not report its memory within 10 s")), 10_000);
        app.once("message", (message: { memory: NodeJS.MemoryUsage }) => {
          clearTimeout(timer);
          resolve(message.memory);
        });
        app.send("memory");
      }),
    async stop() {
      await browser.close();
      const exited = new Promise((resolve) => app.once("exit", resolve));
      app.kill("SIGTERM");
      await exited;
      await stopLocalServer(BENCH_SERVER);
    },
  };
}
