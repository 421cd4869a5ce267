/**
 * Runs Prosody from Debian's package as the test bed's second real server: one folder per
 * instance under .playground/ (config, data, pidfile, log), its own loopback ports, in the
 * foreground under the `prosody` user when we are root (as root, `prosody -F` refuses to run).
 */
import { spawn } from "node:child_process";
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureCertificates } from "./certificates";
import { UserFacingError } from "./errors";
import { CERTS, fromRepoRoot, portSummary, type ProsodyInstance } from "./instances";
import { listenerPorts } from "./listeners";
import { assertPortsFree, canConnect, sleep } from "./ports";
import { PROSODY_PLUGIN_DIR, renderProsodyConfig } from "./prosody-config";
import { findProcesses, signalProcess, waitForExit } from "./processes";
import { outputTail, runCommand } from "./run";
import { ensureDebianPackage, findExecutable, stopPackagedService } from "./system-packages";

/** The account Debian's package runs Prosody as, and the one that must own its data. */
const SERVICE_USER = "prosody";

export interface ProsodyPaths {
  root: string;
  config: string;
  /** Accounts and their data; owned by the service user. */
  data: string;
  /** The pidfile's folder, owned by the service user (mod_posix writes it). */
  run: string;
  pidfile: string;
  /** Prosody's console output: its log, and Lua's errors if it dies. */
  log: string;
}

export function prosodyPaths(instance: ProsodyInstance): ProsodyPaths {
  const root = fromRepoRoot(instance.dir);
  const run = path.join(root, "run");
  return {
    root,
    config: path.join(root, "prosody.cfg.lua"),
    data: path.join(root, "data"),
    run,
    pidfile: path.join(run, "prosody.pid"),
    log: path.join(root, "prosody.log"),
  };
}

export interface ProsodyStartOptions {
  /** Wipe the accounts and their data first. Tests use it. */
  fresh?: boolean;
  /** How long to wait for the listeners. Default 15 s. */
  timeoutMs?: number;
  /** Progress lines (the one-time apt-get install). Default: console.log. */
  log?: (message: string) => void;
}

export interface ProsodyStartResult {
  pid: number;
  /** Registering the demo accounts (prosodyctl, in parallel, while the server starts). */
  registerMs: number;
  /** From spawning Prosody until every listener accepts connections. */
  listeningMs: number;
  totalMs: number;
}

/**
 * Starts the instance with its demo accounts registered. Installs Prosody and makes the
 * certificate when needed. Refuses (UserFacingError) when the instance already runs or a port
 * is taken; when it does not come up, stops it and shows the end of its log.
 */
export async function startProsody(instance: ProsodyInstance, options: ProsodyStartOptions = {}): Promise<ProsodyStartResult> {
  const started = Date.now();
  const programs = await ensureProsodyInstalled(options.log ?? ((message) => console.log(message)));
  const [runningPid] = findProsodyPids(instance);
  if (runningPid !== undefined) {
    throw new UserFacingError(`The ${instance.name} Prosody is already running (pid ${runningPid}) on ${instance.host}: ${portSummary(instance)}.`);
  }
  await assertPortsFree(listenerPorts(instance));
  const certificate = await ensureCertificates();
  const paths = prosodyPaths(instance);
  prepareFolder(instance, paths, certificate, options.fresh === true);

  // prosodyctl writes accounts straight to the data folder: it can run while the server starts.
  const launched = Date.now();
  const exited = launch(programs.server, paths);
  let registerMs = 0;
  let listeningMs = 0;
  try {
    await Promise.all([
      Promise.all(instance.accounts.map((account) => registerProsodyUser(instance, account.username, account.password, programs.ctl))).then(() => {
        registerMs = Date.now() - launched;
      }),
      waitUntilListening(instance, paths, exited, options.timeoutMs ?? 15_000).then(() => {
        listeningMs = Date.now() - launched;
      }),
    ]);
  } catch (error) {
    await stopProsody(instance);
    throw error;
  }
  const [pid] = findProsodyPids(instance);
  if (pid === undefined) throw new UserFacingError(`The ${instance.name} Prosody exited right after starting.\n${logTail(paths.log)}`);
  return { pid, registerMs, listeningMs, totalMs: Date.now() - started };
}

/** Stops the instance (SIGTERM is Prosody's clean shutdown; SIGKILL only if it hangs). */
export async function stopProsody(instance: ProsodyInstance): Promise<{ wasRunning: boolean; stoppedMs: number }> {
  const started = Date.now();
  const pids = findProsodyPids(instance);
  for (const pid of pids) signalProcess(pid, "SIGTERM");
  const lingering = await waitForExit(pids, 10_000);
  for (const pid of lingering) signalProcess(pid, "SIGKILL");
  const stuck = await waitForExit(lingering, 5_000);
  if (stuck.length > 0) throw new UserFacingError(`Prosody (pid ${stuck.join(", ")}) did not exit.`);
  return { wasRunning: pids.length > 0, stoppedMs: Date.now() - started };
}

/** Registers an account (prosodyctl writes it to the data folder; it overwrites an existing one). */
export async function registerProsodyUser(instance: ProsodyInstance, username: string, password: string, ctl = "prosodyctl"): Promise<void> {
  const { config } = prosodyPaths(instance);
  const [command, ...args] = asServiceUser([ctl, "--config", config, "register", username, instance.domain, password]);
  const result = await runCommand(command!, args, { timeoutMs: 30_000 });
  if (result.code !== 0) {
    throw new UserFacingError(`Could not register ${username}@${instance.domain} on the ${instance.name} Prosody:\n${outputTail(result)}`);
  }
}

/** PIDs of this instance's Prosody: the Lua process whose command line names our config. */
export function findProsodyPids(instance: ProsodyInstance): number[] {
  const { config } = prosodyPaths(instance);
  return findProcesses((argv) => path.basename(argv[0] ?? "") !== "runuser" && argv.includes(config) && argv.includes("-F"));
}

// ---------------------------------------------------------------------------

const isRoot = (): boolean => process.getuid?.() === 0;

/** As root, through runuser to the service user (Prosody refuses root); otherwise as we are. */
function asServiceUser(argv: readonly string[]): string[] {
  return isRoot() ? ["runuser", "-u", SERVICE_USER, "--", ...argv] : [...argv];
}

async function ensureProsodyInstalled(log: (message: string) => void): Promise<{ server: string; ctl: string }> {
  const wasInstalled = findExecutable("prosody") !== undefined;
  const server = await ensureDebianPackage({ pkg: "prosody", binary: "prosody" }, log);
  if (!wasInstalled) await stopPackagedService("prosody", "it would hold ports 5222 and 5269", log);
  const ctl = findExecutable("prosodyctl");
  if (ctl === undefined) throw new UserFacingError("prosody is installed but prosodyctl is not found; reinstall it: sudo apt-get install --reinstall prosody");
  return { server, ctl };
}

function prepareFolder(instance: ProsodyInstance, paths: ProsodyPaths, certificate: { cert: string; key: string }, fresh: boolean): void {
  if (fresh) rmSync(paths.data, { recursive: true, force: true });
  rmSync(paths.pidfile, { force: true });
  for (const dir of [paths.root, paths.data, paths.run]) mkdirSync(dir, { recursive: true });
  if (isRoot()) {
    const { uid, gid } = serviceAccount();
    for (const dir of [paths.data, paths.run]) chownSync(dir, uid, gid);
  }
  const config = renderProsodyConfig(instance, {
    data: paths.data,
    pidfile: paths.pidfile,
    plugins: fromRepoRoot(PROSODY_PLUGIN_DIR),
    cert: certificate.cert,
    key: certificate.key,
    certDir: fromRepoRoot(CERTS.dir),
  });
  writeFileSync(paths.config, config, { mode: 0o644 });
}

/** The service user's uid and gid, from /etc/passwd (the package creates the account). */
function serviceAccount(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((entry) => entry.startsWith(`${SERVICE_USER}:`));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new UserFacingError(`There is no "${SERVICE_USER}" user; the prosody package creates it: sudo apt-get install --reinstall prosody`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Spawns `prosody -F` with its output in the instance's log. Not detached: a Ctrl-C in the
 * terminal reaches it with the test run. Resolves when the process (runuser or Prosody) exits.
 */
function launch(server: string, paths: ProsodyPaths): Promise<number | null> {
  const out = openSync(paths.log, "w");
  const [command, ...args] = asServiceUser([server, "-F", "--config", paths.config]);
  const child = spawn(command!, args, { stdio: ["ignore", out, out] });
  closeSync(out);
  // The test run's setup must be free to end while Prosody runs on.
  child.unref();
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
}

async function waitUntilListening(instance: ProsodyInstance, paths: ProsodyPaths, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const failure = (reason: string): UserFacingError =>
    new UserFacingError(`The ${instance.name} Prosody did not start: ${reason}.\n${logTail(paths.log)}\nFull log: ${path.relative(fromRepoRoot("."), paths.log)}`);
  const ports = Object.values(instance.ports);
  for (;;) {
    const open = await Promise.all(ports.map((port) => canConnect(port, instance.host, 500)));
    // A listener it could not open is logged, and Prosody runs on without it; the port may even
    // answer for another service (two services given one port), so the log decides, not the port.
    if (portErrors(paths.log)) throw failure("it could not open a listening port");
    if (open.every(Boolean)) return;
    if (exitCode !== undefined) throw failure(`it exited (code ${exitCode ?? "unknown"})`);
    if (Date.now() >= deadline) throw failure(`ports ${ports.filter((_, i) => !open[i]).join(", ")} still closed after ${timeoutMs / 1000} s`);
    await sleep(25);
  }
}

const portErrors = (log: string): boolean => existsSync(log) && /^portmanager\s+error\b/m.test(readFileSync(log, "utf8"));

function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return "(Prosody wrote no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n") || "(Prosody's log is empty)";
}
