import { cpus } from "node:os";
import type { Page } from "playwright-core";
import { registerLocalUser } from "../../scripts/lib/ejabberd-local";
import { BENCH_SERVER } from "../../scripts/lib/instances";
import { BENCH_URL, type AppUnderTest } from "../app-under-test";
import { DirectClient, FLOOD_TICK_MS, flood } from "../direct-client";
import { browserCpuSeconds, coresBusy, cpuSeconds, machineTicks, rssMb } from "../proc-stats";
import type { Figure } from "../report";
import { round } from "../stats";
import { CoreWaits, type LongTask } from "../core-waits";

/** BENCH_INGEST_RATES=1000,5000 runs only those rates (an A/B of one rate takes a minute, not five); empty, only the sends. */
const RATES = process.env.BENCH_INGEST_RATES?.split(",").filter(Boolean).map(Number) ?? [1_000, 5_000, 20_000];
const SECONDS = 20;

/**
 * Case 2: a peer floods one session at each rate for 20 s; every stanza must reach the
 * browser's lanes (counted there, with the lanes' own search), with no main-thread long
 * task over 50 ms. The bridge's CPU and memory are read from /proc meanwhile.
 */
export async function ingest(app: AppUnderTest): Promise<Figure[]> {
  const page = await workbenchAsAlice(app);
  await observeLongTasks(page);
  // Each long task is read against what the renderer's main thread ran and waited meanwhile.
  const waits = new CoreWaits();
  waits.start();
  const flooder = await unarchivedFlooder();
  const floor = await bareReceiver();
  const search = page.getByRole("searchbox");
  // The search's match count, which says how many stanzas came.
  const searchStatus = page.locator('[aria-live="polite"]').first();
  const figures: Figure[] = [];

  for (const rate of RATES) {
    await forgetLongTasks(page);
    const cpuBefore = cpuSeconds(app.app.pid!);
    const machineBefore = machineTicks();
    const browserBefore = browserCpuSeconds();
    const started = performance.now();
    const lastPainted = watchPainted(page, `id='f${rate}-${floodSize(rate) - 1}'`);
    const sent = await flood(flooder, rate, SECONDS);
    const floodEnded = Date.now();
    const floodSeconds = (performance.now() - started) / 1000;
    const cpu = (cpuSeconds(app.app.pid!) - cpuBefore) / floodSeconds;
    const machine = coresBusy(machineBefore, machineTicks());
    const browserCpu = (browserCpuSeconds() - browserBefore) / floodSeconds;
    const paintedSeconds = ((await lastPainted) - floodEnded) / 1000;
    // The flood's own tasks: the search below only counts what came, and its tasks are the
    // search's (the big-log case times search), reported apart.
    const floodTasks = await longTasksSoFar(page);
    const longTasks = durationsOf(floodTasks);
    const waited = waits.explain(floodTasks);
    await forgetLongTasks(page);
    await search.fill(`f${rate}-`);
    const deadline = Date.now() + 120_000;
    let delivered = 0;
    while (Date.now() < deadline) {
      delivered = matchCount(await searchStatus.textContent());
      if (delivered >= sent) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const countTasks = durationsOf(await longTasksSoFar(page));
    const longest = Math.max(0, ...longTasks);
    const over50 = longTasks.filter((duration) => duration > 50).length;
    const lost = sent - delivered;
    // The next flood comes with no search, as this one did: a search kept would be matched
    // against every entry of it.
    await search.fill("");
    await searchStatus.filter({ hasText: /^$/ }).waitFor({ state: "attached" });
    // The floor: the same flood from the same sender to a bare TCP client of the same server.
    const floorRead = floor.readUntil(`id='d${rate}-${floodSize(rate) - 1}'`, 180_000);
    const floorMachineBefore = machineTicks();
    await flood(flooder, rate, SECONDS, `d${rate}-`, FLOOR_ACCOUNT.jid);
    const floorMachine = coresBusy(floorMachineBefore, machineTicks());
    const floorEnded = Date.now();
    const floorSeconds = ((await floorRead) - floorEnded) / 1000;
    const one = (value: number) => ({ n: 1, min: value, median: value, p99: value, max: value });
    figures.push({
      case: "ingest",
      name: `${rate} stanzas/s for ${SECONDS} s: longest main-thread task (delivered ${delivered} of ${sent}, last one painted ${round(paintedSeconds, 2)} s after the flood)`,
      unit: "ms",
      value: one(longest),
      target: "zero loss, no long task over 50 ms, last stanza painted ≤ 1 s after the flood",
      verdict: lost === 0 && over50 === 0 && paintedSeconds <= 1 ? "pass" : "miss",
      note: `${over50} long tasks over 50 ms${waited === "" ? "" : ` (${waited})`}; counting the stanzas afterwards with a search: ${countTasks.filter((duration) => duration > 50).length} over 50 ms (longest ${round(Math.max(0, ...countTasks), 0)} ms); bridge CPU ${round(cpu * 100, 0)} %, Chromium's processes ${round(browserCpu * 100, 0)} %, the machine ${round(machine, 2)} of ${cpus().length} cores busy during the flood, bridge RSS ${rssMb(app.app.pid!)} MB; the same flood to a bare TCP client of the same ejabberd (no bridge, no page): last stanza read ${round(floorSeconds, 2)} s after the flood, ${round(floorMachine, 2)} cores busy`,
    });
  }
  flooder.close();
  floor.close();
  figures.push(await pingSends(page, waits));
  waits.stop();
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByTestId("connection-status").filter({ hasText: "Closed" }).waitFor();
  await page.close();
  return figures;
}

const SENDS = 50;
const PINGS_PER_SEND = 50;

/**
 * 50 sends from the editor, each of 50 iq pings pasted as one text (a person pasting a burst),
 * one after the other as fast as the page takes them: no main-thread task over 50 ms.
 * The page must be observing long tasks (observeLongTasks).
 */
export async function pingSends(page: Page, waits?: CoreWaits): Promise<Figure> {
  await forgetLongTasks(page);
  const editor = page.getByTestId("pane-a").getByTestId("stanza-editor");
  const lastPainted = watchPainted(page, `id='burst-${SENDS - 1}-${PINGS_PER_SEND - 1}'`);
  const started = Date.now();
  for (let send = 0; send < SENDS; send++) {
    const text = Array.from({ length: PINGS_PER_SEND }, (_, i) => `<iq type="get" id="burst-${send}-${i}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`).join("\n");
    // A real paste (the clipboard, then Ctrl+V over the selection), as a person does: typing
    // the same 5,000 characters as one input event makes Monaco type them as keystrokes.
    // The mark places each send on the page's timeline for bench:profile.
    await page.evaluate(([burst, n]) => (performance.mark(`send-${n}`), navigator.clipboard.writeText(burst)), [text, send] as const);
    await editor.locator(".view-lines").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("ControlOrMeta+V");
    await page.keyboard.press("ControlOrMeta+Enter");
  }
  const seconds = ((await lastPainted.catch((error: unknown) => failWithPaneState(page, error))) - started) / 1000;
  const tasks = await longTasksSoFar(page);
  const longTasks = durationsOf(tasks);
  const waited = waits?.explain(tasks) ?? "";
  const over50 = longTasks.filter((duration) => duration > 50);
  const blocked = over50.reduce((sum, duration) => sum + duration - 50, 0);
  const longest = Math.max(0, ...longTasks);
  return {
    case: "ingest",
    name: `${SENDS} sends of ${PINGS_PER_SEND} iq pings each from the editor: longest main-thread task (last reply painted ${round(seconds, 1)} s after the first send)`,
    unit: "ms",
    value: { n: 1, min: longest, median: longest, p99: longest, max: longest },
    target: "no long task over 50 ms",
    verdict: over50.length === 0 ? "pass" : "miss",
    note: `${over50.length} long tasks over 50 ms, ${round(blocked, 0)} ms blocked beyond 50 ms in all${waited === "" ? "" : `; ${waited}`}`,
  };
}

/** The last send's replies never came: rethrows with what the pane said about it (a refused send, the editor's check). */
async function failWithPaneState(page: Page, error: unknown): Promise<never> {
  const pane = page.getByTestId("pane-a");
  const alerts = await pane.getByRole("alert").allTextContents();
  const status = await pane.getByTestId("editor-status").textContent().catch(() => null);
  const draft = await pane.getByTestId("stanza-editor").locator(".view-lines").textContent();
  // Whether the last send left (its requests are written with double quotes, ejabberd's replies with single ones).
  const counts: string[] = [];
  const searchbox = pane.getByRole("searchbox");
  const searchStatus = pane.locator('[aria-live="polite"]').first();
  for (const needle of [`id="burst-${SENDS - 1}-`, `id='burst-${SENDS - 1}-`, `id="burst-`, `id='burst-`]) {
    // Cleared first, so the count read is this needle's ("no match", "1 match", "N matches"), not the last one's.
    await searchbox.fill("");
    await searchStatus.filter({ hasText: /^$/ }).waitFor({ state: "attached" });
    await searchbox.fill(needle);
    await searchStatus.filter({ hasText: /match/ }).waitFor({ state: "attached", timeout: 30_000 }).catch(() => undefined);
    counts.push(`${needle}: ${await searchStatus.textContent()}`);
  }
  throw new Error(`${error instanceof Error ? error.message : String(error)}; the pane's alerts: ${JSON.stringify(alerts)}, editor status: ${JSON.stringify(status)}, editor text starts: ${JSON.stringify(draft?.slice(0, 120))}; searches: ${counts.join("; ")}`);
}

/** Run in the page: records its main-thread tasks over 50 ms (the Long Tasks API) in window.benchLongTasks. */
function recordLongTasks(): void {
  const tasks: LongTask[] = [];
  (window as unknown as { benchLongTasks: LongTask[] }).benchLongTasks = tasks;
  new PerformanceObserver((list) => list.getEntries().forEach((entry) => tasks.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration }))).observe({ type: "longtask" });
}

/** Starts recording the page's main-thread tasks over 50 ms. */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.evaluate(recordLongTasks);
}

const observedFromStart = new WeakSet<Page>();

/** Records the long tasks of every document the page loads from now on, from its start (a reload's). */
export async function observeLongTasksFromStart(page: Page): Promise<void> {
  if (observedFromStart.has(page)) return;
  observedFromStart.add(page);
  await page.addInitScript(recordLongTasks);
}

/** The long tasks recorded since the last `forgetLongTasks`. */
export async function longTasksSoFar(page: Page): Promise<LongTask[]> {
  return (await page.evaluate(() => (window as unknown as { benchLongTasks: LongTask[] }).benchLongTasks)) as LongTask[];
}

export async function forgetLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { benchLongTasks: LongTask[] }).benchLongTasks.length = 0));
}

export const durationsOf = (tasks: readonly LongTask[]): number[] => tasks.map((task) => task.ms);

/** However late a flood's last row, a watch for it ends by then (the 20,000/s flood's took 53 s). */
const PAINT_WATCH_MS = 240_000;

/**
 * Resolves with the wall-clock time (ms) of the animation frame after a row of pane a whose
 * text contains `text` mounted: the frame that paints it. Rejects after PAINT_WATCH_MS, with
 * what the list showed then, rather than leave the bench waiting for ever.
 */
export function watchPainted(page: Page, text: string): Promise<number> {
  // A string, not a function: the TypeScript loader's helpers would not exist in the page.
  return page.evaluate(`new Promise((resolve, reject) => {
    const list = document.querySelector('[data-testid="pane-a"] [aria-label="Transcript entries"]');
    setTimeout(() => {
      const shown = document.querySelector('[data-testid="pane-a"] [aria-label="Transcript entries"]');
      const rows = shown ? shown.querySelectorAll('[data-testid="entry-in"]') : [];
      const lastText = rows.length > 0 ? rows[rows.length - 1].textContent : "";
      const lastId = / id=["']([^"']*)/.exec(lastText);
      const last = rows.length > 0 ? lastText.slice(0, 120) + " (its id " + (lastId ? lastId[1] : "none") + ")" : "none";
      // Seen but never painted (no animation frame came: a hidden page) is another defect than never seen.
      const seen = Array.from(rows).some((row) => row.textContent.includes(${JSON.stringify(text)}));
      reject(new Error("no painted row with " + ${JSON.stringify(JSON.stringify(text))} + " in " + ${PAINT_WATCH_MS / 1000} + " s (" + (seen ? "in the DOM, but no animation frame came" : "not in the DOM") + ", page " + document.visibilityState + "); the list " + (shown === list ? "is the one watched" : "was replaced") +
        ", " + (shown ? shown.dataset.rowCount : "?") + " rows, last seq " + (shown ? shown.dataset.lastSeq : "?") + ", last row in the DOM: " + last));
    }, ${PAINT_WATCH_MS});
    const observer = new MutationObserver(() => {
      const rows = list.querySelectorAll('[data-testid="entry-in"]');
      // The newest rows are last: look there first.
      for (let i = rows.length - 1; i >= 0; i--) {
        if (!rows[i].textContent.includes(${JSON.stringify(text)})) continue;
        observer.disconnect();
        requestAnimationFrame(() => resolve(Date.now()));
        return;
      }
    });
    observer.observe(list, { childList: true, subtree: true, characterData: true });
  })`) as Promise<number>;
}

/** How many stanzas `flood` sends at `rate` for `seconds`. */
export function floodSize(rate: number, seconds = SECONDS): number {
  return Math.max(1, Math.round((rate * FLOOD_TICK_MS) / 1000)) * Math.round((seconds * 1000) / FLOOD_TICK_MS);
}

/** The workbench page, connected as alice through its own form. */
export async function workbenchAsAlice(app: AppUnderTest): Promise<Page> {
  // The clipboard, for the sends case's pastes.
  const page = await app.browser.newPage({ viewport: { width: 1400, height: 1000 }, permissions: ["clipboard-read", "clipboard-write"] });
  await page.goto(`${BENCH_URL}/playground`);
  const form = page.getByRole("form", { name: "Connection" });
  await form.getByLabel("JID").fill("alice@localhost");
  await form.getByLabel("Password").fill("alice");
  await form.getByRole("button", { name: "Connect" }).click();
  await page.getByTestId("connection-status").filter({ hasText: "Online" }).waitFor();
  // The editor loads after first paint, in one task of about half a second of compiling
  // (docs/performance-log.md, Loading the editor): a flood measured from before it would count that task.
  await page.getByTestId("pane-a").getByTestId("stanza-editor").locator(".view-lines").waitFor();
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
  return page;
}

/**
 * bob, logged in to flood alice. The bundled ejabberd archives chat messages (mod_mam, default:
 * always, for the archive lesson); both ends of the flood opt out, or the archive is measured.
 */
export async function unarchivedFlooder(): Promise<DirectClient> {
  const receiver = await DirectClient.login(BENCH_SERVER.ports.plain, "alice", "alice");
  await receiver.stopArchiving();
  receiver.close();
  const flooder = await DirectClient.login(BENCH_SERVER.ports.plain, "bob", "bob");
  await flooder.stopArchiving();
  return flooder;
}

/** An account of the bench's own: the floor's receiver, so alice's page gets none of its flood. */
const FLOOR_ACCOUNT = { username: "floor", password: "floor", jid: "floor@localhost" };

/** A bare TCP client of the bench server, available and not archiving, to read a flood with no bridge and no page. */
async function bareReceiver(): Promise<DirectClient> {
  await registerLocalUser(BENCH_SERVER, FLOOR_ACCOUNT.username, FLOOR_ACCOUNT.password);
  const receiver = await DirectClient.login(BENCH_SERVER.ports.plain, FLOOR_ACCOUNT.username, FLOOR_ACCOUNT.password);
  await receiver.stopArchiving();
  await receiver.available();
  return receiver;
}

export function matchCount(text: string | null): number {
  const match = /of ([\d,]+)|([\d,]+) match/.exec(text ?? "");
  return Number((match?.[1] ?? match?.[2] ?? "0").replaceAll(",", ""));
}

