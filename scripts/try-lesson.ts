/**
 * For lesson authors: runs a lesson's steps against the real ejabberd (the test instance of
 * this PLAYGROUND_SLOT) the way the solvable test does, and prints each step's transcript and
 * check result.
 *
 *   PLAYGROUND_SLOT=4 npx tsx scripts/try-lesson.ts lessons/03-message [step]
 *
 * `step` is a number (2) or a slug (headline); without it every step runs. Exit code 0 when
 * every step tried behaves (starter does not pass, solution does), 1 otherwise, 2 on bad usage.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { lintLesson } from "../lib/lessons/lint";
import { LessonFormatError, loadLesson } from "../lib/lessons/load-course";
import type { CheckResult, Lesson, LessonStep } from "../lib/lessons/types";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { localServerStatus, startLocalServer, stopLocalServer } from "./lib/ejabberd-local";
import { CERTS, TEST_SERVER, fromRepoRoot } from "./lib/instances";
import { bundledServerOf, tryStep, type LessonRun } from "./lib/lesson-runner";

const USAGE = "Usage: PLAYGROUND_SLOT=N npx tsx scripts/try-lesson.ts <lesson-folder> [step number or slug]";
const ARROWS = { out: "C→S", in: "S→C", event: " · " } as const;

async function main(args: string[]): Promise<number> {
  const [folderArg, stepArg, ...rest] = args;
  if (folderArg === undefined || rest.length > 0 || folderArg === "--help") {
    console.error(USAGE);
    return 2;
  }
  const folder = fs.existsSync(folderArg) ? folderArg : path.join("lessons", folderArg);
  let lesson: Lesson;
  try {
    lesson = loadLesson(folder.replace(/\/+$/, ""));
  } catch (error) {
    if (error instanceof LessonFormatError) {
      console.error(`The lesson does not load:\n  ${error.message}`);
      return 1;
    }
    throw error;
  }
  const problems = lintLesson(lesson, path.dirname(folder));
  for (const problem of problems) console.log(`lint: ${problem.file}${problem.field ? ` ${problem.field}` : ""}: ${problem.message}`);

  const indexes = pickSteps(lesson, stepArg);
  if (indexes === undefined) {
    console.error(`No step "${stepArg}" in ${folder}; its steps are ${lesson.steps.map((step) => `${step.number} (${step.slug})`).join(", ")}.`);
    return 2;
  }

  const startedHere = !(await localServerStatus(TEST_SERVER)).running;
  if (startedHere) {
    console.log(`Starting the test ejabberd (${TEST_SERVER.host}:${TEST_SERVER.ports.plain} plain) ...`);
    await startLocalServer(TEST_SERVER, { fresh: true, log: (line) => console.log(line) });
  }
  let failures = problems.length;
  try {
    for (const index of indexes) {
      const step = lesson.steps[index]!;
      console.log(`\n=== Step ${step.number}: ${step.title} (${step.slug})`);
      try {
        const outcome = await tryStep(lesson, index, bundledServerOf(TEST_SERVER), (phase, run) => printRun(phase, run, step));
        const starterOk = !outcome.starter.passed;
        console.log(`\n${starterOk ? "ok" : "PROBLEM"}: the starter ${starterOk ? "does not pass" : "passes its check already; make the check or the starter stricter"}; solution passes.`);
        if (!starterOk) failures++;
      } catch (error) {
        failures++;
        console.log(`\nPROBLEM: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    if (startedHere) await stopLocalServer(TEST_SERVER);
  }
  console.log(failures === 0 ? "\nEvery step tried behaves." : `\n${failures} problem(s).`);
  return failures === 0 ? 0 : 1;
}

function pickSteps(lesson: Lesson, stepArg: string | undefined): number[] | undefined {
  if (stepArg === undefined) return lesson.steps.map((_, index) => index);
  const index = lesson.steps.findIndex((step) => String(step.number) === String(Number(stepArg)) || step.slug === stepArg);
  return index === -1 ? undefined : [index];
}

function printRun(phase: "starter" | "solution", run: LessonRun, step: LessonStep): void {
  console.log(`\n--- ${phase === "starter" ? "Starter" : "Solution"}: the step's window of the transcript (${run.variables.me}${run.variables.peer ? `, peer ${run.variables.peer}` : ""})`);
  for (const entry of run.window()) console.log(formatEntry(entry));
  console.log(formatResult(run.check(step)));
}

function formatEntry(entry: TranscriptEntry): string {
  const label = entry.kind === "status" ? "" : ` [${entry.kind}${entry.error ? `: ${entry.error}` : ""}]`;
  return `#${entry.seq} ${ARROWS[entry.dir]}${label} ${entry.raw}`;
}

function formatResult(result: CheckResult): string {
  if (result.passed) return `check passes (entries ${result.matched.map((seq) => `#${seq}`).join(", ")})`;
  return `check does not pass: check[${result.missing?.index}] ${result.missing?.message ?? ""}`;
}

/** TLS transports trust the test certificate only when Node starts with NODE_EXTRA_CA_CERTS: restart with it. */
function withCertificate(): number | undefined {
  const certificate = fromRepoRoot(CERTS.cert);
  if (process.env.NODE_EXTRA_CA_CERTS === certificate) return undefined;
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certificate },
  });
  return child.status ?? 1;
}

const restarted = withCertificate();
if (restarted !== undefined) process.exit(restarted);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
