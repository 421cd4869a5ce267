import { readFileSync } from "node:fs";
import { launchedChromium } from "./proc-stats";
import { round } from "./stats";

/** A main-thread task the page reported as long (PerformanceObserver "longtask"). */
export interface LongTask {
  /** When it started, epoch ms (the page's timeOrigin plus its startTime). */
  at: number;
  ms: number;
}

/** How often the renderers' main threads are read, and their list renewed. */
const SAMPLE_MS = 5;
const RENEW_MS = 1_000;
/** Tasks a note lists one by one, the longest first; all of them are counted. */
const LISTED = 5;

interface Sample {
  at: number;
  /** Per renderer main thread: nanoseconds on a core, and waiting runnable for one. */
  threads: Map<number, { run: number; wait: number }>;
}

/**
 * Whether a long task was long because the machine had no core for it. A long task is wall
 * time: on two cores shared with ejabberd, the bridge and the flooder, a renderer whose main
 * thread is runnable but not running (or waits on helper threads that are) stretches the task
 * it is in. Linux counts both per
 * thread (/proc/<pid>/task/<tid>/schedstat: time on a core, time waiting on a run queue), and
 * a renderer's main thread is the thread whose id is the process's.
 */
export class CoreWaits {
  private readonly samples: Sample[] = [];
  private renderers: number[] = [];
  private renewedAt = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    this.timer ??= setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Over the samples around [from, to] (epoch ms), the renderer main thread that ran most: its
   * time on a core and its time waiting for one (ms). Undefined without samples on both sides.
   */
  during(from: number, to: number): { runMs: number; waitMs: number } | undefined {
    const before = this.samples.findLast((sample) => sample.at <= from);
    const after = this.samples.find((sample) => sample.at >= to);
    if (before === undefined || after === undefined) return undefined;
    let best: { runMs: number; waitMs: number } | undefined;
    for (const [tid, end] of after.threads) {
      const start = before.threads.get(tid);
      if (start === undefined) continue;
      const runMs = (end.run - start.run) / 1e6;
      if (best === undefined || runMs > best.runMs) best = { runMs, waitMs: (end.wait - start.wait) / 1e6 };
    }
    return best;
  }

  /**
   * The tasks over `limitMs`, each with its time on a core, waiting for one, and off it
   * otherwise (blocked: on the garbage collector's helper threads, on another process):
   * "70 ms: ran 22, waited 28, blocked 20". The samples span up to two intervals more than the
   * task, so "ran" errs high: a task that ran no more than the limit would have fitted in it
   * with a core of its own.
   */
  explain(tasks: readonly LongTask[], limitMs = 50): string {
    const over = tasks.filter((task) => task.ms > limitMs);
    if (over.length === 0) return "";
    let fitted = 0;
    const each = [...over]
      .sort((a, b) => b.ms - a.ms)
      .map((task) => {
        const spent = this.during(task.at, task.at + task.ms);
        if (spent === undefined) return `${round(task.ms, 0)} ms: not sampled`;
        if (spent.runMs <= limitMs) fitted++;
        const blocked = Math.max(0, task.ms - spent.runMs - spent.waitMs);
        return `${round(task.ms, 0)} ms: ran ${round(spent.runMs, 0)}, waited ${round(spent.waitMs, 0)}, blocked ${round(blocked, 0)}`;
      });
    const shown = each.length > LISTED ? [...each.slice(0, LISTED), `${each.length - LISTED} more`] : each;
    return `${fitted} of ${over.length} over ${limitMs} ms ran ${limitMs} ms or less on a core (the renderer's main thread, /proc schedstat sampled every ${SAMPLE_MS} ms; the longest: ${shown.join("; ")})`;
  }

  private sample(): void {
    const at = performance.timeOrigin + performance.now();
    if (at - this.renewedAt >= RENEW_MS) {
      this.renewedAt = at;
      this.renderers = launchedChromium()
        .map(({ pid }) => pid)
        .filter((pid) => isRenderer(pid));
    }
    const threads = new Map<number, { run: number; wait: number }>();
    for (const pid of this.renderers) {
      try {
        const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ").map(Number);
        threads.set(pid, { run: run!, wait: wait! });
      } catch {
        // The renderer ended (its page closed): it is dropped at the next renewal.
      }
    }
    this.samples.push({ at, threads });
  }
}

function isRenderer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer");
  } catch {
    return false;
  }
}
