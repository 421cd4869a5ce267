import type { TranscriptMeta } from "../transcript-files/format";
import type { BatchText, WriterReport, WriterRequest } from "./batch-writer";

/**
 * The page's side of the transcript writer (batch-writer.ts): one Worker per tab, made on
 * the first batch (its code is a chunk of its own, never in a page's initial JS). Where a
 * browser has no Worker the same writer runs on this thread, loaded on first use.
 */

type Listener = (report: WriterReport) => void;

export interface TranscriptWriter {
  /** The text of an `entries` message exactly as the bridge's socket delivered it. */
  batch(text: BatchText): void;
  meta(sessionKey: string, meta: TranscriptMeta): void;
  /** Reports about `sessionKey`; the latest one so far is replayed at once, so none is missed. */
  subscribe(sessionKey: string, listener: Listener): () => void;
}

export function createTranscriptWriter(post: (request: WriterRequest) => void): { writer: TranscriptWriter; deliver(report: WriterReport): void; fail(message: string): void } {
  const listeners = new Map<string, Set<Listener>>();
  // Acknowledgements are cumulative and a stop is final: the latest report per session says it all.
  const latest = new Map<string, WriterReport>();
  /** The writer itself could not run: every session, heard of or not, is told so. */
  let failed: string | null = null;
  return {
    writer: {
      batch: (text) => post({ type: "batch", text }),
      meta: (sessionKey, meta) => post({ type: "meta", sessionKey, meta }),
      subscribe(sessionKey, listener) {
        let set = listeners.get(sessionKey);
        if (set === undefined) listeners.set(sessionKey, (set = new Set()));
        set.add(listener);
        const last = failed === null ? latest.get(sessionKey) : { type: "stopped" as const, sessionKey, message: failed };
        if (last !== undefined) listener(last);
        return () => {
          set.delete(listener);
          if (set.size === 0) listeners.delete(sessionKey);
        };
      },
    },
    deliver(report) {
      const previous = latest.get(report.sessionKey);
      if (previous?.type !== "stopped") latest.set(report.sessionKey, report);
      for (const listener of listeners.get(report.sessionKey) ?? []) listener(report);
    },
    fail(message) {
      failed = message;
      for (const [sessionKey, set] of listeners) for (const listener of set) listener({ type: "stopped", sessionKey, message });
    },
  };
}

const WRITER_FAILED = "This browser could not start the playground's storage thread, so transcripts are kept only while this tab is open. Export them to keep them.";

let tabWriter: TranscriptWriter | null = null;

/** This tab's writer. */
export function transcriptWriter(): TranscriptWriter {
  if (tabWriter !== null) return tabWriter;
  if (typeof Worker === "undefined") {
    const queued: WriterRequest[] = [];
    let handle: ((request: WriterRequest) => void) | null = null;
    const made = createTranscriptWriter((request) => (handle ? handle(request) : queued.push(request)));
    void Promise.all([import("./batch-writer"), import("./playground-db")]).then(([{ BatchWriter }, { openPlaygroundDb }]) => {
      let opening: ReturnType<typeof openPlaygroundDb> | null = null;
      const inThread = new BatchWriter(() => (opening ??= openPlaygroundDb()), made.deliver);
      handle = (request) => inThread.handle(request);
      for (const request of queued.splice(0)) handle(request);
    });
    return (tabWriter = made.writer);
  }
  const worker = new Worker(new URL("./transcript-writer.worker.ts", import.meta.url), { type: "module", name: "transcript-writer" });
  const made = createTranscriptWriter((request) => worker.postMessage(request));
  worker.addEventListener("message", (event: MessageEvent<WriterReport>) => made.deliver(event.data));
  // Nothing was acknowledged, so the bridge still holds every entry: the transcript lives on in this tab.
  worker.addEventListener("error", () => made.fail(WRITER_FAILED));
  return (tabWriter = made.writer);
}
