import { sweepDisposableAccounts } from "./lib/account-sweeper";
import { archiveLimit, checkArchive } from "./lib/archive-guard";
import { runLocalEjabberdctl } from "./lib/ejabberd-local";
import { startClusterStack } from "./lib/cluster";
import { UserFacingError } from "./lib/errors";
import { CLUSTER, describePorts, fromRepoRoot, type ServerPorts } from "./lib/instances";
import { renderBalancerConfig, type BalancerAddresses } from "./lib/nginx-balancer";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** How often the sweeper runs, and how long an offline disposable account may stay. */
const SWEEP_EVERY_MS = 5 * 60_000;
const SWEEP_OLDER_THAN_MS = 10 * 60_000;

/**
 * Removes the disposable accounts a crashed app process left behind, through whichever node
 * answers (both hold the same accounts), and bounds the message archive the nodes share
 * (scripts/lib/archive-guard.ts).
 */
async function sweep(archiveLimitMessages: number): Promise<void> {
  for (const node of CLUSTER.nodes) {
    try {
      const { removed } = await sweepDisposableAccounts(node, { olderThanMs: SWEEP_OLDER_THAN_MS });
      if (removed.length > 0) console.log(`Sweeper: removed ${removed.length} disposable accounts offline for over ${SWEEP_OLDER_THAN_MS / 60_000} min (left by a crashed app process).`);
      await checkArchive((args) => runLocalEjabberdctl(node, args), node.domain, archiveLimitMessages);
      return;
    } catch {
      // That node is down: try the other.
    }
  }
  console.error("Sweeper: no ejabberd node answered; trying again later.");
}

/**
 * `npm run cluster`: the playground scaled out on this machine, without Docker (issue 18):
 * two ejabberd nodes joined in one cluster, two app processes, nginx in front, all on
 * loopback. Ctrl-C stops everything this started. The cluster starts fresh each time.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const archiveLimitMessages = archiveLimit();
  const stack = await startClusterStack(CLUSTER);
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping the cluster...");
    await stack.stop();
    console.log("Stopped.");
    process.exit(0);
  };
  const sweeper = setInterval(() => void sweep(archiveLimitMessages), SWEEP_EVERY_MS);
  process.on("SIGINT", () => {
    clearInterval(sweeper);
    void stopAll();
  });
  process.on("SIGTERM", () => void stopAll());
  stack.apps.forEach((app, index) =>
    app?.on("exit", (code) => {
      if (!stopping) console.error(`App process ${index + 1} (port ${CLUSTER.appPorts[index]}) exited (${code ?? "killed"}); nginx sends its browsers to the other.`);
    }),
  );
  const indent = (text: string) => text.split("\n").map((line) => `    ${line}`).join("\n");
  console.log(`
The clustered playground is ready in ${((Date.now() - started) / 1000).toFixed(1)} s:  ${stack.url}

  nginx (sticky on the browser cookie) -> app processes on ports ${CLUSTER.appPorts.join(" and ")}
${CLUSTER.nodes.map((node, index) => `  ejabberd node ${node.node} (app process ${index + 1}'s first choice):\n${indent(describePorts(node))}`).join("\n")}

Press Ctrl-C to stop everything.`);
}

/**
 * `npm run cluster -- compose-config`: nginx's config for docker-compose.cluster.yml, from the
 * same renderer, with the compose services' names and the containers' own ports.
 */
function writeComposeConfig(): void {
  const containerPorts: Record<keyof ServerPorts, number> = { starttls: 5222, directTls: 5223, plain: 5224, http: 5280 };
  const where: BalancerAddresses = {
    node: (index, listener) => `ejabberd-${"ab"[index]}:${containerPorts[listener]}`,
    app: (index) => `app-${"ab"[index]}:3000`,
    // Inside the nginx container; the compose file publishes only the HTTP port, on the host's loopback.
    listen: (port) => `0.0.0.0:${port}`,
  };
  const file = fromRepoRoot(".playground/cluster-compose/nginx.conf");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderBalancerConfig(CLUSTER, "/tmp", false, where));
  console.log(`Wrote ${path.relative(fromRepoRoot("."), file)} for docker-compose.cluster.yml.`);
}

(process.argv[2] === "compose-config" ? Promise.resolve(writeComposeConfig()) : main()).catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? `\n${error.message}` : error);
  process.exit(1);
});
