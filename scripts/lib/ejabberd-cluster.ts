/**
 * Two ejabberd nodes from Debian's package joined in one cluster (issue 18): Erlang
 * distribution on loopback, one shared cookie, the second node joined to the first with
 * `ejabberdctl join_cluster`, so accounts, rosters and routes are shared through Mnesia.
 * ejabberd's own clustering, no router of ours: https://docs.ejabberd.im/admin/guide/clustering/
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UserFacingError } from "./errors";
import { startLocalServer, stopLocalServer, runLocalEjabberdctl, instancePaths, type StartOptions } from "./ejabberd-local";
import type { XmppServerInstance } from "./instances";
import { outputTail } from "./run";
import { sleep } from "./ports";

/**
 * Both nodes read the same cookie: Erlang lets two nodes talk only when their cookies match.
 * Each node's HOME is its instance folder (ejabberd-local.ts), where Erlang reads .erlang.cookie.
 */
function shareCookie(nodes: readonly XmppServerInstance[]): void {
  const first = path.join(instancePaths(nodes[0]!).root, ".erlang.cookie");
  const cookie = existsSync(first) ? readFileSync(first, "utf8").trim() : randomBytes(20).toString("hex");
  for (const node of nodes) {
    const { root } = instancePaths(node);
    mkdirSync(root, { recursive: true });
    const file = path.join(root, ".erlang.cookie");
    if (existsSync(file)) chmodSync(file, 0o600);
    writeFileSync(file, cookie);
    // Erlang refuses a cookie file that others can read.
    chmodSync(file, 0o400);
  }
}

/** The nodes `ejabberdctl list_cluster` reports, as seen from `instance`. */
export async function clusterMembers(instance: XmppServerInstance): Promise<string[]> {
  const result = await runLocalEjabberdctl(instance, ["list_cluster"]);
  if (result.code !== 0) throw new UserFacingError(`ejabberdctl list_cluster failed on ${instance.node}:\n${outputTail(result)}`);
  return result.stdout
    .split("\n")
    .map((line) => line.trim().replace(/^'(.*)'$/, "$1"))
    .filter((line) => line.includes("@"));
}

export interface ClusterStartResult {
  /** Until both nodes listened and the second had joined the first. */
  totalMs: number;
  joinMs: number;
}

/**
 * Starts both nodes on fresh spools and joins the second to the first. Fresh every time: a
 * Mnesia cluster restarted in the wrong order waits on tables of a node that is not there.
 */
export async function startCluster(nodes: readonly [XmppServerInstance, XmppServerInstance], options: Pick<StartOptions, "log"> = {}): Promise<ClusterStartResult> {
  const started = Date.now();
  shareCookie(nodes);
  const [first, second] = nodes;
  await startLocalServer(first, { fresh: true, log: options.log });
  try {
    await startLocalServer(second, { fresh: true, log: options.log });
    const joining = Date.now();
    await joinCluster(second, first);
    return { totalMs: Date.now() - started, joinMs: Date.now() - joining };
  } catch (error) {
    await stopCluster(nodes);
    throw error;
  }
}

/** Runs `join_cluster` on `joiner` and waits until both nodes list each other. */
async function joinCluster(joiner: XmppServerInstance, existing: XmppServerInstance): Promise<void> {
  const result = await runLocalEjabberdctl(joiner, ["join_cluster", existing.node]);
  if (result.code !== 0) {
    throw new UserFacingError(`${joiner.node} could not join ${existing.node} (ejabberdctl join_cluster, exit ${result.code ?? "timeout"}):\n${outputTail(result)}`);
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const members = await clusterMembers(existing).catch((): string[] => []);
    if (members.includes(joiner.node) && members.includes(existing.node)) return;
    if (Date.now() > deadline) throw new UserFacingError(`${joiner.node} ran join_cluster but ${existing.node} lists only: ${members.join(", ") || "nothing"}.`);
    await sleep(200);
  }
}

/**
 * Starts one node again on its existing spool, after it was stopped or killed: its Mnesia
 * schema names the other node, so it loads the shared tables from it and is back in the cluster.
 */
export async function restartClusterNode(node: XmppServerInstance, options: Pick<StartOptions, "log"> = {}): Promise<void> {
  await startLocalServer(node, { fresh: false, log: options.log });
}

export async function stopCluster(nodes: readonly XmppServerInstance[]): Promise<void> {
  // The joined node first, so the first one is the last to leave and holds the latest tables.
  for (const node of [...nodes].reverse()) await stopLocalServer(node);
}
