import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { ensureAppBuilt } from "./lib/app-build";
import { ARCHIVE_CHECK_MS, archiveLimit, checkArchive, type Ejabberdctl } from "./lib/archive-guard";
import { composeEjabberdctl, dockerEngineAvailable, startComposeServer, stopComposeServer } from "./lib/docker";
import { runLocalEjabberdctl, startLocalServer, stopLocalServer } from "./lib/ejabberd-local";
import { UserFacingError } from "./lib/errors";
import { CERTS, PLAYGROUND_SERVER, describePorts, fromRepoRoot } from "./lib/instances";
import { assertPortsFree, waitForPort } from "./lib/ports";

/**
 * `npm run playground`: the bundled ejabberd (Docker when an engine answers, Debian's
 * package otherwise), the app built only if its sources changed, then served. Ctrl-C
 * stops everything this started. `npm run stop` does the same from another terminal.
 */
const APP_PORT = Number(process.env.PORT ?? 3000);
const URL_SHOWN = `http://localhost:${APP_PORT}`;
const RUN_FILE = fromRepoRoot(".playground/run.json");

interface RunRecord {
  pid: number;
  url: string;
  server: "docker" | "local";
}

function readRunRecord(): RunRecord | null {
  if (!existsSync(RUN_FILE)) return null;
  try {
    const record = JSON.parse(readFileSync(RUN_FILE, "utf8")) as RunRecord;
    process.kill(record.pid, 0); // throws when that process is gone
    return record;
  } catch {
    return null;
  }
}

async function start(): Promise<void> {
  const running = readRunRecord();
  if (running !== null) {
    throw new UserFacingError(`The playground is already running at ${running.url} (process ${running.pid}). Stop it with Ctrl-C in its terminal, or: npm run stop`);
  }
  const started = Date.now();
  await assertPortsFree([{ port: APP_PORT, label: "the app" }], `Or run the app on another port: PORT=3001 npm run playground`);

  const archiveLimitMessages = archiveLimit();
  const useDocker = await dockerEngineAvailable();
  const stopServer = useDocker ? () => stopComposeServer() : () => stopLocalServer(PLAYGROUND_SERVER);
  console.log(useDocker ? "Starting ejabberd with docker compose..." : "Starting ejabberd (Debian package, no Docker engine found)...");
  if (useDocker) await startComposeServer();
  else await startLocalServer(PLAYGROUND_SERVER);
  // The archive lives in memory (ejabberd/ejabberd.schema): bounded here (scripts/lib/archive-guard.ts).
  const ctl: Ejabberdctl = useDocker ? composeEjabberdctl(PLAYGROUND_SERVER) : (args) => runLocalEjabberdctl(PLAYGROUND_SERVER, args);
  const archiveGuard = setInterval(() => void checkArchive(ctl, PLAYGROUND_SERVER.domain, archiveLimitMessages), ARCHIVE_CHECK_MS);

  let app: ChildProcess | null = null;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(archiveGuard);
    console.log("\nStopping the playground...");
    if (app?.pid !== undefined && app.exitCode === null) {
      const exited = new Promise((resolve) => app?.once("exit", resolve));
      app.kill("SIGTERM");
      await exited;
    }
    await stopServer().catch((error: unknown) => console.error(error instanceof Error ? error.message : error));
    rmSync(RUN_FILE, { force: true });
    console.log("Stopped.");
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  try {
    await ensureAppBuilt();
  } catch (error) {
    clearInterval(archiveGuard);
    await stopServer();
    throw error;
  }

  app = spawn(process.execPath, ["--import", "tsx", fromRepoRoot("server/main.ts")], {
    cwd: fromRepoRoot("."),
    stdio: ["ignore", "inherit", "inherit"],
    // Its own process group: a terminal's Ctrl-C reaches only this runner, which then
    // stops the app and the server in order, instead of racing them.
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(APP_PORT),
      XMPP_HOST: PLAYGROUND_SERVER.host,
      XMPP_DOMAIN: PLAYGROUND_SERVER.domain,
      XMPP_PORT_STARTTLS: String(PLAYGROUND_SERVER.ports.starttls),
      XMPP_PORT_TLS: String(PLAYGROUND_SERVER.ports.directTls),
      XMPP_PORT_PLAIN: String(PLAYGROUND_SERVER.ports.plain),
      XMPP_PORT_HTTP: String(PLAYGROUND_SERVER.ports.http),
      NODE_EXTRA_CA_CERTS: fromRepoRoot(CERTS.cert),
    },
  });
  app.on("exit", (code) => {
    if (!stopping) {
      console.error(`The app stopped unexpectedly (exit ${code}).`);
      void stopAll(1);
    }
  });
  await waitForPort(APP_PORT, "127.0.0.1", 30_000);

  mkdirSync(fromRepoRoot(".playground"), { recursive: true });
  writeFileSync(RUN_FILE, JSON.stringify({ pid: process.pid, url: URL_SHOWN, server: useDocker ? "docker" : "local" } satisfies RunRecord));
  const accounts = PLAYGROUND_SERVER.accounts.map((account) => `${account.username}@${PLAYGROUND_SERVER.domain} (password: ${account.password})`);
  console.log(`
The XMPP Playground is ready in ${((Date.now() - started) / 1000).toFixed(1)} s:  ${URL_SHOWN}

  Demo accounts:  ${accounts.join(", ")}
  ejabberd (${useDocker ? "docker compose" : "Debian package"}):
${describePorts(PLAYGROUND_SERVER)
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}

Press Ctrl-C to stop everything (or run: npm run stop).`);
}

/** Stops a playground started in another terminal: its runner cleans up on SIGTERM. */
async function stopElsewhere(): Promise<void> {
  const running = readRunRecord();
  if (running === null) {
    console.log("No playground is running; stopping any bundled ejabberd left behind.");
    if (await dockerEngineAvailable()) await stopComposeServer();
    else await stopLocalServer(PLAYGROUND_SERVER);
    return;
  }
  process.kill(running.pid, "SIGTERM");
  const deadline = Date.now() + 20_000;
  while (readRunRecord() !== null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  console.log(readRunRecord() === null ? "The playground is stopped." : `Process ${running.pid} did not stop in 20 s.`);
}

const command = process.argv[2] ?? "start";
(command === "stop" ? stopElsewhere() : start()).catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? `\n${error.message}` : error);
  process.exit(1);
});
