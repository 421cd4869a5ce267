/**
 * The whole scaled-out stack on one machine (issue 18): two ejabberd nodes in one cluster,
 * two app processes, nginx in front. `npm run cluster` runs it for people; the bench's
 * cluster case runs it on its own ports and kills parts of it on purpose.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { ensureAppBuilt } from "./app-build";
import { startCluster, stopCluster, restartClusterNode } from "./ejabberd-cluster";
import { findInstanceBeamPids } from "./ejabberd-local";
import { CERTS, fromRepoRoot, type ClusterLayout } from "./instances";
import { startBalancer, type RunningBalancer } from "./nginx-balancer";
import { assertPortsFree, waitForPort } from "./ports";
import { signalProcess, waitForExit } from "./processes";

export interface ClusterStack {
  layout: ClusterLayout;
  apps: (ChildProcess | null)[];
  balancer: RunningBalancer;
  /** The URL browsers open: nginx. */
  url: string;
  /** SIGKILLs app process i, as a crash would. */
  killApp(index: number): Promise<void>;
  /** SIGKILLs ejabberd node i's VM, as a crash would. */
  killNode(index: number): Promise<void>;
  restartNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  log?: (line: string) => void;
  /** Extra variables for both app processes (the bench's limits). */
  appEnv?: Record<string, string>;
  /** Where the apps' output goes. Default: inherited. */
  appStdio?: "inherit" | "ignore";
}

/** What app process i is told: its own nginx stream listeners, STARTTLS for its own connections. */
export function clusterAppEnv(layout: ClusterLayout, index: number): Record<string, string> {
  const xmpp = layout.xmppPorts[index]!;
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(layout.appPorts[index]),
    XMPP_HOST: "127.0.0.1",
    XMPP_DOMAIN: layout.nodes[0].domain,
    XMPP_PORT_STARTTLS: String(xmpp.starttls),
    XMPP_PORT_TLS: String(xmpp.directTls),
    XMPP_PORT_PLAIN: String(xmpp.plain),
    XMPP_PORT_HTTP: String(xmpp.http),
    // The nodes could be other machines: the app's own accounts go over TLS, checked by name.
    XMPP_INTERNAL_TRANSPORT: "starttls",
    NODE_EXTRA_CA_CERTS: fromRepoRoot(CERTS.cert),
  };
}

export async function startClusterStack(layout: ClusterLayout, options: StackOptions = {}): Promise<ClusterStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  await assertPortsFree(layout.appPorts.map((port) => ({ port, label: "an app process" })));
  log(`Starting two ejabberd nodes and joining them in one cluster...`);
  const cluster = await startCluster(layout.nodes, { log });
  log(`  cluster of ${layout.nodes.map((node) => node.node).join(" and ")} ready in ${(cluster.totalMs / 1000).toFixed(1)} s (join ${(cluster.joinMs / 1000).toFixed(1)} s)`);
  const apps: (ChildProcess | null)[] = [null, null];
  let balancer: RunningBalancer | undefined;
  const stop = async () => {
    await balancer?.stop();
    await Promise.all(apps.map((app) => stopChild(app)));
    await stopCluster(layout.nodes);
  };
  try {
    await ensureAppBuilt(log);
    for (const index of [0, 1]) {
      apps[index] = spawn(process.execPath, ["--import", "tsx", fromRepoRoot("server/main.ts")], {
        cwd: fromRepoRoot("."),
        stdio: ["ignore", options.appStdio ?? "inherit", "inherit"],
        detached: true,
        env: { ...process.env, ...clusterAppEnv(layout, index), ...options.appEnv },
      });
    }
    await Promise.all(layout.appPorts.map((port) => waitForPort(port, "127.0.0.1", 60_000)));
    balancer = await startBalancer(layout, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    layout,
    apps,
    balancer,
    url: `http://localhost:${layout.balancerPort}`,
    async killApp(index) {
      const app = apps[index];
      if (app?.pid === undefined || app.exitCode !== null) return;
      signalProcess(app.pid, "SIGKILL");
      await waitForExit([app.pid], 10_000);
      apps[index] = null;
    },
    async killNode(index) {
      const pids = findInstanceBeamPids(layout.nodes[index]!);
      for (const pid of pids) signalProcess(pid, "SIGKILL");
      await waitForExit(pids, 10_000);
    },
    restartNode: (index) => restartClusterNode(layout.nodes[index]!, { log }),
    stop,
  };
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null) return;
  signalProcess(child.pid, "SIGTERM");
  const lingering = await waitForExit([child.pid], 15_000);
  for (const pid of lingering) signalProcess(pid, "SIGKILL");
}
