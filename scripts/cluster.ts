import { sweepDisposableAccounts } from "./lib/account-sweeper";
import { startClusterStack } from "./lib/cluster";
import { UserFacingError } from "./lib/errors";
import { CLUSTER, describePorts } from "./lib/instances";

/** How often the sweeper runs, and how long an offline disposable account may stay. */
const SWEEP_EVERY_MS = 5 * 60_000;
const SWEEP_OLDER_THAN_MS = 10 * 60_000;

/**
 * Removes the disposable accounts a crashed app process left behind, through whichever node
 * answers (both hold the same accounts).
 */
async function sweep(): Promise<void> {
  for (const node of CLUSTER.nodes) {
    try {
      const { removed } = await sweepDisposableAccounts(node, { olderThanMs: SWEEP_OLDER_THAN_MS });
      if (removed.length > 0) console.log(`Sweeper: removed ${removed.length} disposable accounts offline for over ${SWEEP_OLDER_THAN_MS / 60_000} min (left by a crashed app process).`);
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
  const sweeper = setInterval(() => void sweep(), SWEEP_EVERY_MS);
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

main().catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? `\n${error.message}` : error);
  process.exit(1);
});
