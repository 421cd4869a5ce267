/**
 * epmd, the Erlang port mapper every node registers with, outlives the node.
 * We stop it only if one of our starts launched it and no node at all is
 * registered with it any more.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fromRepoRoot } from "./instances";
import { findProcesses, signalProcess, waitForExit } from "./processes";
import { runCommand } from "./run";
import { findExecutable } from "./system-packages";

/** Where we note the PID of an epmd that our start launched. */
const ourEpmdFile = (): string => fromRepoRoot(".playground/epmd.pid");

/** `epmd -names` output ("name NODE at port N" lines), or undefined when no epmd runs. */
export async function epmdNames(): Promise<string | undefined> {
  const epmd = findExecutable("epmd");
  if (!epmd) return undefined;
  const result = await runCommand(epmd, ["-names"], { timeoutMs: 5_000 });
  return result.code === 0 ? result.stdout : undefined;
}

/** Whether `epmd -names` output lists the node `node` ("name@host"; epmd knows the name only). */
export function nodeRegistered(names: string, node: string): boolean {
  const name = node.split("@")[0]!;
  return names.split("\n").some((line) => line.startsWith(`name ${name} at port `));
}

export const epmdRunning = async (): Promise<boolean> => (await epmdNames()) !== undefined;

const findEpmdPids = (): number[] => findProcesses((argv) => path.basename(argv[0] ?? "") === "epmd");

/** Call after a start that found no epmd running: the one running now is ours. */
export function rememberOurEpmd(): void {
  const [pid] = findEpmdPids();
  if (pid === undefined) return;
  mkdirSync(path.dirname(ourEpmdFile()), { recursive: true });
  writeFileSync(ourEpmdFile(), `${pid}\n`);
}

/** Stops the epmd we launched once no node is registered with it. */
export async function stopOurEpmdIfIdle(): Promise<void> {
  if (!existsSync(ourEpmdFile())) return;
  const pid = Number(readFileSync(ourEpmdFile(), "utf8").trim());
  if (!findEpmdPids().includes(pid)) {
    rmSync(ourEpmdFile(), { force: true }); // already gone
    return;
  }
  const names = await epmdNames();
  if (names !== undefined && /^name /m.test(names)) return; // another node still uses it
  signalProcess(pid, "SIGTERM");
  const lingering = await waitForExit([pid], 5_000);
  if (lingering.length === 0) rmSync(ourEpmdFile(), { force: true });
}
