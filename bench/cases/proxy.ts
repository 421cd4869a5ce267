import { startLocalServer, stopLocalServer } from "../../scripts/lib/ejabberd-local";
import { BENCH_SERVER } from "../../scripts/lib/instances";
import { runTrustingWorker } from "../proxy-pings";
import type { Figure } from "../report";
import { round, summarize } from "../stats";

interface WorkerResult {
  through: number[];
  straight: number[];
  flood: { total: number; received: number; inOrder: boolean; outcome: string; sentMs: number; floodMs: number; recorded: number };
  memory: { connections: number; openThroughProxy: number; proxied: { heap: number; rss: number }; direct: { heap: number; rss: number } };
}

/**
 * Proxy mode (issue 15): an iq ping through the proxy against the same client library talking
 * to the server directly, STARTTLS both ways in both; a 5,000 stanzas/s flood through it; and
 * what each proxied connection costs in memory. Measured in bench/proxy-worker.ts.
 */
export async function proxyCost(): Promise<Figure[]> {
  await startLocalServer(BENCH_SERVER, { fresh: true });
  try {
    return figures(await runTrustingWorker<WorkerResult>("bench/proxy-worker.ts", ["--expose-gc"]));
  } finally {
    await stopLocalServer(BENCH_SERVER);
  }
}

function figures(result: WorkerResult): Figure[] {
  const through = summarize(result.through);
  const straight = summarize(result.straight);
  const addedMedian = through.median - straight.median;
  const addedP99 = through.p99 - straight.p99;
  const { flood, memory } = result;
  // Each message crosses the proxy twice (to the echo and back), and each crossing is a transcript entry.
  const complete = flood.outcome === "complete" && flood.received === flood.total && flood.inOrder && flood.recorded === 2 * flood.total;
  const floodSeconds = flood.floodMs / 1000;
  const perConnection = (Math.max(memory.proxied.heap - memory.direct.heap, memory.proxied.rss - memory.direct.rss) / memory.connections) / (1024 * 1024);
  const memoryValue = { n: 1, min: perConnection, median: perConnection, p99: perConnection, max: perConnection };
  return [
    {
      case: "proxy",
      name: "iq ping through the proxy, the client in the proxy's process (STARTTLS client → proxy → STARTTLS ejabberd)",
      unit: "ms",
      value: through,
      baseline: { name: "the same @xmpp/client straight to ejabberd over STARTTLS", value: straight },
      target: "reported: the proxy-tab row, its client in a process of its own as real clients are, is the one judged",
      verdict: "info",
      note: `added ${round(addedMedian)} ms median (×${round(through.median / straight.median, 2)}), ${round(addedP99)} ms p99 (×${round(through.p99 / straight.p99, 2)}); the proxy and its clients share this process, so no ping crosses to another process and back`,
    },
    {
      case: "proxy",
      name: `flood of ${flood.total.toLocaleString("en-US")} messages at 5,000/s through the proxy to an echo upstream and back`,
      unit: "s",
      value: { n: 1, min: floodSeconds, median: floodSeconds, p99: floodSeconds, max: floodSeconds },
      target: "every message back, in order, each recorded both ways",
      verdict: complete ? "pass" : "miss",
      note: `${flood.received.toLocaleString("en-US")} of ${flood.total.toLocaleString("en-US")} back${flood.inOrder ? ", in order" : ", OUT OF ORDER"}, ${flood.recorded.toLocaleString("en-US")} message entries recorded; sent in ${round(flood.sentMs / 1000, 2)} s, last back after ${round(floodSeconds, 2)} s`,
    },
    {
      case: "proxy",
      name: `memory per proxied connection (${memory.connections} logged-in clients through the proxy, less the same number direct; max of heap and RSS)`,
      unit: "MB",
      value: memoryValue,
      target: "< 1 MB per connection",
      verdict: perConnection < 1 && memory.openThroughProxy === memory.connections ? "pass" : "miss",
      note: `proxied: heap ${round(memory.proxied.heap / 1024 / memory.connections, 1)} KB, RSS ${round(memory.proxied.rss / 1024 / memory.connections, 1)} KB each; direct: heap ${round(memory.direct.heap / 1024 / memory.connections, 1)} KB, RSS ${round(memory.direct.rss / 1024 / memory.connections, 1)} KB each`,
    },
  ];
}
