import { startAppUnderTest } from "../app-under-test";
import type { Figure } from "../report";
import { summarize } from "../stats";
import { durationsOf, workbenchAsAlice } from "./ingest";
import { floodedWorkbench, pageHeapMb, reloadUntilShown, waitForIndex } from "./big-log";
import { DEFAULT_LIMITS } from "../../server/session-registry";
import { CoreWaits } from "../core-waits";

/** As many as the big-log case: the bridge's default cap, less room for the login. */
const ENTRIES = Number(process.env.BIG_LOG_ENTRIES ?? 990_000);
const RELOADS = 2;

type Reloaded = Awaited<ReturnType<typeof reloadUntilShown>>;

/**
 * A reload of the workbench holding a big transcript, as a person reloads in the middle of a
 * day's work: the big-log case's entries, flooded in through the bridge, then the page reloaded.
 * What this browser stored comes back from IndexedDB (up to its storage budget, 200 MB: about
 * half of them here), the rest from the bridge. The baseline is the same reload of a workbench
 * whose session holds only its login: the page's own start (scripts, the editor's compile).
 * Its own app, with the bridge's default BRIDGE_DETACHED_TIMEOUT_MS (2 min, as a person has):
 * the bench's 1 s would close the session while the page reads what it stored.
 */
export async function reload(): Promise<Figure[]> {
  const app = await startAppUnderTest({ BRIDGE_DETACHED_TIMEOUT_MS: String(DEFAULT_LIMITS.detachedTimeoutMs) });
  const waits = new CoreWaits();
  try {
    const empty = await workbenchAsAlice(app);
    const emptyRows = Number(await empty.getByTestId("pane-a").getByLabel("Transcript entries").getAttribute("data-row-count"));
    const baseline: Reloaded[] = [];
    for (let i = 0; i < RELOADS; i++) baseline.push(await reloadUntilShown(empty, emptyRows));
    await empty.close();

    const { page, rows } = await floodedWorkbench(app, ENTRIES);
    await waitForIndex(page, rows);
    // Whether each long task of the reloads was the page's work or a wait for a core (as the ingest case tells).
    waits.start();
    const reloads: Reloaded[] = [];
    for (let i = 0; i < RELOADS; i++) reloads.push(await reloadUntilShown(page, rows));
    waits.stop();
    const heapMb = await pageHeapMb(page);
    await page.getByRole("button", { name: "Disconnect" }).click();
    await page.close();

    const tasksOf = (runs: Reloaded[]) => durationsOf(runs.flatMap((run) => run.longTasks));
    const over50 = (tasks: number[]) => tasks.filter((ms) => ms > 50);
    const bigTasks = tasksOf(reloads);
    const baseTasks = tasksOf(baseline);
    const longest = Math.max(0, ...bigTasks);
    const baseLongest = Math.max(0, ...baseTasks);
    const one = (value: number) => ({ n: 1, min: value, median: value, p99: value, max: value });
    const fromStorage = reloads.map((run) => run.firstRows);
    return [
      {
        case: "reload",
        name: `reload of the workbench holding ${rows} entries: until the lanes show its first rows`,
        unit: "ms",
        value: summarize(reloads.map((run) => run.firstRowsMs)),
        baseline: { name: "the same reload, the session holding only its login", value: summarize(baseline.map((run) => run.firstRowsMs)) },
        target: "reported",
        verdict: "info",
        note: `from this browser's storage first (${fromStorage.join(", ")} entries shown then, in ${RELOADS} reloads)`,
      },
      {
        case: "reload",
        name: `the same reloads: until the lanes hold all ${rows} entries again (the rest from the bridge)`,
        unit: "s",
        value: summarize(reloads.map((run) => run.allRowsMs / 1000)),
        target: "reported",
        verdict: "info",
      },
      {
        case: "reload",
        name: "longest main-thread task during those reloads, from the reload until every entry shows",
        unit: "ms",
        value: one(longest),
        baseline: { name: "the same reload, the session holding only its login", value: one(baseLongest) },
        target: "the transcript adds no task over 50 ms: none longer than the page's own start, and no more over 50 ms",
        verdict: longest <= Math.max(50, baseLongest) && over50(bigTasks).length <= over50(baseTasks).length ? "pass" : "miss",
        note: [
          `${over50(bigTasks).length} tasks over 50 ms in ${RELOADS} reloads (${over50(bigTasks).reduce((sum, ms) => sum + ms, 0).toFixed(0)} ms in all); without the transcript ${over50(baseTasks).length} (${over50(baseTasks).map((ms) => ms.toFixed(0)).join(", ")} ms)`,
          waits.explain(reloads.flatMap((run) => run.longTasks)),
        ]
          .filter(Boolean)
          .join("; "),
      },
      {
        case: "reload",
        name: "JS heap of the page after the last reload, after GC",
        unit: "MB",
        value: one(heapMb),
        target: "reported",
        verdict: "info",
        note: "the main thread's: the entries read back from storage and those the bridge sent",
      },
    ];
  } finally {
    waits.stop();
    await app.stop();
  }
}
