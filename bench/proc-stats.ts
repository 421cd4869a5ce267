import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

/** What the bench reads of processes and of the machine, from Linux's /proc. */

/** A process's name, parent and CPU seconds so far (user and system), from one read of /proc/<pid>/stat. */
function processStat(pid: number): { name: string; parent: number; cpuSeconds: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The fields after the name, which may itself hold ") ": state, ppid, ... utime (14th), stime (15th).
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), parent: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

export function cpuSeconds(pid: number): number {
  return processStat(pid).cpuSeconds;
}

/** The Chromium processes this bench launched (its descendants named chrom*), with their CPU seconds so far. */
export function launchedChromium(): { pid: number; cpuSeconds: number }[] {
  const stats = new Map<number, ReturnType<typeof processStat>>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), processStat(Number(entry)));
    } catch {
      // The process ended between the listing and the read: its time is lost to both readings alike.
    }
  }
  const ours = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = stats.get(at)?.parent) if (at === process.pid) return true;
    return false;
  };
  return [...stats].filter(([pid, { name }]) => name.startsWith("chrom") && ours(pid)).map(([pid, { cpuSeconds }]) => ({ pid, cpuSeconds }));
}

/**
 * CPU seconds of the Chromium processes this bench launched: the renderer, the GPU process and
 * the browser, all of which a flood keeps busy.
 */
export function browserCpuSeconds(): number {
  return launchedChromium().reduce((sum, { cpuSeconds }) => sum + cpuSeconds, 0);
}

/** Busy and total CPU time of the whole machine so far (/proc/stat, in clock ticks). */
export function machineTicks(): { busy: number; total: number } {
  // cpu  user nice system idle iowait irq softirq steal ...
  const ticks = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: total - ticks[3]! - ticks[4]!, total };
}

/**
 * How many cores were busy between two readings: every process counts (ejabberd, the bridge,
 * Chromium's, the flooder), so a figure near the core count says the flood is bound by the
 * machine, not by one of them.
 */
export function coresBusy(before: { busy: number; total: number }, after: { busy: number; total: number }): number {
  return ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * cpus().length;
}

/** A process's resident memory in bytes (VmRSS), or 0 when it has none to report. */
export function rssBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb ?? 0) * 1024;
}

export function rssMb(pid: number): number {
  return Math.round(rssBytes(pid) / (1024 * 1024));
}
