import { startBareRelay } from "../bare-relay-process";
import { runTrustingWorker } from "../proxy-pings";
import type { AppUnderTest } from "../app-under-test";
import type { Figure } from "../report";
import { BENCH_SERVER } from "../../scripts/lib/instances";
import { round, summarize } from "../stats";

interface WorkerResult {
  through: number[];
  straight: number[];
  relayed: number[];
  /** Transcript entries the watching tab received, up to the clients' closing. */
  entries: number;
}

/**
 * Proxy mode as it is used: the proxy runs in the app, a workbench tab watches each proxied
 * connection (so every stanza also becomes a message to that tab), and the client runs in a
 * process of its own. An iq ping through it against the same client library straight to
 * ejabberd, STARTTLS both ways in both; and through a relay that only copies bytes, in a
 * process of its own as the app is, which is what any process in the middle costs on this
 * machine. Measured in bench/proxy-tab-worker.ts.
 */
export async function proxyWithTab(_app: AppUnderTest): Promise<Figure[]> {
  const relay = await startBareRelay("tcp", BENCH_SERVER.ports.starttls);
  let result: WorkerResult;
  try {
    result = await runTrustingWorker<WorkerResult>("bench/proxy-tab-worker.ts", [], [String(relay.port)]);
  } finally {
    relay.stop();
  }
  const through = summarize(result.through);
  const straight = summarize(result.straight);
  const relayed = summarize(result.relayed);
  const addedMedian = through.median - straight.median;
  const addedP99 = through.p99 - straight.p99;
  return [
    {
      case: "proxy-tab",
      name: "iq ping through the app's proxy, a tab watching, the client in a process of its own (STARTTLS client → proxy → STARTTLS ejabberd)",
      unit: "ms",
      value: through,
      baseline: { name: "the same @xmpp/client straight to ejabberd over STARTTLS", value: straight },
      target: "added ≤ 0.3 ms median, ≤ 2 ms p99",
      verdict: addedMedian <= 0.3 && addedP99 <= 2 ? "pass" : "miss",
      note:
        `added ${round(addedMedian)} ms median (×${round(through.median / straight.median, 2)}), ${round(addedP99)} ms p99; ` +
        `through a relay that only copies bytes, in a process of its own (TLS end to end with ejabberd), ${round(relayed.median)} ms median, p99 ${round(relayed.p99)} ms: ` +
        `${round(relayed.median - straight.median)} ms over the direct client, so the proxy's own work adds ${round(through.median - relayed.median)} ms; the tab received ${result.entries} entries`,
    },
  ];
}
