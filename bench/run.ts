import os from "node:os";
import { startAppUnderTest } from "./app-under-test";
import { writeReport, type Figure } from "./report";
import { roundTrip } from "./cases/round-trip";
import { sessionsPerProcess } from "./cases/sessions";
import { startTimes } from "./cases/start";
import { pageWeight } from "./cases/page-weight";
import { ingest } from "./cases/ingest";
import { bigLog } from "./cases/big-log";
import { load } from "./cases/load";
import { suiteTimes } from "./cases/suite";
import { proxyCost } from "./cases/proxy";
import { clusterCase } from "./cases/cluster";
import { sendPaint } from "./cases/send-paint";
import { isolation } from "./cases/isolation";
import { stalledTab } from "./cases/stalled-tab";
import { proxyWithTab } from "./cases/proxy-tab";
import { reload } from "./cases/reload";

/**
 * `npm run bench [CASE...]`: every figure beside its baseline, measured in the same run
 * against a real ejabberd and headless Chromium, written to bench/results/latest.{json,md}.
 */
type Case = (app: Awaited<ReturnType<typeof startAppUnderTest>>) => Promise<Figure[]>;
const CASES: Record<string, { needsApp: boolean; run: Case }> = {
  "round-trip": { needsApp: true, run: roundTrip },
  "send-paint": { needsApp: true, run: sendPaint },
  "page-weight": { needsApp: true, run: pageWeight },
  ingest: { needsApp: true, run: ingest },
  "big-log": { needsApp: true, run: bigLog },
  load: { needsApp: true, run: load },
  isolation: { needsApp: true, run: isolation },
  "stalled-tab": { needsApp: true, run: stalledTab },
  "proxy-tab": { needsApp: true, run: proxyWithTab },
  sessions: { needsApp: false, run: () => sessionsPerProcess() },
  start: { needsApp: false, run: () => startTimes() },
  suite: { needsApp: false, run: () => suiteTimes() },
  proxy: { needsApp: false, run: () => proxyCost() },
  reload: { needsApp: false, run: () => reload() },
  cluster: { needsApp: false, run: () => clusterCase() },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in CASES));
  if (unknown.length > 0) throw new Error(`unknown case ${unknown.join(", ")}; cases: ${Object.keys(CASES).join(", ")}`);
  const selected = wanted.length > 0 ? wanted : Object.keys(CASES);
  const figures: Figure[] = [];
  const started = Date.now();

  const withApp = selected.filter((name) => CASES[name]!.needsApp);
  if (withApp.length > 0) {
    const app = await startAppUnderTest();
    try {
      for (const name of withApp) {
        console.log(`bench: ${name}...`);
        figures.push(...(await CASES[name]!.run(app)));
      }
    } finally {
      await app.stop();
    }
  }
  for (const name of selected.filter((candidate) => !CASES[candidate]!.needsApp)) {
    console.log(`bench: ${name}...`);
    figures.push(...(await CASES[name]!.run(undefined as never)));
  }

  const meta = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, seconds: Math.round((Date.now() - started) / 1000) };
  const { markdown } = writeReport(figures, meta);
  console.log(`\n${markdown}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
