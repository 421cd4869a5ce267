import type { TranscriptEntry } from "../xmpp/entry";
import type { TranscriptMeta } from "../transcript-files/format";
import type { OpenPlaygroundDbResult } from "./playground-db";

/**
 * Stores workbench transcripts in IndexedDB from the bridge's own batches: the text of each
 * `entries` message, exactly as the socket delivered it, parsed here. In the page this runs
 * in a Worker (transcript-writer.worker.ts), so neither the second parse nor the structured
 * clone IndexedDB makes of every entry costs the main thread anything.
 *
 * Batches of a session are written in order, several in one transaction when they pile up;
 * a report names the last seq each write committed, and only then may the page acknowledge
 * it to the bridge (which forgets what the tab has stored).
 */

/** One `entries` message of the bridge, as text (lib/bridge/protocol.ts). */
export type BatchText = string;

export type WriterReport =
  /** Everything of `sessionKey` up to `seq` is in IndexedDB. */
  | { type: "stored"; sessionKey: string; seq: number }
  /** Storage is unavailable or full for `sessionKey`: nothing more of it is stored. */
  | { type: "stopped"; sessionKey: string; message: string };

/** From the page to the writer. */
export type WriterRequest = { type: "batch"; text: BatchText } | { type: "meta"; sessionKey: string; meta: TranscriptMeta };

/** The same pause the page kept between writes: one transaction gathers what arrived meanwhile. */
export const WRITE_DELAY_MS = 300;

interface SessionQueue {
  entries: TranscriptEntry[];
  meta: TranscriptMeta | undefined;
  /** Set once storage refused: later batches are dropped, the page was told. */
  stopped: boolean;
}

export class BatchWriter {
  private readonly queues = new Map<string, SessionQueue>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly open: () => Promise<OpenPlaygroundDbResult>,
    private readonly report: (report: WriterReport) => void,
    private readonly delayMs = WRITE_DELAY_MS,
  ) {}

  handle(request: WriterRequest): void {
    if (request.type === "meta") {
      // Rides with the session's next entries: a session is stored once it has some.
      const queue = this.queue(request.sessionKey);
      queue.meta = { ...queue.meta, ...request.meta };
      return;
    }
    const message = JSON.parse(request.text) as { op?: string; sessionId?: string; entries?: TranscriptEntry[] };
    if (message.op !== "entries" || typeof message.sessionId !== "string" || !Array.isArray(message.entries)) return;
    const queue = this.queue(message.sessionId);
    if (queue.stopped) return;
    // Seq order is kept per session; a reattach's resend is dropped by saveEntries (seq ≤ stored).
    for (const entry of message.entries) queue.entries.push(entry);
    this.schedule();
  }

  /** Writes everything queued now, and waits for it: for tests and a page going away. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      if (this.writing !== null) await this.writing;
      else if (this.hasWork()) await this.write();
      else return;
    }
  }

  private hasWork(): boolean {
    for (const queue of this.queues.values()) if (!queue.stopped && queue.entries.length > 0) return true;
    return false;
  }

  private queue(sessionKey: string): SessionQueue {
    let queue = this.queues.get(sessionKey);
    if (queue === undefined) {
      queue = { entries: [], meta: undefined, stopped: false };
      this.queues.set(sessionKey, queue);
    }
    return queue;
  }

  private schedule(): void {
    // One write at a time: what arrives during a write goes into the next one.
    if (this.timer !== null || this.writing !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, this.delayMs);
  }

  private write(): Promise<void> {
    const run = this.writeQueued().finally(() => {
      this.writing = null;
      if (this.hasWork()) this.schedule();
    });
    this.writing = run;
    return run;
  }

  private async writeQueued(): Promise<void> {
    const opened = await this.open();
    for (const [sessionKey, queue] of this.queues) {
      const { entries, meta } = queue;
      if (queue.stopped || entries.length === 0) continue;
      queue.entries = [];
      queue.meta = undefined;
      if (!opened.ok) {
        this.stop(sessionKey, queue, opened.message);
        continue;
      }
      const result = await opened.db.saveEntries(sessionKey, entries, meta);
      if (!result.ok) {
        this.stop(sessionKey, queue, result.message);
        continue;
      }
      const last = entries.at(-1);
      if (last !== undefined) this.report({ type: "stored", sessionKey, seq: last.seq });
    }
  }

  private stop(sessionKey: string, queue: SessionQueue, message: string): void {
    queue.stopped = true;
    queue.entries = [];
    this.report({ type: "stopped", sessionKey, message });
  }
}
