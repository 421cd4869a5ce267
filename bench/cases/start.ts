import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { startLocalServer, stopLocalServer } from "../../scripts/lib/ejabberd-local";
import { PLAYGROUND_SERVER, fromRepoRoot } from "../../scripts/lib/instances";
import { isPortFree } from "../../scripts/lib/ports";
import { ensureAppBuilt } from "../../scripts/lib/app-build";
import { DirectClient } from "../direct-client";
import type { Figure } from "../report";
import { summarize } from "../stats";

const WARM_RUNS = 3;

/**
 * Case 5: `npm run playground` until ready (a login accepted and the app answering), on the
 * no-Docker path. Baseline: ejabberd alone, started and stopped in the same run.
 */
export async function startTimes(): Promise<Figure[]> {
  for (const port of [3000, ...Object.values(PLAYGROUND_SERVER.ports)]) {
    if (!(await isPortFree(port))) throw new Error(`port ${port} is in use (a playground running?); stop it (npm run stop) to measure start times`);
  }
  await ensureAppBuilt(() => undefined);
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await timePlayground());
  const ejabberdAlone: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const started = performance.now();
    await startLocalServer(PLAYGROUND_SERVER);
    ejabberdAlone.push((performance.now() - started) / 1000);
    await stopLocalServer(PLAYGROUND_SERVER);
  }
  // Cold: the build is redone (its fingerprint dropped), as after a change of the sources.
  rmSync(fromRepoRoot(".next/playground-build-fingerprint"), { force: true });
  const cold = await timePlayground();
  const warmSummary = summarize(warm);
  return [
    {
      case: "start",
      name: "npm run playground to ready, warm (build current)",
      unit: "s",
      value: warmSummary,
      baseline: { name: "ejabberd alone", value: summarize(ejabberdAlone) },
      target: "< 10 s warm",
      verdict: warmSummary.max < 10 ? "pass" : "miss",
    },
    { case: "start", name: "npm run playground to ready, cold (next build included)", unit: "s", value: summarize([cold]), target: "reported", verdict: "info" },
  ];
}

/** Seconds from the command to a login accepted and the home page served; then Ctrl-C. */
async function timePlayground(): Promise<number> {
  const started = performance.now();
  const child = spawn("npm", ["run", "playground"], { cwd: fromRepoRoot("."), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const deadline = Date.now() + 120_000;
    while (!output.includes("is ready in")) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the playground did not get ready:\n${output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const client = await DirectClient.login(PLAYGROUND_SERVER.ports.plain, "alice", "alice");
    client.close();
    const page = await fetch("http://localhost:3000/");
    if (!page.ok) throw new Error(`the app answered ${page.status}`);
    return (performance.now() - started) / 1000;
  } finally {
    // Ctrl-C in a terminal reaches the whole process group.
    process.kill(-child.pid!, "SIGINT");
    await exited;
  }
}
