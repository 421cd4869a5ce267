import { BENCH_APP_PORT, type AppUnderTest } from "../app-under-test";
import { LoadTab } from "../load-tab";
import { cpuSeconds } from "../proc-stats";
import type { Figure } from "../report";
import { round, summarize } from "../stats";

/**
 * Case 7: 200 concurrent sessions through the real bridge, as 100 pairs chatting for 60 s.
 * The tabs are Node WebSocket clients speaking the bridge protocol (bench/load-tab.ts), not
 * 200 Chromium pages, which two cores could not run. Each session logs in with a disposable
 * account; each sends a numbered message to its peer every LOAD_INTERVAL_MS. Checked: nothing
 * lost, repeated or reordered (by the numbers and content of the bodies, and by transcript
 * seqs); the bridge's heap and RSS after a full GC, sampled over time, with their slope.
 *
 * LOAD_PAIRS, LOAD_SECONDS and LOAD_INTERVAL_MS shorten it for a quick run; LOAD_ACK=0 has
 * the tabs store nothing (no acks), so the bridge keeps every entry, as for a page without storage.
 */
const PAIRS = positive("LOAD_PAIRS", 100);
const SECONDS = positive("LOAD_SECONDS", 60);
const INTERVAL_MS = positive("LOAD_INTERVAL_MS", 500);
const ACKS = process.env.LOAD_ACK !== "0";
const OPEN_AT_ONCE = 20;
const SAMPLE_EVERY_MS = 3000;
const DRAIN_TIMEOUT_MS = 20_000;
const MB = 1024 * 1024;

interface Sample {
  seconds: number;
  heap: number;
  rss: number;
  /** Transcript entries numbered so far across these sessions (each one's last seq). */
  entries: number;
}

/**
 * How long a session the previous case left takes to leave the bridge's heap after its page
 * closed, with the bench's limits (server/session-registry.ts): detached for
 * BRIDGE_DETACHED_TIMEOUT_MS (1 s), closed at the next sweep (every 1 s), kept as long again for
 * a reloading page to read how it ended, dropped at the sweep after that: up to about 4 s, plus
 * the close itself.
 */
const SESSIONS_GONE_MS = 5_000;

/**
 * The bridge's memory once the previous case's sessions are gone: readings a second apart that
 * stay within 2 MB of each other for SESSIONS_GONE_MS. Two readings that agreed were not enough:
 * in a full run they both came while the big-log case's 990,016-entry session was still held
 * (378 MB, against 63 MB once it was dropped), and the heap left after this case read -315 MB.
 */
async function settledMemory(app: AppUnderTest): Promise<NodeJS.MemoryUsage> {
  let anchor = await app.memory();
  let anchoredAt = performance.now();
  for (let attempt = 0; attempt < 60; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const next = await app.memory();
    if (Math.abs(next.heapUsed - anchor.heapUsed) >= 2 * MB) {
      anchor = next;
      anchoredAt = performance.now();
    } else if (performance.now() - anchoredAt >= SESSIONS_GONE_MS) return next;
  }
  return anchor;
}

export async function load(app: AppUnderTest): Promise<Figure[]> {
  const url = `ws://127.0.0.1:${BENCH_APP_PORT}/bridge`;
  const before = await settledMemory(app);
  const tabs = Array.from({ length: PAIRS * 2 }, (_, index) => new LoadTab(index, url, ACKS));
  const openStarted = performance.now();
  for (let start = 0; start < tabs.length; start += OPEN_AT_ONCE) {
    await Promise.all(tabs.slice(start, start + OPEN_AT_ONCE).map((tab) => tab.open()));
  }
  const openSeconds = (performance.now() - openStarted) / 1000;
  const peerOf = (tab: LoadTab) => tabs[tab.index ^ 1]!;
  for (const tab of tabs) tab.peerIndex = peerOf(tab).index;

  const samples: Sample[] = [];
  const cpuBefore = cpuSeconds(app.app.pid!);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const timers = tabs.map((tab) => {
    const peer = peerOf(tab).jid;
    // Spread over the interval, so the sends do not all land on the same tick.
    return setTimeout(() => {
      tab.chat(peer);
      timers.push(setInterval(() => tab.chat(peer), INTERVAL_MS));
    }, Math.random() * INTERVAL_MS);
  });
  while (elapsed() < SECONDS) {
    await sleep(Math.min(SAMPLE_EVERY_MS, Math.max(0, (SECONDS - elapsed()) * 1000)));
    const memory = await app.memory();
    samples.push({ seconds: elapsed(), heap: memory.heapUsed, rss: memory.rss, entries: tabs.reduce((sum, tab) => sum + tab.lastSeq, 0) });
  }
  for (const timer of timers) clearInterval(timer);
  const chatSeconds = elapsed();
  const cpu = (cpuSeconds(app.app.pid!) - cpuBefore) / chatSeconds;

  const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (Date.now() < drainDeadline && tabs.some((tab) => tab.received + tab.repeated < peerOf(tab).sent)) await sleep(100);

  const sent = sum(tabs.map((tab) => tab.sent));
  const received = sum(tabs.map((tab) => tab.received));
  const reordered = sum(tabs.map((tab) => tab.reordered));
  const repeated = sum(tabs.map((tab) => tab.repeated));
  const seqBreaks = sum(tabs.map((tab) => tab.seqBreaks));
  const strays = sum(tabs.map((tab) => tab.strays));
  const closedEarly = tabs.filter((tab) => tab.state === "closed").length;
  const lost = sent - received;
  const entriesNumbered = sum(tabs.map((tab) => tab.lastSeq));
  const latencies = tabs.flatMap((tab) => tab.latencies);

  await Promise.all(tabs.map((tab) => tab.close()));
  // Closed sessions linger (settledMemory) for a reattaching tab; disposable accounts are removed meanwhile.
  const after = await settledMemory(app);

  const warmUp = Math.min(10, SECONDS / 6);
  const steady = samples.filter((sample) => sample.seconds >= warmUp);
  const heapSlope = slope(steady.map((sample) => [sample.seconds, sample.heap])) * 60;
  const rssSlope = slope(steady.map((sample) => [sample.seconds, sample.rss])) * 60;
  const entriesPerMinute = slope(steady.map((sample) => [sample.seconds, sample.entries])) * 60;
  const bytesPerEntry = entriesPerMinute > 0 ? heapSlope / entriesPerMinute : 0;
  const one = (value: number) => ({ n: 1, min: value, median: value, p99: value, max: value });
  const sessions = PAIRS * 2;
  const what = `${sessions} sessions (${PAIRS} pairs) chatting ${round(chatSeconds, 0)} s, a message every ${INTERVAL_MS} ms each`;
  const retained = heapSlope / MB;
  const leftAfterClose = (after.heapUsed - before.heapUsed) / MB;

  return [
    {
      case: "load",
      name: `${what}: messages delivered`,
      unit: "messages",
      value: one(received),
      target: "zero lost, zero reordered (by sequence and content)",
      verdict: lost === 0 && reordered === 0 && repeated === 0 && seqBreaks === 0 && strays === 0 && closedEarly === 0 ? "pass" : "miss",
      note: `sent ${sent}, lost ${lost}, reordered ${reordered}, repeated ${repeated}, wrong sender or content ${strays}, transcript seq gaps ${seqBreaks}, sessions closed early ${closedEarly}; ${sessions} Node WebSocket clients speaking the bridge protocol, not browser tabs; ${sessions} disposable accounts registered and logged in in ${round(openSeconds, 1)} s; bridge CPU ${round(cpu * 100, 0)} %`,
    },
    {
      case: "load",
      name: `${what}: a message from one tab's send request to its peer's tab`,
      unit: "ms",
      value: summarize(latencies),
      target: "reported",
      verdict: "info",
      note: `every message archived by the bundled ejabberd (mod_mam, default always; its table in memory, logged to disk: ejabberd/ejabberd.schema); the tail includes the bridge's pauses for the full GC the memory sampler forces every ${SAMPLE_EVERY_MS / 1000} s`,
    },
    {
      case: "load",
      name: `${what}: bridge heap after a full GC, sampled every ${SAMPLE_EVERY_MS / 1000} s; slope after ${round(warmUp, 1)} s of warm-up ${round(retained, 2)} MB/min`,
      unit: "MB",
      value: summarize(samples.map((sample) => sample.heap / MB)),
      target: "flat after warm-up",
      verdict: Math.abs(retained) <= 1 ? "pass" : "miss",
      note: `${ACKS ? "each tab acknowledges what it received every 300 ms, as the page does once its IndexedDB batch is stored, so the bridge keeps only the rest" : `no acks (LOAD_ACK=0): the bridge keeps every entry, ${round(bytesPerEntry, 0)} bytes of heap each`}; ${round(entriesPerMinute, 0)} transcript entries/min, ${entriesNumbered} in all; RSS ${round(samples.at(0)!.rss / MB, 0)} → ${round(samples.at(-1)!.rss / MB, 0)} MB, slope ${round(rssSlope / MB, 2)} MB/min`,
    },
    {
      case: "load",
      name: "bridge heap after every load session closed, minus before the first opened",
      unit: "MB",
      value: one(leftAfterClose),
      target: "≤ 5 MB: nothing kept once sessions end",
      verdict: leftAfterClose <= 5 ? "pass" : "miss",
      note: `heap ${round(before.heapUsed / MB, 1)} → ${round(after.heapUsed / MB, 1)} MB; RSS ${round(before.rss / MB, 0)} → ${round(after.rss / MB, 0)} MB`,
    },
  ];
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two points. */
export function slope(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2) return 0;
  const meanX = sum(points.map(([x]) => x)) / points.length;
  const meanY = sum(points.map(([, y]) => y)) / points.length;
  const covariance = sum(points.map(([x, y]) => (x - meanX) * (y - meanY)));
  const variance = sum(points.map(([x]) => (x - meanX) ** 2));
  return variance === 0 ? 0 : covariance / variance;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positive(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name}=${value} is not a positive number`);
  return parsed;
}

