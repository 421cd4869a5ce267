/**
 * Runs ejabberd instances from Debian's package, without Docker: one folder per
 * instance under .playground/, its own ports, node name, spool and logs.
 * They all render ejabberd/ejabberd.yml (see ejabberd-config.ts).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureCertificates } from "./certificates";
import { localMacros, MNESIA_SCHEMA, readConfigTemplate, type ConfigMacros, RENDERED_HEADER, renderConfig } from "./ejabberd-config";
import { epmdNames, epmdRunning, nodeRegistered, rememberOurEpmd, stopOurEpmdIfIdle } from "./epmd";
import { registerAccount, RegistrationRefused } from "../../lib/xmpp/in-band-registration";
import { UserFacingError } from "./errors";
import { fromRepoRoot, portSummary, type ServerPorts, type XmppServerInstance } from "./instances";
import { allClosed, listenerPorts, probeListeners, type ListenerStates } from "./listeners";
import { assertPortsFree, canConnect, sleep } from "./ports";
import { findProcesses, signalProcess, waitForExit } from "./processes";
import { outputTail, runCommand, type RunResult } from "./run";
import { ensureDebianPackage, findExecutable, stopPackagedService } from "./system-packages";

export interface InstancePaths {
  root: string;
  conf: string;
  spool: string;
  logs: string;
  /** This run's main log, where `[critical]` lines land. */
  log: string;
  /** The package's ejabberdctl with INSTALLUSER emptied (runs as the calling user). */
  privateCtl: string;
  /** Wrapper that runs privateCtl against this instance; humans can use it too. */
  ctl: string;
}

/** Absolute paths of an instance's files. */
export function instancePaths(instance: XmppServerInstance): InstancePaths {
  const root = fromRepoRoot(instance.dir);
  const logs = path.join(root, "logs");
  return {
    root,
    conf: path.join(root, "conf"),
    spool: path.join(root, "spool"),
    logs,
    log: path.join(logs, "ejabberd.log"),
    privateCtl: path.join(root, "bin", "ejabberdctl"),
    ctl: path.join(root, "ejabberdctl"),
  };
}

export interface StartOptions {
  /** Wipe the spool (accounts, rosters, offline messages) first. Tests use it. */
  fresh?: boolean;
  /** Config template to render instead of ejabberd/ejabberd.yml (tests use a broken one). */
  configTemplate?: string;
  /** define_macro values that differ from the instance's (a control server's timeout, say). */
  macros?: Partial<ConfigMacros>;
  /** How long to wait for the listeners. Default 30 s. */
  timeoutMs?: number;
  /** Progress lines (the one-time apt-get install). Default: console.log. */
  log?: (message: string) => void;
}

export interface StartResult {
  pid: number;
  /** From `ejabberdctl start` until every listener accepts connections. */
  listeningMs: number;
  /** Registering the demo accounts (in parallel). */
  registerMs: number;
  totalMs: number;
}

/**
 * Starts the instance and registers its demo accounts. Installs ejabberd and
 * generates the certificate when needed. Refuses (UserFacingError) when the
 * instance already runs or a port is taken; on a failed start, stops whatever
 * half-started and reports ejabberd's `[critical]` log lines.
 */
export async function startLocalServer(
  instance: XmppServerInstance,
  options: StartOptions = {},
): Promise<StartResult> {
  const started = Date.now();
  const packagedCtl = await ensureEjabberdInstalled(options.log ?? ((message) => console.log(message)));

  const [runningPid] = findInstanceBeamPids(instance);
  if (runningPid !== undefined) {
    throw new UserFacingError(
      `The ${instance.name} XMPP server is already running (pid ${runningPid}) on ${instance.host}: ${portSummary(instance)}.`,
    );
  }
  await assertPortsFree(listenerPorts(instance), packagedServiceHint(instance));
  // Another checkout's node of the same name (same PLAYGROUND_SLOT, other ports free) makes
  // the VM exit at once with nothing in its log: say so before starting.
  const names = await epmdNames();
  if (names !== undefined && nodeRegistered(names, instance.node)) {
    throw new UserFacingError(
      `Another Erlang node already runs as ${instance.node} (the ${instance.name} server of another checkout, or one that did not stop): stop it, or run this checkout with PLAYGROUND_SLOT=1..9, which gives it node names and ports of its own.`,
    );
  }

  const { combined: certfile } = await ensureCertificates();
  const paths = instancePaths(instance);
  prepareInstanceFolder(instance, paths, { packagedCtl, certfile, configTemplate: options.configTemplate, macros: options.macros, fresh: options.fresh });

  const epmdWasRunning = await epmdRunning();
  const archiveOnDetsBeforeStart = archiveOnDets(paths);
  const launched = Date.now();
  const start = await runCtl(paths, ["start"]);
  if (start.code !== 0) {
    await cleanUpFailedStart(instance, epmdWasRunning);
    throw new UserFacingError(`ejabberdctl start failed (exit ${start.code ?? "timeout"}):\n${outputTail(start)}`);
  }
  try {
    await waitUntilListening(instance, paths, options.timeoutMs ?? 30_000);
    await moveArchiveToMemory(instance, paths, archiveOnDetsBeforeStart);
  } catch (error) {
    await cleanUpFailedStart(instance, epmdWasRunning);
    throw error;
  }
  const listeningMs = Date.now() - launched;
  if (!epmdWasRunning) rememberOurEpmd();

  const registering = Date.now();
  try {
    await Promise.all(instance.accounts.map((account) => registerAtStart(instance, account.username, account.password)));
  } catch (error) {
    await stopLocalServer(instance);
    throw error;
  }
  const [pid] = findInstanceBeamPids(instance);
  if (pid === undefined) throw new UserFacingError(`The ${instance.name} XMPP server exited right after starting.`);
  return { pid, listeningMs, registerMs: Date.now() - registering, totalMs: Date.now() - started };
}

export interface StopResult {
  wasRunning: boolean;
  stoppedMs: number;
}

/** Stops the instance's ejabberd and, when no other node uses it, the epmd we started. */
export async function stopLocalServer(instance: XmppServerInstance): Promise<StopResult> {
  const started = Date.now();
  const pids = findInstanceBeamPids(instance);
  await terminate(pids);
  await stopOurEpmdIfIdle();
  return { wasRunning: pids.length > 0, stoppedMs: Date.now() - started };
}

export interface LocalServerStatus {
  running: boolean;
  pid?: number;
  host: string;
  ports: ServerPorts;
  /** Which listeners accept connections now (all false when not running). */
  listening: ListenerStates;
}

export async function localServerStatus(instance: XmppServerInstance): Promise<LocalServerStatus> {
  const [pid] = findInstanceBeamPids(instance);
  const listening = pid === undefined ? allClosed() : await probeListeners(instance);
  return { running: pid !== undefined, pid, host: instance.host, ports: instance.ports, listening };
}

/** How long after its listeners open a new node may take to have its tables. */
const TABLES_READY_MS = 20_000;

/**
 * Registers a demo account in-band (XEP-0077 section 3.1) on the plaintext loopback listener, as
 * the lessons' fresh accounts are: 0.6-1.1 s after the listeners open, where an
 * `ejabberdctl register` (an Erlang VM of its own per account) took 2.5-3.8 s (issue 17). An
 * account already there is left as it is. ejabberd 23.01 can open its listeners before its auth
 * backend has made its Mnesia table (seen with ejabberdctl in a fresh-clone run on a loaded
 * machine), so a failure other than a refusal is tried again until the node has had time to
 * make its tables; a server error (internal-server-error) is how such a failure would read here.
 */
async function registerAtStart(instance: XmppServerInstance, username: string, password: string): Promise<void> {
  const deadline = Date.now() + TABLES_READY_MS;
  for (;;) {
    try {
      await registerAccount({ server: { host: instance.host, port: instance.ports.plain }, domain: instance.domain, transport: "plain", username, password });
      return;
    } catch (error) {
      const refusal = error instanceof Error && error.cause instanceof RegistrationRefused ? error.cause : undefined;
      const settled = refusal !== undefined && refusal.errorCondition !== "internal-server-error";
      if (settled || Date.now() > deadline) throw new UserFacingError(`Could not register ${username}@${instance.domain}: ${error instanceof Error ? error.message : String(error)}`);
      await sleep(250);
    }
  }
}

/** Registers an account. "exists" when it was already there (ejabberd says "conflict"). */
export async function registerLocalUser(
  instance: XmppServerInstance,
  username: string,
  password: string,
): Promise<"created" | "exists"> {
  const result = await runLocalEjabberdctl(instance, ["register", username, instance.domain, password]);
  if (result.code === 0) return "created";
  if (/conflict|already registered/i.test(result.stdout + result.stderr)) return "exists";
  throw new UserFacingError(`Could not register ${username}@${instance.domain}:\n${ctlOutput(result)}`);
}

/** Removes an account (and its roster, vCard, offline messages). Succeeds if it did not exist. */
export async function unregisterLocalUser(instance: XmppServerInstance, username: string): Promise<void> {
  const result = await runLocalEjabberdctl(instance, ["unregister", username, instance.domain]);
  if (result.code !== 0) {
    throw new UserFacingError(`Could not unregister ${username}@${instance.domain}:\n${ctlOutput(result)}`);
  }
}

/** Runs `ejabberdctl ARGS` against a running instance. */
export async function runLocalEjabberdctl(instance: XmppServerInstance, args: readonly string[]): Promise<RunResult> {
  const paths = instancePaths(instance);
  if (!existsSync(paths.ctl)) {
    throw new UserFacingError(`The ${instance.name} XMPP server has never been started here (no ${paths.ctl}).`);
  }
  return runCtl(paths, args);
}

/** PIDs of this instance's ejabberd VM: a beam.smp whose Mnesia dir is our spool. */
export function findInstanceBeamPids(instance: XmppServerInstance): number[] {
  const { spool } = instancePaths(instance);
  return findProcesses(
    (argv) =>
      path.basename(argv[0] ?? "") === "beam.smp" && argv.some((arg) => arg.replace(/^"(.*)"$/, "$1") === spool),
  );
}

// ---------------------------------------------------------------------------

async function ensureEjabberdInstalled(log: (message: string) => void): Promise<string> {
  const wasInstalled = findExecutable("ejabberdctl") !== undefined;
  const packagedCtl = await ensureDebianPackage({ pkg: "ejabberd", binary: "ejabberdctl" }, log);
  if (!wasInstalled) await stopPackagedService("ejabberd", "it would hold port 5222", log);
  return packagedCtl;
}

// Ports the package's own config (/etc/ejabberd/ejabberd.yml) listens on.
const PACKAGED_SERVICE_PORTS = [5222, 5223, 5269, 5280, 5443];

function packagedServiceHint(instance: XmppServerInstance): string | undefined {
  const mayClash = Object.values(instance.ports).some((port) => PACKAGED_SERVICE_PORTS.includes(port));
  return mayClash && existsSync("/lib/systemd/system/ejabberd.service")
    ? "If it is Debian's own ejabberd service, stop it with: sudo systemctl disable --now ejabberd"
    : undefined;
}

// Debian's /etc/ejabberd/inetrc, minus its alias; that folder is unreadable for non-root users.
const INETRC = `{lookup,["file","native"]}.\n{host,{127,0,0,1}, ["localhost"]}.\n{file, resolv, "/etc/resolv.conf"}.\n`;

// Erlang distribution (what ejabberdctl uses to reach the node) on loopback only.
const VM_ARGS = "-kernel inet_dist_use_interface {127,0,0,1}\n";

// Read by ejabberdctl from --config-dir instead of /etc/ejabberd/ejabberdctl.cfg.
const CTL_CONFIG = [
  "# Generated by scripts/lib/ejabberd-local.ts.",
  "# No crash dumps: they can be gigabytes and we only ever need the log.",
  'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"',
  "# An epmd started by this node listens on loopback only.",
  "ERL_EPMD_ADDRESS=127.0.0.1",
  "",
].join("\n");

// Variables ejabberdctl takes from the environment before its own defaults.
const INHERITED_CTL_VARIABLES = [
  "EJABBERD_CONFIG_PATH",
  "EJABBERDCTL_CONFIG_PATH",
  "EJABBERD_LOG_PATH",
  "EJABBERD_OPTS",
  "ERLANG_NODE_ARG",
  "VMARGS",
  "MNESIA_OPTIONS",
  "ERL_DIST_PORT",
  "CONTRIB_MODULES_PATH",
];

/**
 * The wrapper every ejabberdctl call goes through. HOME is the instance folder,
 * so Erlang keeps its cookie there (a random one, created on first use): no
 * writable real HOME needed, and no cookie on any command line.
 */
function wrapperScript(instance: XmppServerInstance): string {
  return [
    "#!/bin/sh",
    "# Generated by scripts/lib/ejabberd-local.ts: ejabberdctl for this instance, e.g.",
    `#   ${instance.dir}/ejabberdctl registered_users ${instance.domain}`,
    'here=$(cd "$(dirname "$0")" && pwd)',
    `unset ${INHERITED_CTL_VARIABLES.join(" ")}`,
    // ejabberd_mnesia reads the Mnesia schema overrides (ejabberd/ejabberd.schema) from this folder.
    'HOME="$here" EJABBERD_MNESIA_SCHEMA="$here/conf" exec "$here/bin/ejabberdctl" --config-dir "$here/conf" --spool "$here/spool" \\',
    `  --logs "$here/logs" --node ${instance.node} "$@"`,
    "",
  ].join("\n");
}

/** The package's ejabberdctl switches to the `ejabberd` user when run as root; ours runs as the caller. */
function privateEjabberdctl(packaged: string): string {
  const installUser = /^INSTALLUSER=.*$/m;
  if (!installUser.test(packaged)) {
    throw new UserFacingError("This ejabberdctl has no INSTALLUSER line; scripts/lib/ejabberd-local.ts needs updating.");
  }
  return packaged.replace(installUser, "INSTALLUSER=");
}

interface PrepareOptions {
  packagedCtl: string;
  certfile: string;
  configTemplate?: string;
  macros?: Partial<ConfigMacros>;
  fresh?: boolean;
}

function prepareInstanceFolder(instance: XmppServerInstance, paths: InstancePaths, options: PrepareOptions): void {
  if (options.fresh) rmSync(paths.spool, { recursive: true, force: true });
  for (const dir of [paths.conf, paths.spool, paths.logs, path.dirname(paths.privateCtl)]) {
    mkdirSync(dir, { recursive: true });
  }
  // Keep the previous run's log for reading, but scan only this run's for [critical].
  if (existsSync(paths.log)) renameSync(paths.log, `${paths.log}.previous`);

  const template = readConfigTemplate(options.configTemplate);
  const config = RENDERED_HEADER + renderConfig(template, { ...localMacros(instance, options.certfile), ...options.macros });
  writeFileSync(path.join(paths.conf, "ejabberd.yml"), config);
  copyFileSync(fromRepoRoot(MNESIA_SCHEMA), path.join(paths.conf, "ejabberd.schema"));
  writeFileSync(path.join(paths.conf, "inetrc"), INETRC);
  writeFileSync(path.join(paths.conf, "vm.args"), VM_ARGS);
  writeFileSync(path.join(paths.conf, "ejabberdctl.cfg"), CTL_CONFIG);
  writeFileSync(paths.privateCtl, privateEjabberdctl(readFileSync(options.packagedCtl, "utf8")));
  writeFileSync(paths.ctl, wrapperScript(instance));
  chmodSync(paths.privateCtl, 0o755);
  chmodSync(paths.ctl, 0o755);
}

const runCtl = (paths: InstancePaths, args: readonly string[]): Promise<RunResult> =>
  runCommand(paths.ctl, args, { timeoutMs: 60_000 });

/** ejabberdctl's output without the warning it prints on every call as root. */
const ctlOutput = (result: RunResult): string =>
  outputTail(result)
    .split("\n")
    .filter((line) => !line.startsWith("WARNING: It is not recommended to run ejabberd as root"))
    .join("\n");

/** Lines of this run's log that ejabberd marked critical (bad config, port clash, ...). */
export function criticalLogLines(instance: XmppServerInstance): string[] {
  const { log } = instancePaths(instance);
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line.includes("[critical]"));
}

/**
 * Waits for every listener (not for `ejabberdctl started`, which sleeps 2 s
 * before its first check). Fails early on `[critical]` log lines or a dead VM.
 */
async function waitUntilListening(instance: XmppServerInstance, paths: InstancePaths, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const relativeLog = path.relative(fromRepoRoot("."), paths.log);
  const failure = (reason: string): UserFacingError => {
    const critical = criticalLogLines(instance);
    const details = critical.length > 0 ? critical.join("\n") : logTail(paths.log);
    return new UserFacingError(`The ${instance.name} XMPP server did not start: ${reason}.\n${details}\nFull log: ${relativeLog}`);
  };
  // `ejabberdctl start` returns once erl has detached, which can be before the beam exists:
  // the VM has exited only if it was seen and is gone, or never appeared within the grace.
  const appearBy = Date.now() + BEAM_APPEAR_GRACE_MS;
  let seenBeam = false;
  for (;;) {
    if (criticalLogLines(instance).length > 0) throw failure("ejabberd logged critical errors");
    const ports = Object.values(instance.ports);
    const open = await Promise.all(ports.map((port) => canConnect(port, instance.host, 500)));
    if (open.every(Boolean)) return;
    const running = findInstanceBeamPids(instance).length > 0;
    seenBeam ||= running;
    if (!running && (seenBeam || Date.now() > appearBy)) throw failure("the ejabberd VM exited");
    if (Date.now() >= deadline) {
      const closed = ports.filter((_, i) => !open[i]).join(", ");
      throw failure(`ports ${closed} still closed after ${timeoutMs / 1000} s`);
    }
    await sleep(50);
  }
}

/**
 * mod_mam's archive is still a dets file (Mnesia keeps a disc_only_copies table in TABLE.DAT).
 * ejabberd 23.01 applies ejabberd.schema to a table that exists when it starts, and creates a
 * missing one with its module's own definition (ejabberd_mnesia:do_create): so on a new spool
 * the archive starts on dets, where each stored message reads its account's whole archive
 * first.
 */
function archiveOnDets(paths: InstancePaths): boolean {
  return existsSync(path.join(paths.spool, "archive_msg.DAT"));
}

/**
 * On a new spool, turns the archive into the schema's disc_copies table as soon as mod_mam has
 * made it, in the running node (Mnesia's change_table_copy_type, through erl_call: a C client
 * of the node, tens of ms), where stopping and starting the node again cost about 2.5 s. Only
 * waits, until the log says every module has started, on a spool whose archive is already in
 * memory, a config without mod_mam, or a spool whose dets archive predates this start: ejabberd
 * converts that one itself as it starts (the table exists, so the schema applies), and a call
 * of ours would race it.
 */
async function moveArchiveToMemory(instance: XmppServerInstance, paths: InstancePaths, onDetsBeforeStart: boolean): Promise<void> {
  const deadline = Date.now() + TABLES_READY_MS;
  while (onDetsBeforeStart || !archiveOnDets(paths)) {
    if (modulesStarted(paths) || Date.now() > deadline) return;
    await sleep(20);
  }
  const said = await callLocalNode(instance, ["mnesia", "change_table_copy_type", `[archive_msg, '${instance.node}', disc_copies]`]);
  if (said !== "{atomic, ok}") throw new UserFacingError(`Could not move ejabberd's message archive into memory (mnesia:change_table_copy_type said ${said}).`);
}

/**
 * Applies a function in the node (erl_call, from erlang-base, which ejabberd depends on), with
 * the instance's cookie read from its folder, never from a command line. Its printed result.
 */
export async function callLocalNode(instance: XmppServerInstance, [module, fn, args]: [string, string, string]): Promise<string> {
  const paths = instancePaths(instance);
  const result = await runCommand("erl_call", ["-sname", instance.node, "-a", `${module} ${fn} ${args}`], { timeoutMs: 30_000, env: { ...process.env, HOME: paths.root } });
  if (result.spawnError) throw new UserFacingError(`erl_call could not be run (${result.spawnError.message}): it comes with Debian's erlang-base, which ejabberd needs; install it with: sudo apt-get install erlang-base`);
  if (result.code !== 0) throw new UserFacingError(`erl_call ${module}:${fn} on ${instance.node} failed (exit ${result.code ?? "timeout"}):\n${outputTail(result)}`);
  return result.stdout.trim();
}

/**
 * Whether this run's log says ejabberd has started (ejabberd_app logs it at loglevel info, as
 * ejabberd.yml sets, once every module has started): its listeners open before its modules
 * have made their tables.
 */
function modulesStarted(paths: InstancePaths): boolean {
  return existsSync(paths.log) && / is started in the node /.test(readFileSync(paths.log, "utf8"));
}

/** How long a busy machine may take between erl detaching and the beam showing up. */
const BEAM_APPEAR_GRACE_MS = 10_000;

function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return "(ejabberd wrote no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

async function cleanUpFailedStart(instance: XmppServerInstance, epmdWasRunning: boolean): Promise<void> {
  await terminate(findInstanceBeamPids(instance));
  if (!epmdWasRunning) rememberOurEpmd();
  await stopOurEpmdIfIdle();
}

/** SIGTERM is a clean shutdown for Erlang (init:stop); SIGKILL only if that hangs. */
async function terminate(pids: readonly number[]): Promise<void> {
  try {
    for (const pid of pids) signalProcess(pid, "SIGTERM");
    const lingering = await waitForExit(pids, 15_000);
    for (const pid of lingering) signalProcess(pid, "SIGKILL");
    const stuck = await waitForExit(lingering, 5_000);
    if (stuck.length > 0) throw new UserFacingError(`ejabberd (pid ${stuck.join(", ")}) did not exit.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EPERM") {
      throw new UserFacingError(`Not allowed to stop ejabberd (pid ${pids.join(", ")}): was it started by another user?`);
    }
    throw error;
  }
}
