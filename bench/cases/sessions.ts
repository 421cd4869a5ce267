import { spawnSync } from "node:child_process";
import { startLocalServer, stopLocalServer } from "../../scripts/lib/ejabberd-local";
import { BENCH_SERVER, fromRepoRoot } from "../../scripts/lib/instances";
import type { Figure } from "../report";
import { round, summarize } from "../stats";

const SESSIONS = 1000;

/** Case 6: 1,000 concurrent guided sessions on one bridge process: memory each, logins per second. */
export async function sessionsPerProcess(): Promise<Figure[]> {
  await startLocalServer(BENCH_SERVER, { fresh: true });
  try {
    const run = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", fromRepoRoot("bench/sessions-worker.ts"), String(SESSIONS)], {
      cwd: fromRepoRoot("."),
      encoding: "utf8",
      timeout: 180_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`sessions worker failed: ${run.stderr.slice(-2000)}`);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { count: number; elapsedMs: number; loginMs: number[]; heapPerSession: number; rssPerSession: number };
    const mbPerSession = Math.max(result.heapPerSession, result.rssPerSession) / (1024 * 1024);
    const loginsPerSecond = (result.count / result.elapsedMs) * 1000;
    const memory = { n: 1, min: mbPerSession, median: mbPerSession, p99: mbPerSession, max: mbPerSession };
    return [
      {
        case: "sessions",
        name: `bridge memory per session, ${result.count} guided sessions in one process (max of heap and RSS growth)`,
        unit: "MB",
        value: memory,
        target: "< 1 MB per session",
        verdict: mbPerSession < 1 ? "pass" : "miss",
        note: `heap ${round(result.heapPerSession / 1024, 1)} KB, RSS ${round(result.rssPerSession / 1024, 1)} KB per session`,
      },
      {
        case: "sessions",
        name: `login time (PLAIN, plain TCP, 50 at a time); ${round(loginsPerSecond, 0)} logins/s`,
        unit: "ms",
        value: summarize(result.loginMs),
        target: "reported",
        verdict: "info",
      },
    ];
  } finally {
    await stopLocalServer(BENCH_SERVER);
  }
}
