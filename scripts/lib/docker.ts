/**
 * The container way to run the bundled ejabberd: docker-compose.yml at the repo
 * root, used when a Docker engine answers. Same config file as the local way.
 */
import { archiveStorage } from "./archive-guard";
import { ensureCertificates } from "./certificates";
import { UserFacingError } from "./errors";
import { fromRepoRoot, PLAYGROUND_SERVER, portSummary, type ServerPorts, type XmppServerInstance } from "./instances";
import { allClosed, listenerPorts, probeListeners, type ListenerStates } from "./listeners";
import { assertPortsFree, sleep, waitForPort } from "./ports";
import { outputTail, runCommand, type RunResult } from "./run";
import { findExecutable } from "./system-packages";

export const COMPOSE_FILE = "docker-compose.yml";
/** The service name in docker-compose.yml. */
export const COMPOSE_SERVICE = "ejabberd";

/** True only when a Docker engine answers `docker info` within timeoutMs (the CLI alone is not enough). */
export async function dockerEngineAvailable(timeoutMs = 3_000): Promise<boolean> {
  const docker = findExecutable("docker");
  if (!docker) return false;
  const info = await runCommand(docker, ["info", "--format", "{{.ServerVersion}}"], { timeoutMs });
  return info.code === 0 && info.stdout.trim() !== "";
}

/**
 * The compose project of an instance. The playground's matches the file's `name:`,
 * so a plain `docker compose up -d` and these scripts manage the same container.
 */
export const composeProject = (instance: XmppServerInstance): string =>
  instance.name === PLAYGROUND_SERVER.name ? "xmpp-playground" : `xmpp-playground-${instance.name}`;

/** Host ports, read by docker-compose.yml (defaults there are the playground's). */
function composeEnv(instance: XmppServerInstance): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XMPP_PORT_STARTTLS: String(instance.ports.starttls),
    XMPP_PORT_TLS: String(instance.ports.directTls),
    XMPP_PORT_PLAIN: String(instance.ports.plain),
    XMPP_PORT_HTTP: String(instance.ports.http),
  };
}

let composeChecked = false;

/** Throws a UserFacingError unless an engine answers and `docker compose` (v2) exists. */
async function assertComposeUsable(docker: string): Promise<void> {
  if (composeChecked) return;
  if (!(await dockerEngineAvailable())) {
    throw new UserFacingError("No Docker engine answers `docker info`. Start Docker, or run without it: npm run server:start -- --local");
  }
  const version = await runCommand(docker, ["compose", "version"], { timeoutMs: 10_000 });
  if (version.code !== 0) {
    throw new UserFacingError(
      "Docker Compose v2 (`docker compose`) is missing: install Docker's compose plugin, " +
        "or run the server without Docker: npm run server:start -- --local",
    );
  }
  composeChecked = true;
}

async function compose(instance: XmppServerInstance, args: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
  const docker = findExecutable("docker");
  if (!docker) throw new UserFacingError("The docker command is not installed.");
  await assertComposeUsable(docker);
  const fileArgs = ["compose", "--file", fromRepoRoot(COMPOSE_FILE), "--project-name", composeProject(instance)];
  return runCommand(docker, [...fileArgs, ...args], { cwd: fromRepoRoot("."), env: composeEnv(instance), timeoutMs });
}

const composeExec = (instance: XmppServerInstance, command: readonly string[], timeoutMs = 30_000): Promise<RunResult> =>
  compose(instance, ["exec", "-T", COMPOSE_SERVICE, ...command], timeoutMs);

/** `ejabberdctl ARGS` inside the instance's container. */
export const composeEjabberdctl =
  (instance: XmppServerInstance = PLAYGROUND_SERVER) =>
  (args: readonly string[]): Promise<RunResult> =>
    composeExec(instance, ["ejabberdctl", ...args]);

/** Whether the instance's container is running. */
export async function composeServerRunning(instance: XmppServerInstance = PLAYGROUND_SERVER): Promise<boolean> {
  const ps = await compose(instance, ["ps", "--status", "running", "--quiet", COMPOSE_SERVICE]);
  return ps.code === 0 && ps.stdout.trim() !== "";
}

export interface ComposeStartResult {
  /** From `docker compose up` until ejabberd answers `ejabberdctl status`. */
  readyMs: number;
  totalMs: number;
}

/**
 * Starts the container (pulling the image the first time), waits until ejabberd
 * answers and its ports are published, then makes sure the demo accounts exist.
 */
export async function startComposeServer(
  instance: XmppServerInstance = PLAYGROUND_SERVER,
  options: { fresh?: boolean } = {},
): Promise<ComposeStartResult> {
  const started = Date.now();
  if (options.fresh) await stopComposeServer(instance);
  if (await composeServerRunning(instance)) {
    throw new UserFacingError(`The ${instance.name} XMPP server container is already running: ${portSummary(instance)}.`);
  }
  await assertPortsFree(listenerPorts(instance));
  await ensureCertificates(); // bind-mounted; without it Docker would create a directory in its place

  // The first `up` pulls the image: allow it a few minutes.
  const up = await compose(instance, ["up", "--detach"], 10 * 60_000);
  if (up.code !== 0) throw new UserFacingError(`docker compose up failed:\n${outputTail(up)}`);
  const launched = Date.now();
  await waitForEjabberd(instance, 90_000);
  if (await archiveOnDets(instance)) {
    const restart = await compose(instance, ["restart", COMPOSE_SERVICE], 120_000);
    if (restart.code !== 0) throw new UserFacingError(`docker compose restart failed:\n${outputTail(restart)}`);
    await waitForEjabberd(instance, 90_000);
  }
  const readyMs = Date.now() - launched;
  for (const port of Object.values(instance.ports)) await waitForPort(port, instance.host, 10_000);
  await ensureComposeAccounts(instance);
  return { readyMs, totalMs: Date.now() - started };
}

/**
 * mod_mam's archive is still on dets: ejabberd 23.01 applies ejabberd/ejabberd.schema only to
 * tables that exist when it starts (see archiveOnDets in ejabberd-local.ts), so a new database
 * needs one restart.
 */
async function archiveOnDets(instance: XmppServerInstance): Promise<boolean> {
  return (await archiveStorage(composeEjabberdctl(instance))) === "disc_only_copies";
}

/** Stops and removes the container and its anonymous volume (the next start is a fresh database). */
export async function stopComposeServer(instance: XmppServerInstance = PLAYGROUND_SERVER): Promise<void> {
  const down = await compose(instance, ["down", "--volumes", "--timeout", "20"], 120_000);
  if (down.code !== 0) throw new UserFacingError(`docker compose down failed:\n${outputTail(down)}`);
}

export interface ComposeServerStatus {
  running: boolean;
  host: string;
  ports: ServerPorts;
  listening: ListenerStates;
}

export async function composeServerStatus(instance: XmppServerInstance = PLAYGROUND_SERVER): Promise<ComposeServerStatus> {
  const running = await composeServerRunning(instance);
  const listening = running ? await probeListeners(instance) : allClosed();
  return { running, host: instance.host, ports: instance.ports, listening };
}

/** Registers an account inside the container. "exists" when it was already there. */
export async function registerComposeUser(
  instance: XmppServerInstance,
  username: string,
  password: string,
): Promise<"created" | "exists"> {
  const result = await composeExec(instance, ["ejabberdctl", "register", username, instance.domain, password]);
  if (result.code === 0) return "created";
  if (/conflict|already registered/i.test(result.stdout + result.stderr)) return "exists";
  throw new UserFacingError(`Could not register ${username}@${instance.domain} in the container:\n${outputTail(result)}`);
}

/** Removes an account inside the container (succeeds if it did not exist). */
export async function unregisterComposeUser(instance: XmppServerInstance, username: string): Promise<void> {
  const result = await composeExec(instance, ["ejabberdctl", "unregister", username, instance.domain]);
  if (result.code !== 0) {
    throw new UserFacingError(`Could not unregister ${username}@${instance.domain} in the container:\n${outputTail(result)}`);
  }
}

/**
 * Published ports accept connections as soon as the container runs (Docker's
 * proxy answers), so readiness is ejabberd's own `status` inside the container.
 */
async function waitForEjabberd(instance: XmppServerInstance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: RunResult | undefined;
  while (Date.now() < deadline) {
    last = await composeExec(instance, ["ejabberdctl", "status"], 15_000);
    if (last.code === 0) return;
    await sleep(500);
  }
  const logs = await compose(instance, ["logs", "--tail", "30", COMPOSE_SERVICE]);
  throw new UserFacingError(
    `ejabberd in the container did not come up within ${timeoutMs / 1000} s.\n` +
      `${last ? outputTail(last, 5) : ""}\nContainer log:\n${outputTail(logs, 30)}`,
  );
}

/**
 * CTL_ON_CREATE in docker-compose.yml registers the demo accounts on the first
 * start, a few seconds after ejabberd is up. Give it that time, then register
 * whatever is still missing ourselves (the image's first-start detection varies
 * between versions). Waiting first avoids racing it: from 23.10 on, a failing
 * CTL_ON_CREATE command ("conflict") stops the container.
 */
async function ensureComposeAccounts(instance: XmppServerInstance, graceMs = 10_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  let missing = [...instance.accounts];
  while (missing.length > 0 && Date.now() < deadline) {
    const exists = await Promise.all(
      missing.map(async (account) => {
        const check = await composeExec(instance, ["ejabberdctl", "check_account", account.username, instance.domain]);
        return check.code === 0;
      }),
    );
    missing = missing.filter((_, i) => !exists[i]);
    if (missing.length > 0) await sleep(1_000);
  }
  for (const account of missing) await registerComposeUser(instance, account.username, account.password);
}
