import type { TranscriptEntry } from "../xmpp/entry";

/**
 * How much of the browser's storage transcripts may take. Browsers evict or refuse
 * whole origins when they run short, so the playground stops well before that and
 * tells the person, instead of failing a write halfway through a session.
 */

export interface StorageLimits {
  /** Bytes the origin may use, as `navigator.storage.estimate()` counts them (or our own estimate). */
  maxBytes: number;
  /** Entries across every stored session: a bound that does not depend on the estimate. */
  maxEntries: number;
}

export const DEFAULT_STORAGE_LIMITS: StorageLimits = { maxBytes: 200 * 1024 * 1024, maxEntries: 2_000_000 };

export type EstimateStorage = () => Promise<{ usage?: number; quota?: number }>;

/** Never leave a browser's quota less than this share free: other data of the origin needs it too. */
const QUOTA_SHARE = 0.8;
/** Estimates are an IPC round trip and coarse anyway: ask again at most this often. */
const ESTIMATE_REFRESH_MS = 5_000;

export function storageFullMessage(entries: number): string {
  return `Browser storage for transcripts is full (${entries.toLocaleString("en-US")} entries); export and clear old sessions.`;
}

/** The browser's own estimate, where there is one (not in Node, not in some private windows). */
export function browserEstimate(): EstimateStorage | null {
  if (typeof navigator === "undefined" || typeof navigator.storage?.estimate !== "function") return null;
  return () => navigator.storage.estimate();
}

/** Roughly what an entry costs on disk; used where the browser gives no estimate, and between estimates. */
export function approximateBytes(entry: TranscriptEntry): number {
  return 2 * (entry.raw.length + (entry.name?.length ?? 0) + (entry.ns?.length ?? 0)) + 96;
}

export interface StorageBudgetOptions {
  limits?: Partial<StorageLimits>;
  /** `null` when the browser has none: our own running estimate is used instead. */
  estimate: EstimateStorage | null;
  now?: () => number;
}

export class StorageBudget {
  readonly limits: StorageLimits;
  private readonly estimate: EstimateStorage | null;
  private readonly now: () => number;
  private usage: number | undefined;
  private quota: number | undefined;
  private estimatedAt = Number.NEGATIVE_INFINITY;
  /** Written since the last estimate, which cannot know about it yet. */
  private writtenSinceEstimate = 0;

  constructor(options: StorageBudgetOptions) {
    this.limits = { ...DEFAULT_STORAGE_LIMITS, ...options.limits };
    this.estimate = options.estimate;
    this.now = options.now ?? (() => Date.now());
  }

  /** Call outside any IndexedDB transaction: awaiting other promises inside one lets it commit. */
  async refresh(): Promise<void> {
    if (this.estimate === null || this.now() - this.estimatedAt < ESTIMATE_REFRESH_MS) return;
    try {
      const { usage, quota } = await this.estimate();
      this.usage = usage;
      this.quota = quota;
      this.estimatedAt = this.now();
      this.writtenSinceEstimate = 0;
    } catch {
      // An estimate that fails is no estimate: the running count still bounds storage.
      this.usage = undefined;
    }
  }

  /** Bytes that may still be written, given what the store itself has counted. */
  bytesLeft(storedBytes: number): number {
    const limit = this.quota === undefined ? this.limits.maxBytes : Math.min(this.limits.maxBytes, this.quota * QUOTA_SHARE);
    const used = Math.max(storedBytes, (this.usage ?? 0) + this.writtenSinceEstimate);
    return limit - used;
  }

  entriesLeft(storedEntries: number): number {
    return this.limits.maxEntries - storedEntries;
  }

  noteWritten(bytes: number): void {
    this.writtenSinceEstimate += bytes;
  }

  /** After a deletion the last estimate is stale in the other direction: ask again next time. */
  invalidate(): void {
    this.estimatedAt = Number.NEGATIVE_INFINITY;
    this.writtenSinceEstimate = 0;
  }
}
