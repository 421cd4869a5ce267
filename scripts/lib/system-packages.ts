import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";
import { UserFacingError } from "./errors";
import { outputTail, runCommand, type RunResult } from "./run";

export interface DebianPackage {
  /** Debian package name, e.g. "ejabberd". */
  pkg: string;
  /** A program the package installs, e.g. "ejabberdctl"; its absence means "not installed". */
  binary: string;
  /**
   * For a library package: a file it installs, whose absence means "not installed"; `binary`
   * is then the program that uses it (python3 for python3-slixmpp).
   */
  file?: string;
}

/**
 * Clients nobody here wrote, which the proxy tests drive through the proxy (issue 15); the
 * test setup installs them on a fresh machine (test/vitest-global-setup.ts).
 */
export const TEST_CLIENT_PACKAGES: readonly DebianPackage[] = [
  // Debian's own python3: another one earlier in PATH (pyenv, say) does not see Debian's modules.
  { pkg: "python3-slixmpp", binary: "/usr/bin/python3", file: "/usr/lib/python3/dist-packages/slixmpp/__init__.py" },
  { pkg: "go-sendxmpp", binary: "go-sendxmpp" },
];

/** The program's path when the package is installed (its file present, for a library package). */
function installedPath(target: DebianPackage): string | undefined {
  if (target.file !== undefined && !existsSync(target.file)) return undefined;
  return findExecutable(target.binary);
}

// Admin tools (ejabberdctl) live in sbin, which a normal user's PATH often lacks.
const SBIN_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** Absolute path of an executable found in PATH or the sbin directories, or undefined. */
export function findExecutable(name: string): string | undefined {
  if (path.isAbsolute(name)) return isExecutable(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...SBIN_DIRS].filter(Boolean);
  return dirs.map((dir) => path.join(dir, name)).find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const isDebian = (): boolean => process.platform === "linux" && existsSync("/etc/debian_version");
const isRoot = (): boolean => process.getuid?.() === 0;

/** What to tell someone who has to install the package themselves. */
export function missingPackageMessage({ pkg, binary, file }: DebianPackage, debian = isDebian()): string {
  const lines = [`${file ?? binary} was not found: the "${pkg}" package is not installed.`];
  if (debian) lines.push(`Install it with:  sudo apt-get install -y ${pkg}`);
  else lines.push(`Install "${pkg}" with your system's package manager.`);
  if (pkg === "ejabberd") {
    lines.push("Or, with a running Docker engine, use the bundled container instead:  docker compose up -d");
  }
  return lines.join("\n");
}

/**
 * Makes sure `binary` exists, installing `pkg` with apt-get when we are root on Debian.
 * Returns the binary's absolute path. Throws a UserFacingError with the exact command otherwise.
 */
export async function ensureDebianPackage(
  target: DebianPackage,
  log: (message: string) => void = (message) => console.log(message),
): Promise<string> {
  const found = installedPath(target);
  if (found) return found;
  if (!isDebian() || !isRoot()) throw new UserFacingError(missingPackageMessage(target));
  // Queued behind another install, this package may have come with it.
  const installedMeanwhile = await oneAtATime(async () => installedPath(target));
  if (installedMeanwhile) return installedMeanwhile;

  log(`Installing ${target.pkg} with apt-get (the first time takes about a minute)...`);
  const started = Date.now();
  let result = await aptGetInstall(target.pkg);
  if (result.code !== 0 && listsLookStale(result)) {
    log("apt-get could not find it; running apt-get update and trying again...");
    await runCommand("apt-get", ["update"], { env: aptEnv(), timeoutMs: 5 * 60_000 });
    result = await aptGetInstall(target.pkg);
  }
  if (result.code !== 0) {
    throw new UserFacingError(
      `apt-get install -y ${target.pkg} failed (exit ${result.code ?? "signal"}):\n${outputTail(result)}`,
    );
  }
  const installed = installedPath(target);
  if (!installed) {
    throw new UserFacingError(`apt-get installed ${target.pkg}, but ${target.file ?? target.binary} is still not found.`);
  }
  log(`Installed ${target.pkg} in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  return installed;
}

/**
 * Where systemd runs, installing a server package also starts its system-wide service (on the
 * standard ports, all interfaces). Called right after we installed it: we caused that, so we undo it.
 */
export async function stopPackagedService(service: string, why: string, log: (message: string) => void): Promise<void> {
  const systemctl = findExecutable("systemctl");
  if (!systemctl) return;
  const active = await runCommand(systemctl, ["is-active", "--quiet", service], { timeoutMs: 10_000 });
  if (active.code !== 0) return;
  log(`Stopping and disabling the system-wide ${service} service the package started (${why}).`);
  await runCommand(systemctl, ["disable", "--now", service], { timeoutMs: 60_000 });
}

/** Like ensureDebianPackage, for tools whose package and binary share a name (openssl). */
export function ensureCommand(name: string, pkg = name): Promise<string> {
  return ensureDebianPackage({ pkg, binary: name });
}

const aptEnv = (): NodeJS.ProcessEnv => ({ ...process.env, DEBIAN_FRONTEND: "noninteractive" });

let aptQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs `task` after every task queued before it has settled. dpkg takes one lock for the whole
 * system: on a fresh machine the test setup starts ejabberd and Prosody side by side, and the
 * second `apt-get install` failed at once on the lock the first held.
 */
export function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = aptQueue.then(task, task);
  aptQueue = run.catch(() => undefined);
  return run;
}

function aptGetInstall(pkg: string): Promise<RunResult> {
  return oneAtATime(() => aptGetInstallNow(pkg));
}

function aptGetInstallNow(pkg: string): Promise<RunResult> {
  const progress = new ProgressLine(`apt-get install ${pkg}`);
  // Another process (an unattended upgrade, another checkout's tests) may hold dpkg's lock: wait for it.
  return runCommand("apt-get", ["-o", "DPkg::Lock::Timeout=300", "install", "-y", pkg], {
    env: aptEnv(),
    timeoutMs: 10 * 60_000,
    onLine: (line) => {
      // "Unpacking erlang-base (...)" / "Setting up ejabberd (...)": enough to show it moves.
      if (/^(Unpacking|Setting up) /.test(line)) progress.update(line.split(" (")[0] ?? line);
    },
  }).finally(() => progress.done());
}

// Empty or outdated package lists: the package or one of its files cannot be found.
function listsLookStale(result: RunResult): boolean {
  return /Unable to locate package|has no installation candidate|404\s+Not Found|Failed to fetch/i.test(
    `${result.stdout}\n${result.stderr}`,
  );
}

/** One terminal line rewritten in place (only on a TTY, so CI logs stay clean). */
class ProgressLine {
  private readonly tty = process.stdout.isTTY === true;
  private written = false;
  constructor(private readonly prefix: string) {}
  update(text: string): void {
    if (!this.tty) return;
    const line = `  ${this.prefix}: ${text}`.slice(0, (process.stdout.columns ?? 80) - 1);
    process.stdout.write(`\r\x1b[K${line}`);
    this.written = true;
  }
  done(): void {
    if (this.written) process.stdout.write("\r\x1b[K");
  }
}
