import { allowlistFrom } from "../server/allowlist";
import { bundledServerFromEnv, defaultAllowlist } from "../server/config";
import { openSession } from "../server/open-session";
import { SessionRegistry, DEFAULT_LIMITS } from "../server/session-registry";
import { BENCH_SERVER } from "../scripts/lib/instances";

/**
 * Runs in its own process (with --expose-gc) so its memory is the bridge's alone:
 * opens COUNT guided sessions through the bridge's own code, then reports.
 */
const count = Number(process.argv[2] ?? 1000);
const concurrency = 50;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");

const bundled = bundledServerFromEnv({ XMPP_PORT_PLAIN: String(BENCH_SERVER.ports.plain) });
const allowlist = allowlistFrom(undefined, defaultAllowlist(bundled));
const registry = new SessionRegistry({ ...DEFAULT_LIMITS, maxSessions: count + 10 });

gc();
const before = process.memoryUsage();
const started = performance.now();
const loginMs: number[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < count) {
    next++;
    const opened = await openSession(
      { op: "open", ref: "", mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: false, account: { kind: "existing", jid: "alice@localhost", password: "alice" } },
      bundled,
      allowlist,
    );
    registry.add(opened.session, { mode: "guided", target: opened.target });
    const t0 = performance.now();
    await opened.session.connect();
    loginMs.push(performance.now() - t0);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsedMs = performance.now() - started;
gc();
const after = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    count,
    elapsedMs,
    loginMs,
    heapPerSession: (after.heapUsed - before.heapUsed) / count,
    rssPerSession: (after.rss - before.rss) / count,
    external: (after.external - before.external) / count,
  })}\n`,
);
await registry.closeAll();
process.exit(0);
