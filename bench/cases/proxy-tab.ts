import { runTrustingWorker } from "../proxy-pings";
import type { AppUnderTest } from "../app-under-test";
import type { Figure } from "../report";
import { round, summarize } from "../stats";

interface WorkerResult {
  through: number[];
  straight: number[];
  /** Transcript entries the watching tab received, up to the clients' closing. */
  entries: number;
}

/**
 * Proxy mode as the workbench uses it: the proxy runs in the app, and a tab watches each
 * proxied connection, so every stanza also becomes a message to that tab. An iq ping through
 * it against the same client library straight to ejabberd, STARTTLS both ways in both; the
 * proxy case gives the same without a tab. Measured in bench/proxy-tab-worker.ts.
 */
export async function proxyWithTab(_app: AppUnderTest): Promise<Figure[]> {
  const result = await runTrustingWorker<WorkerResult>("bench/proxy-tab-worker.ts");
  const through = summarize(result.through);
  const straight = summarize(result.straight);
  return [
    {
      case: "proxy-tab",
      name: "iq ping through the app's proxy with a tab watching the connection (STARTTLS client → proxy → STARTTLS ejabberd)",
      unit: "ms",
      value: through,
      baseline: { name: "the same @xmpp/client straight to ejabberd over STARTTLS", value: straight },
      target: "reported: the proxy case's row without a tab is the one judged",
      verdict: "info",
      note: `added ${round(through.median - straight.median)} ms median, ${round(through.p99 - straight.p99)} ms p99; the tab received ${result.entries} entries`,
    },
  ];
}
