import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SourceMapConsumer, type RawSourceMap } from "source-map-js";
import { startAppUnderTest } from "./app-under-test";
import { DEFAULT_LIMITS } from "../server/session-registry";
import { flood } from "./direct-client";
import type { Page } from "playwright-core";
import { durationsOf, floodSize, longTasksSoFar, observeLongTasks, pingSends, unarchivedFlooder, watchPainted, workbenchAsAlice } from "./cases/ingest";
import { fromRepoRoot } from "../scripts/lib/instances";
import { sendAndPaint } from "./cases/send-paint";
import type { LongTask } from "./core-waits";
import { bigLogQueries, countShown, exportAsJson, floodedWorkbench, reloadUntilShown, waitForIndex, watchCountIn } from "./cases/big-log";

/**
 * `npm run bench:profile -- [RATE SECONDS | sends | ping | export [ENTRIES] | search [ENTRIES] | frames [sends | RATE SECONDS] | --report]`: where
 * the page's main thread spends a flood (bob floods alice's workbench), the ingest case's 50×50
 * sends, one Ctrl+Enter, the big-log case's JSON export (of 990,000 entries by default) or its
 * second query typed while the first runs (traced: each task from the first key to the count). A CPU profile goes to bench/results/flood.cpuprofile (DevTools opens it), and
 * the functions with the most self time are printed, mapped back to our sources when the
 * build has source maps (PLAYGROUND_SOURCE_MAPS=1; the build is redone when that changes).
 * PROFILE_TRACE=1 adds the browser's own time by timeline event (layout, style, paint).
 * `frames [RATE SECONDS]`: no profiler; the flood's long animation frames (over 50 ms), each
 * split as the browser reports it (Long Animation Frames API): its scripts by what invoked
 * them, their forced style and layout, and the frame's own rendering. `frames sends`: the same for
 * the 50×50 sends, then each long task after the send it followed, with the scripts that ran in
 * it (PROFILE_TRACE=1 adds each task's timeline events). `sends` prints each long task's samples.
 * PROFILE_FLOOD_FIRST=RATExSECONDS (`sends` and `frames sends`): the sends follow a flood of that
 * rate, painted to its last stanza, as in the ingest case where they follow three floods.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

async function main(): Promise<void> {
  if (process.argv[2] === "--report") {
    report(JSON.parse(readFileSync(PROFILE_FILE, "utf8")) as Profile);
    return;
  }
  if (process.argv[2] === "ping") {
    await traceOnePing();
    return;
  }
  if (process.argv[2] === "export") {
    await profileExport(Number(process.argv[3] ?? 990_000));
    return;
  }
  if (process.argv[2] === "reload") {
    await profileReload(Number(process.argv[3] ?? 990_000));
    return;
  }
  if (process.argv[2] === "search") {
    await traceSupersededSearch(Number(process.argv[3] ?? 990_000));
    return;
  }
  if (process.argv[2] === "frames" && process.argv[3] === "sends") {
    await longFramesOfSends();
    return;
  }
  if (process.argv[2] === "frames") {
    await longFramesOfFlood(Number(process.argv[3] ?? 5000), Number(process.argv[4] ?? 10));
    return;
  }
  if (process.argv[2] === "sends") {
    await profileSends();
    return;
  }
  const rate = Number(process.argv[2] ?? 5000);
  const seconds = Number(process.argv[3] ?? 10);
  const app = await startAppUnderTest();
  try {
    const page = await workbenchAsAlice(app);
    const flooder = await unarchivedFlooder();
    await observeLongTasks(page);
    await observeTaskWindows(page);
    const lastPainted = watchPainted(page, `id='p-${floodSize(rate, seconds) - 1}'`);
    const tracing = process.env.PROFILE_TRACE === "1";
    if (tracing) await app.browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
    const profiling = await startProfiler(page, 250);
    const markedAt = await markClock(page);
    const sent = await flood(flooder, rate, seconds, "p-");
    const floodEnded = Date.now();
    // Let the page drain what the flood left queued, so the profile holds all of its work.
    const lagSeconds = ((await lastPainted) - floodEnded) / 1000;
    const longTasks = durationsOf(await longTasksSoFar(page));
    console.log(`long tasks over 50 ms: ${longTasks.filter((d) => d > 50).length}, longest ${Math.max(0, ...longTasks).toFixed(0)} ms; last stanza painted ${lagSeconds.toFixed(2)} s after the flood`);
    const profile = await profiling.stop();
    if (tracing) reportTrace(JSON.parse((await app.browser.stopTracing()).toString("utf8")) as Trace);
    flooder.close();
    console.log(`${sent} stanzas at ${rate}/s; profile in ${path.relative(process.cwd(), PROFILE_FILE)}`);
    report(profile);
    reportLongTasks(profile, markedAt, await taskWindows(page));
  } finally {
    await app.stop();
  }
}

const PROFILE_FILE = fromRepoRoot("bench/results/flood.cpuprofile");

interface LongFrame {
  start: number;
  duration: number;
  blocking: number;
  /** From the start of the frame's rendering (rAF callbacks, style, layout, paint) to its end. */
  render: number;
  /** Style and layout inside the rendering, after the rAF callbacks. */
  styleAndLayout: number;
  scripts: { start: number; invoker: string; duration: number; forcedLayout: number; source: string; url: string; char: number }[];
}

/** Starts recording the page's long tasks with their start (window.benchTaskWindows). */
async function observeTaskWindows(page: Page): Promise<void> {
  await page.evaluate(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { benchTaskWindows: unknown[] }).benchTaskWindows = tasks;
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => tasks.push({ start: entry.startTime, duration: entry.duration }))).observe({ type: "longtask" });
  });
}

/** The long tasks recorded since observeTaskWindows, with their start. */
async function taskWindows(page: Page): Promise<{ start: number; duration: number }[]> {
  return (await page.evaluate(() => (window as unknown as { benchTaskWindows: unknown[] }).benchTaskWindows)) as { start: number; duration: number }[];
}

/** A function of a known name, spinning at a known page time: where the profile's clock meets the page's (reportLongTasks). */
async function markClock(page: Page): Promise<number> {
  return (await page.evaluate(`(function benchClockMarker() { const at = performance.now(); while (performance.now() - at < 5); return at; })()`)) as number;
}

/** Starts recording the page's long animation frames (over 50 ms) into window.benchFrames. */
async function observeLongFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const frames: unknown[] = [];
    (window as unknown as { benchFrames: unknown[] }).benchFrames = frames;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as {
        startTime: number; duration: number; blockingDuration: number; renderStart: number; styleAndLayoutStart: number;
        scripts: { startTime: number; invoker: string; duration: number; forcedStyleAndLayoutDuration: number; sourceURL: string; sourceFunctionName: string; sourceCharPosition: number }[];
      }[]) {
        const end = entry.startTime + entry.duration;
        frames.push({
          start: entry.startTime,
          duration: entry.duration,
          blocking: entry.blockingDuration,
          render: entry.renderStart > 0 ? end - entry.renderStart : 0,
          styleAndLayout: entry.styleAndLayoutStart > 0 ? end - entry.styleAndLayoutStart : 0,
          scripts: entry.scripts.map((script) => ({
            start: script.startTime,
            invoker: script.invoker,
            duration: script.duration,
            forcedLayout: script.forcedStyleAndLayoutDuration,
            source: `${script.sourceFunctionName} ${script.sourceURL.split("/").pop()}`,
            url: script.sourceURL,
            char: script.sourceCharPosition,
          })),
        });
      }
    }).observe({ type: "long-animation-frame" });
  });
}

async function longFramesSince(page: Page, from: number): Promise<LongFrame[]> {
  return ((await page.evaluate(() => (window as unknown as { benchFrames: unknown[] }).benchFrames)) as LongFrame[]).filter((frame) => frame.start >= from);
}

/** Long frames summed by their parts and by script invoker, then the longest ones each with its scripts. */
function printLongFrames(frames: LongFrame[], longest: number): void {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const scripts = frames.flatMap((frame) => frame.scripts);
  console.log(`in them: ${sum(frames.map((frame) => frame.duration)).toFixed(0)} ms; scripts ${sum(scripts.map((script) => script.duration)).toFixed(0)} ms (forced style and layout ${sum(scripts.map((script) => script.forcedLayout)).toFixed(0)} ms); rendering ${sum(frames.map((frame) => frame.render)).toFixed(0)} ms (style and layout ${sum(frames.map((frame) => frame.styleAndLayout)).toFixed(0)} ms)`);
  const byInvoker = new Map<string, { duration: number; forcedLayout: number; count: number }>();
  for (const script of scripts) {
    const key = `${script.invoker} · ${scriptSource(script)}`;
    const total = byInvoker.get(key) ?? { duration: 0, forcedLayout: 0, count: 0 };
    total.duration += script.duration;
    total.forcedLayout += script.forcedLayout;
    total.count++;
    byInvoker.set(key, total);
  }
  for (const [key, total] of [...byInvoker].sort((a, b) => b[1].duration - a[1].duration).slice(0, 15)) {
    console.log(`  ${total.duration.toFixed(0).padStart(6)} ms (forced layout ${total.forcedLayout.toFixed(0)} ms) ×${total.count}  ${key}`);
  }
  for (const frame of [...frames].sort((a, b) => b.duration - a.duration).slice(0, longest)) {
    console.log(
      `  frame at ${(frame.start / 1000).toFixed(2)} s: ${frame.duration.toFixed(0)} ms, rendering ${frame.render.toFixed(0)} (style and layout ${frame.styleAndLayout.toFixed(0)}); ` +
        frame.scripts.map((script) => `${script.invoker} ${script.duration.toFixed(0)} (forced ${script.forcedLayout.toFixed(0)}) ${scriptSource(script)}`).join(", "),
    );
  }
}

/** A long frame's script by where it starts, mapped to our sources when the build has source maps. */
function scriptSource(script: LongFrame["scripts"][number]): string {
  if (!script.url || script.char < 0) return script.source;
  const match = /\/_next\/(static\/.+\.js)$/.exec(script.url);
  const chunk = match ? fromRepoRoot(`.next/${match[1]}`) : null;
  if (chunk === null || !existsSync(chunk)) return script.source;
  const before = readFileSync(chunk, "utf8").slice(0, script.char).split("\n");
  const where = original({ functionName: script.source.split(" ")[0] ?? "", url: script.url, lineNumber: before.length - 1, columnNumber: before.at(-1)!.length });
  return `${where.name} ${where.file}:${where.line}`;
}

/** Long animation frames of one flood, summed by their parts. */
async function longFramesOfFlood(rate: number, seconds: number): Promise<void> {
  const app = await startAppUnderTest();
  try {
    const page = await workbenchAsAlice(app);
    const flooder = await unarchivedFlooder();
    await observeLongFrames(page);
    // The ingest case's own figure beside the frames: a frame's rendering is a task of its own.
    await observeLongTasks(page);
    const tracing = process.env.PROFILE_TRACE === "1";
    if (tracing) await app.browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
    // The main thread's own CPU time and layout counts (DevTools' Performance metrics). They are
    // not immune to a busy machine: two runs of one build at load 9-13 gave 4.8 and 6.9 s of CPU.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const metrics = async () => Object.fromEntries(((await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] }).metrics.map((metric) => [metric.name, metric.value]));
    const before = await metrics();
    // Frames from before the flood (the editor's Monaco chunk, about a second) are not the flood's.
    const floodFrom = (await page.evaluate(() => performance.now())) as number;
    const lastPainted = watchPainted(page, `id='p-${floodSize(rate, seconds) - 1}'`);
    await flood(flooder, rate, seconds, "p-");
    const floodEnded = Date.now();
    const lagSeconds = ((await lastPainted) - floodEnded) / 1000;
    const after = await metrics();
    const spent = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
    console.log(
      `main thread: CPU ${(spent("ThreadTime") * 1000).toFixed(0)} ms, tasks ${(spent("TaskDuration") * 1000).toFixed(0)} ms, script ${(spent("ScriptDuration") * 1000).toFixed(0)} ms, ` +
        `layout ${(spent("LayoutDuration") * 1000).toFixed(0)} ms in ${spent("LayoutCount")}, style ${(spent("RecalcStyleDuration") * 1000).toFixed(0)} ms in ${spent("RecalcStyleCount")}`,
    );
    const frames = await longFramesSince(page, floodFrom);
    const longTasks = durationsOf(await longTasksSoFar(page));
    flooder.close();
    console.log(`${rate}/s for ${seconds} s: ${frames.length} long animation frames (${frames.filter((frame) => frame.blocking > 0).length} blocking), last stanza painted ${lagSeconds.toFixed(2)} s after the flood`);
    console.log(`long tasks over 50 ms: ${longTasks.filter((duration) => duration > 50).length}, longest ${Math.max(0, ...longTasks).toFixed(0)} ms`);
    if (tracing) reportLayouts(JSON.parse((await app.browser.stopTracing()).toString("utf8")) as Trace);
    printLongFrames(frames, 8);
  } finally {
    await app.stop();
  }
}

/** `frames sends`: the 50×50 sends' long animation frames, each with its scripts (no profiler). */
async function longFramesOfSends(): Promise<void> {
  const app = await startAppUnderTest();
  try {
    const page = await workbenchAsAlice(app);
    // The editor's Monaco chunk loads before the sends: its frame is not theirs.
    await page.getByTestId("pane-a").getByTestId("stanza-editor").locator(".view-lines").waitFor();
    await floodFirst(page);
    await observeLongTasks(page);
    await observeLongFrames(page);
    await observeTaskWindows(page);
    const from = (await page.evaluate(() => performance.now())) as number;
    const tracing = process.env.PROFILE_TRACE === "1";
    if (tracing) await app.browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
    const figure = await pingSends(page);
    console.log(`${figure.name}: ${figure.value.max} ms; ${figure.note}`);
    const frames = await longFramesSince(page, from);
    console.log(`${frames.length} long animation frames (${frames.filter((frame) => frame.blocking > 0).length} blocking)`);
    printLongFrames(frames, 12);
    // Each long task placed after the send it followed, with the frame's scripts that ran in it.
    const { tasks, sends } = (await page.evaluate(() => ({
      tasks: (window as unknown as { benchTaskWindows: unknown[] }).benchTaskWindows,
      sends: performance.getEntriesByType("mark").filter((mark) => mark.name.startsWith("send-")).map((mark) => mark.startTime),
    }))) as { tasks: { start: number; duration: number }[]; sends: number[] };
    if (process.env.PROFILE_DUMP) writeFileSync(process.env.PROFILE_DUMP, JSON.stringify({ tasks, sends, frames }));
    console.log(`\nlong tasks (${tasks.length}):`);
    for (const task of tasks) {
      const send = sends.findLastIndex((at) => at <= task.start);
      const end = task.start + task.duration;
      const frame = frames.find((candidate) => candidate.start <= task.start + 1 && candidate.start + candidate.duration >= end - 1);
      const scripts = frame?.scripts.filter((script) => script.start >= task.start - 1 && script.start < end) ?? [];
      const rendering = frame !== undefined && frame.render > 0 && frame.start + frame.duration - frame.render < end ? ` + the frame's rendering (${frame.render.toFixed(0)} ms, style and layout ${frame.styleAndLayout.toFixed(0)})` : "";
      console.log(
        `  send ${send} +${(task.start - (sends[send] ?? 0)).toFixed(0)} ms: ${task.duration.toFixed(0)} ms; ` +
          (scripts.map((script) => `${script.invoker} ${script.duration.toFixed(0)} (forced ${script.forcedLayout.toFixed(0)}) ${scriptSource(script)}`).join(", ") || "no script") +
          rendering,
      );
    }
    if (tracing) reportLongTasksOfTrace(JSON.parse((await app.browser.stopTracing()).toString("utf8")) as Trace, 50);
  } finally {
    await app.stop();
  }
}

/** PROFILE_FLOOD_FIRST=RATExSECONDS: a flood of that rate into the page, waited for until its last stanza is painted. */
async function floodFirst(page: Page): Promise<void> {
  const wanted = process.env.PROFILE_FLOOD_FIRST;
  if (!wanted) return;
  const match = /^(\d+)x(\d+)$/.exec(wanted);
  if (!match) throw new Error(`PROFILE_FLOOD_FIRST=${wanted}: give a rate and seconds, as in 20000x20`);
  const [rate, seconds] = [Number(match[1]), Number(match[2])];
  const flooder = await unarchivedFlooder();
  const lastPainted = watchPainted(page, `id='first-${floodSize(rate, seconds) - 1}'`);
  await flood(flooder, rate, seconds, "first-");
  await lastPainted;
  flooder.close();
  console.log(`after a flood of ${floodSize(rate, seconds)} stanzas at ${rate}/s:`);
}

/** Starts the page's CPU profiler, sampling every `intervalUs`; `stop` writes the profile to PROFILE_FILE and returns it. */
async function startProfiler(page: Page, intervalUs: number): Promise<{ stop(): Promise<Profile> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: intervalUs });
  await cdp.send("Profiler.start");
  return {
    async stop() {
      const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: Profile };
      writeFileSync(PROFILE_FILE, JSON.stringify(profile));
      return profile;
    },
  };
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  args?: { name?: string; data?: { type?: string; url?: string; functionName?: string; lineNumber?: number; columnNumber?: number }; beginData?: { dirtyObjects?: number } };
}
interface Trace {
  traceEvents: TraceEvent[];
}

/** The renderer's main thread, where the page's scripts, style, layout and paint run. */
function mainThreadOf(trace: Trace): number | undefined {
  return trace.traceEvents.find((event) => event.name === "thread_name" && event.args?.name === "CrRendererMain")?.tid;
}

/** The renderer main thread's time by timeline event: where the browser's own work (layout, style, paint) goes. */
function reportTrace(trace: Trace): void {
  const mainThread = mainThreadOf(trace);
  const totals = new Map<string, { ms: number; count: number }>();
  for (const event of trace.traceEvents) {
    if (event.tid !== mainThread || event.ph !== "X" || event.dur === undefined) continue;
    const total = totals.get(event.name) ?? { ms: 0, count: 0 };
    total.ms += event.dur / 1000;
    total.count++;
    totals.set(event.name, total);
  }
  const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  console.log(`\ntimeline events on the main thread (inclusive time):\n${rows.map(([name, { ms, count }]) => `${ms.toFixed(0).padStart(7)} ms ${String(count).padStart(7)}×  ${name}`).join("\n")}`);
}

/**
 * The trace's layouts, grouped by the outermost timeline event they ran in below the task (a
 * timer, an event, an animation frame callback: a script forced them; none: the frame's own
 * rendering): how many, how long, and how many layout objects each had to lay out.
 */
function reportLayouts(trace: Trace): void {
  const mainThread = mainThreadOf(trace);
  const events = trace.traceEvents.filter((event) => event.tid === mainThread && event.ph === "X" && event.dur !== undefined);
  const groups = new Map<string, { ms: number[]; dirty: number[] }>();
  for (const layout of events.filter((event) => event.name === "Layout")) {
    const around = events
      .filter((event) => event.name !== "RunTask" && event !== layout && event.ts <= layout.ts && event.ts + event.dur! >= layout.ts + layout.dur!)
      .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)[0];
    const key = around === undefined ? "none (the frame's rendering)" : `${around.name}${around.args?.data?.type ? ` ${around.args.data.type}` : ""}`;
    const group = groups.get(key) ?? { ms: [], dirty: [] };
    group.ms.push(layout.dur! / 1000);
    group.dirty.push(layout.args?.beginData?.dirtyObjects ?? 0);
    groups.set(key, group);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  console.log("layouts, by what they ran in:");
  for (const [key, { ms, dirty }] of [...groups].sort((a, b) => b[1].ms.length - a[1].ms.length)) {
    console.log(
      `  ${key}: ${ms.length}, ${ms.reduce((sum, value) => sum + value, 0).toFixed(0)} ms (median ${median(ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}); ` +
        `objects laid out median ${median(dirty)}, max ${Math.max(...dirty)}`,
    );
  }
}

/**
 * The main thread's tasks over `overMs` in a trace, each split into the timeline events it
 * ran (inclusive time of each kind, and the scripts by function): what a long task is made of.
 */
function reportLongTasksOfTrace(trace: Trace, overMs: number): void {
  const mainThread = mainThreadOf(trace);
  const events = trace.traceEvents.filter((event) => event.tid === mainThread && event.ph === "X" && event.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const tasks = events.filter((event) => event.name === "RunTask" && event.dur! > overMs * 1000);
  console.log(`\nmain-thread tasks over ${overMs} ms in the trace: ${tasks.length}`);
  for (const task of tasks) {
    const end = task.ts + task.dur!;
    const inside = events.filter((event) => event !== task && event.ts >= task.ts && event.ts + event.dur! <= end);
    const byName = new Map<string, number>();
    for (const event of inside) {
      const data = event.args?.data;
      const where = data?.url ? original({ functionName: data.functionName ?? "", url: data.url, lineNumber: data.lineNumber ?? 0, columnNumber: data.columnNumber ?? 0 }) : null;
      const key = `${event.name}${data?.type ? ` ${data.type}` : ""}${where ? ` ${where.name} ${where.file}:${where.line}` : ""}`;
      byName.set(key, (byName.get(key) ?? 0) + event.dur! / 1000);
    }
    const rows = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 14);
    console.log(`  task of ${(task.dur! / 1000).toFixed(0)} ms:\n${rows.map(([key, ms]) => `    ${ms.toFixed(1).padStart(6)} ms  ${key}`).join("\n")}`);
  }
}

/**
 * `npm run bench:profile -- ping`: the send-paint case's Ctrl+Enter, traced: the main thread's
 * top-level tasks from the key to the frame that shows the reply, with their offsets.
 */
async function traceOnePing(): Promise<void> {
  const app = await startAppUnderTest();
  try {
    const page = await workbenchAsAlice(app);
    for (let i = 0; i < 5; i++) await sendAndPaint(page, `warm-${i}`);
    for (let i = 0; i < 3; i++) {
      await app.browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"] });
      const times = await sendAndPaint(page, `traced-${i}`);
      const trace = JSON.parse((await app.browser.stopTracing()).toString("utf8")) as Trace;
      const mainThread = mainThreadOf(trace);
      const events = trace.traceEvents.filter((event) => event.tid === mainThread && event.ph === "X" && (event.dur ?? 0) > 200).sort((a, b) => a.ts - b.ts);
      // The last key down is Ctrl+Enter's Enter (the editor was cleared and filled with keys before it).
      const key = events.findLast((event) => event.name === "EventDispatch" && event.args?.data?.type === "keydown");
      console.log(`\nsend ${i}: ${times.painted.toFixed(1)} ms key to frame (socket +${times.sent.toFixed(1)}, reply +${times.replied.toFixed(1)}, row +${times.mounted.toFixed(1)})`);
      for (const event of events) {
        if (key === undefined || event.ts < key.ts - 1000) continue;
        const data = event.args?.data;
        const where = data?.url ? original({ functionName: data.functionName ?? "", url: data.url, lineNumber: data.lineNumber ?? 0, columnNumber: data.columnNumber ?? 0 }) : null;
        const detail = data?.type ?? (where ? `${where.name} ${where.file}:${where.line}` : "");
        console.log(`  +${((event.ts - key.ts) / 1000).toFixed(1).padStart(6)} ms ${((event.dur ?? 0) / 1000).toFixed(1).padStart(6)} ms  ${event.name} ${detail}`);
      }
    }
    const profiling = await startProfiler(page, 100);
    for (let i = 0; i < 20; i++) await sendAndPaint(page, `profiled-${i}`);
    report(await profiling.stop());
  } finally {
    await app.stop();
  }
}

/**
 * `npm run bench:profile -- export [ENTRIES]`: the big-log case's JSON export, three times over
 * one flood (each timed as the case times it); the last one profiled, with the functions in each
 * of its long tasks, and with PROFILE_TRACE=1 the first one traced: its tasks over 30 ms, each
 * split into the timeline events it ran.
 */
async function profileExport(entries: number): Promise<void> {
  const app = await startAppUnderTest();
  try {
    const { page, rows } = await floodedWorkbench(app, entries);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("HeapProfiler.collectGarbage");
    const say = ({ seconds, longTasks }: { seconds: number; longTasks: LongTask[] }) =>
      `${seconds.toFixed(2)} s; longest task ${Math.max(0, ...durationsOf(longTasks)).toFixed(0)} ms, ${durationsOf(longTasks).filter((duration) => duration > 50).length} over 50 ms`;
    // Traced, the first export (as the big-log case's: the export's code and worker load with it), split into its long tasks.
    const tracing = process.env.PROFILE_TRACE === "1";
    for (let i = 0; i < 2; i++) {
      if (tracing && i === 0) await app.browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "disabled-by-default-v8.gc"] });
      console.log(`export of ${rows} entries${tracing && i === 0 ? ", traced" : ""}: ${say(await exportAsJson(page))}`);
      if (!tracing || i > 0) continue;
      const trace = JSON.parse((await app.browser.stopTracing()).toString("utf8")) as Trace;
      reportTrace(trace);
      reportLongTasksOfTrace(trace, 30);
    }
    await observeTaskWindows(page);
    const profiling = await startProfiler(page, 500);
    const markedAt = await markClock(page);
    console.log(`export of ${rows} entries, profiled: ${say(await exportAsJson(page))}`);
    const profile = await profiling.stop();
    report(profile);
    reportLongTasks(profile, markedAt, await taskWindows(page));
  } finally {
    await app.stop();
  }
}

/**
 * `npm run bench:profile -- reload [ENTRIES]`: the big-log case's workbench, reloaded: what the
 * page's main thread does from the reload until the lanes hold every entry again (the ones this
 * browser stored come from IndexedDB, the rest from the bridge), profiled across the reload.
 */
async function profileReload(entries: number): Promise<void> {
  // As the reload case: the bridge's default detached timeout, which outlasts the page's reading of its storage.
  const app = await startAppUnderTest({ BRIDGE_DETACHED_TIMEOUT_MS: String(DEFAULT_LIMITS.detachedTimeoutMs) });
  try {
    const { page, rows } = await floodedWorkbench(app, entries);
    await waitForIndex(page, rows);
    // PROFILE_TRACE=1: traced instead (the browser's own work by timeline event, and the long tasks split).
    const tracing = process.env.PROFILE_TRACE === "1";
    if (tracing) await app.browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "disabled-by-default-v8.gc"] });
    const profiling = tracing ? null : await startProfiler(page, 500);
    const reloaded = await reloadUntilShown(page, rows);
    const profile = await profiling?.stop();
    if (tracing) {
      const trace = JSON.parse((await app.browser.stopTracing()).toString("utf8")) as Trace;
      reportTrace(trace);
      reportLongTasksOfTrace(trace, 50);
    }
    const tasks = durationsOf(reloaded.longTasks);
    const origin = Math.min(...reloaded.longTasks.map((task) => task.at));
    console.log(`long tasks (ms after the first one: duration): ${reloaded.longTasks.map((task) => `${(task.at - origin).toFixed(0)}: ${task.ms.toFixed(0)}`).join(", ")}`);
    console.log(
      `reload of ${rows} entries: first rows (${reloaded.firstRows}) after ${reloaded.firstRowsMs.toFixed(0)} ms, all after ${reloaded.allRowsMs.toFixed(0)} ms; ` +
        `long tasks ${tasks.length}, longest ${Math.max(0, ...tasks).toFixed(0)} ms, ${tasks.reduce((sum, ms) => sum + ms, 0).toFixed(0)} ms in all: ${tasks.map((ms) => ms.toFixed(0)).join(", ")}`,
    );
    if (profile !== undefined) report(profile);
  } finally {
    await app.stop();
  }
}

/**
 * `npm run bench:profile -- search [ENTRIES]`: the big-log case's "second query typed while the
 * first runs", traced: the page's main thread and the search worker's tasks from the first
 * input event to the frame after the count, with their offsets; then a CPU profile of more of them.
 */
async function traceSupersededSearch(entries: number): Promise<void> {
  const app = await startAppUnderTest();
  try {
    const { page, sent, rows } = await floodedWorkbench(app, entries);
    await waitForIndex(page, rows);
    const { superseded } = bigLogQueries(sent);
    const search = page.getByRole("searchbox");
    const pair = async ([first, [second, expected]]: (typeof superseded)[number]) => {
      await watchCountIn(page, expected);
      await search.fill(first);
      await search.fill(second);
      const ms = await countShown(page);
      await search.fill("");
      return ms;
    };
    for (const one of superseded) await pair(one);
    for (const one of superseded) {
      await app.browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing", "v8"] });
      const ms = await pair(one);
      const trace = JSON.parse((await app.browser.stopTracing()).toString("utf8")) as Trace;
      const mainThread = mainThreadOf(trace);
      const workers = new Set(trace.traceEvents.filter((event) => event.name === "thread_name" && event.args?.name === "DedicatedWorker thread").map((event) => event.tid));
      const events = trace.traceEvents.filter((event) => (event.tid === mainThread || workers.has(event.tid)) && event.ph === "X" && (event.dur ?? 0) > 300).sort((a, b) => a.ts - b.ts);
      const input = events.find((event) => event.tid === mainThread && event.name === "EventDispatch" && event.args?.data?.type === "input");
      console.log(`\n${one[0]} then ${one[1][0]}: ${ms.toFixed(1)} ms from the first input to the frame after the count`);
      for (const event of events) {
        if (input === undefined || event.ts < input.ts - 1000 || event.ts > input.ts + (ms + 30) * 1000) continue;
        const data = event.args?.data;
        const where = data?.url ? original({ functionName: data.functionName ?? "", url: data.url, lineNumber: data.lineNumber ?? 0, columnNumber: data.columnNumber ?? 0 }) : null;
        const detail = data?.type ?? (where ? `${where.name} ${where.file}:${where.line}` : "");
        const thread = event.tid === mainThread ? "page  " : "worker";
        console.log(`  ${thread} +${((event.ts - input.ts) / 1000).toFixed(1).padStart(6)} ms ${((event.dur ?? 0) / 1000).toFixed(1).padStart(6)} ms  ${event.name} ${detail}`);
      }
    }
    const profiling = await startProfiler(page, 100);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) for (const one of superseded) times.push(await pair(one));
    console.log(`\nprofiled: ${times.map((ms) => ms.toFixed(0)).join(", ")} ms`);
    report(await profiling.stop());
  } finally {
    await app.stop();
  }
}

/** `npm run bench:profile -- sends`: the ingest case's 50 sends of 50 iq pings from the editor. */
async function profileSends(): Promise<void> {
  const app = await startAppUnderTest();
  try {
    const page = await workbenchAsAlice(app);
    await floodFirst(page);
    await observeLongTasks(page);
    await observeTaskWindows(page);
    const profiling = await startProfiler(page, 500);
    const markedAt = await markClock(page);
    const figure = await pingSends(page);
    const profile = await profiling.stop();
    console.log(`${figure.name}: ${figure.value.max} ms; ${figure.note}`);
    report(profile);
    reportLongTasks(profile, markedAt, await taskWindows(page));
  } finally {
    await app.stop();
  }
}

/** Self time by function, then by source file, from the samples' time deltas. */
function report(profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const total = (profile.endTime - profile.startTime) / 1000;
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    const where = original(frame);
    byFunction.set(`${where.name} (${where.file}:${where.line})`, (byFunction.get(`${where.name} (${where.file}:${where.line})`) ?? 0) + ms);
    byFile.set(where.file, (byFile.get(where.file) ?? 0) + ms);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
  // V8's sampler interrupts the main thread every 250-500 µs: a gap of 50 ms between two samples
  // means that thread (or the sampler's) got no core for that long, on a machine with more work
  // than cores, and the function it was in is charged for the wait. Long tasks in such a
  // profile are partly waits.
  const gaps = profile.timeDeltas.filter((delta) => delta > 50_000);
  const gapMs = gaps.reduce((sum, delta) => sum + delta, 0) / 1000;
  console.log(`\nprofiled ${total.toFixed(0)} ms of the main thread; ${gaps.length} gaps over 50 ms between samples (${gapMs.toFixed(0)} ms in all, the longest ${(Math.max(0, ...gaps) / 1000).toFixed(0)} ms): time the page's thread or the sampler waited for a core`);
  console.log(`\nby function (self time):\n${top(byFunction, 40).join("\n")}`);
  console.log(`\nby file (self time):\n${top(byFile, 25).join("\n")}`);
  if (process.env.PROFILE_INCLUSIVE !== "1") return;
  // Inclusive time: each function once per sample it is on the stack of (who calls the costly parts).
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const where = original(byId.get(node)!.callFrame);
      const key = `${where.name} (${where.file}:${where.line})`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  }
  console.log(`\nby function (inclusive time):\n${top(inclusive, 80).join("\n")}`);
}

/**
 * Each long task (Long Tasks API) with the profile's samples inside it: the functions that
 * held it, by self time and by inclusive time (on the stack, to show who called them). The
 * page's clock is tied to the profile's by the samples of benchClockMarker, which ran at `markedAt`.
 */
function reportLongTasks(profile: Profile, markedAt: number, tasks: { start: number; duration: number }[]): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (id: number) => {
    const where = original(byId.get(id)!.callFrame);
    return `${where.name} (${where.file}:${where.line})`;
  };
  const times: number[] = [];
  let time = profile.startTime;
  profile.samples.forEach((_, i) => times.push((time += profile.timeDeltas[i] ?? 0)));
  const marker = profile.samples.findIndex((id) => {
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) if (byId.get(node)!.callFrame.functionName === "benchClockMarker") return true;
    return false;
  });
  if (marker === -1) {
    console.log("\nno sample of benchClockMarker: the long tasks cannot be placed in the profile");
    return;
  }
  // Profile time (µs) of a page time (ms); the first sample lands within one interval of the marker's start.
  const toProfile = (pageMs: number) => times[marker]! + (pageMs - markedAt) * 1000;
  console.log(`\nlong tasks: ${tasks.length}`);
  for (const task of [...tasks].sort((x, y) => y.duration - x.duration)) {
    const from = toProfile(task.start);
    const to = from + task.duration * 1000;
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      if (times[i]! < from || times[i]! > to) return;
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      self.set(name(id), (self.get(name(id)) ?? 0) + ms);
      const seen = new Set<string>();
      for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
        const key = name(node);
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
      }
    });
    const top = (map: Map<string, number>, n: number) => [...map].sort((x, y) => y[1] - x[1]).slice(0, n).map(([key, value]) => `    ${value.toFixed(1).padStart(6)} ms  ${key}`);
    console.log(`\n  at ${(task.start / 1000).toFixed(2)} s: ${task.duration.toFixed(0)} ms\n  self:\n${top(self, 10).join("\n")}\n  inclusive:\n${top(inclusive, 28).join("\n")}`);
  }
}

const consumers = new Map<string, SourceMapConsumer | null>();

function original(frame: ProfileNode["callFrame"]): { name: string; file: string; line: number } {
  const fallback = { name: frame.functionName || "(anonymous)", file: frame.url.replace(/^https?:\/\/[^/]+/, "") || "(native)", line: frame.lineNumber + 1 };
  const match = /\/_next\/(static\/.+\.js)$/.exec(frame.url);
  // A frame with no position in its script (-1: the script's own top level as V8 reports it here) maps to nothing.
  if (!match || frame.lineNumber < 0) return fallback;
  let consumer = consumers.get(match[1]!);
  if (consumer === undefined) {
    // Turbopack names each chunk's map in its last line, not after the chunk.
    const chunk = fromRepoRoot(`.next/${match[1]}`);
    const mapName = existsSync(chunk) ? /sourceMappingURL=(\S+)\s*$/.exec(readFileSync(chunk, "utf8"))?.[1] : undefined;
    const mapFile = mapName === undefined ? null : path.join(path.dirname(chunk), mapName);
    consumer = mapFile !== null && existsSync(mapFile) ? new SourceMapConsumer(JSON.parse(readFileSync(mapFile, "utf8")) as RawSourceMap) : null;
    consumers.set(match[1]!, consumer);
  }
  if (!consumer) return fallback;
  const position = consumer.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
  if (!position.source) return fallback;
  const file = position.source.replace(/^.*?(node_modules\/|\/(app|components|lib)\/)/, (_, prefix: string) => prefix.replace(/^\//, ""));
  return { name: position.name ?? fallback.name, file, line: position.line ?? 0 };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
