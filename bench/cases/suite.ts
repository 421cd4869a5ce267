import fs from "node:fs";
import { startLocalServer, stopLocalServer } from "../../scripts/lib/ejabberd-local";
import { BENCH_PROSODY, BENCH_SERVER, fromRepoRoot } from "../../scripts/lib/instances";
import { startProsody, stopProsody } from "../../scripts/lib/prosody-local";
import { runScripts, suiteFiles } from "../../scripts/lib/run-scripts";
import { scriptVerdict } from "../../lib/scripts/report";
import { parseScript } from "../../lib/scripts/parse";
import { allowlistFrom } from "../../server/allowlist";
import type { Figure } from "../report";
import { summarize } from "../stats";

const RUNS = 3;
/** Issue 14: the whole bundled suite, headless, against the bundled ejabberd in under a minute. */
const TARGET_MS = 60_000;

/** The bundled compliance suite (stanza-scripts/compliance), end to end, on the bench ejabberd and the bench Prosody. */
export async function suiteTimes(): Promise<Figure[]> {
  const scripts = suiteFiles(fromRepoRoot(".")).map((file) => parseScript(fs.readFileSync(fromRepoRoot(file), "utf8"), file));
  const servers = [
    { name: "ejabberd", instance: BENCH_SERVER, start: () => startLocalServer(BENCH_SERVER, { fresh: true }), stop: () => stopLocalServer(BENCH_SERVER) },
    { name: "Prosody", instance: BENCH_PROSODY, start: () => startProsody(BENCH_PROSODY, { fresh: true }), stop: () => stopProsody(BENCH_PROSODY) },
  ];
  const figures: Figure[] = [];
  for (const server of servers) {
    await server.start();
    try {
      const { host, ports, domain } = server.instance;
      const target = { host, port: ports.plain, domain, transport: "plain" as const };
      const allowlist = allowlistFrom(`${host}:${ports.plain}`, []);
      const times: number[] = [];
      let counts = "";
      for (let run = 0; run < RUNS; run++) {
        const report = await runScripts(scripts, { target, allowlist, probe: true });
        times.push(report.durationMs!);
        const verdicts = report.scripts.map(scriptVerdict);
        counts = (["passed", "failed", "not offered"] as const).map((verdict) => `${verdicts.filter((item) => item === verdict).length} ${verdict}`).join(", ");
      }
      const value = summarize(times);
      figures.push({
        case: "suite",
        name: `compliance suite, ${scripts.length} scripts, headless on ${server.name} (${counts})`,
        unit: "ms",
        value,
        target: server.name === "ejabberd" ? "< 60 s" : "reported",
        verdict: server.name === "ejabberd" ? (value.max < TARGET_MS ? "pass" : "miss") : "info",
      });
    } finally {
      await server.stop();
    }
  }
  return figures;
}
