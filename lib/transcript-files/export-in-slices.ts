import { BlobBuilder, JSON_TYPE, transcriptJsonChunks } from "./export";
import { SLICE_MS, captureDocument, exportCapturesThrough, exportJsonThrough, nextTask, type CaptureChoice, type CaptureMeta, type ExportCapture, type ExportWorkerLike } from "./export-protocol";
import type { TranscriptMeta } from "./format";
import type { TranscriptEntry } from "../xmpp/entry";

/** Said on the console when the export falls back to the page's thread: the end-to-end tests look for it. */
export const EXPORT_WORKER_FAILED = "The transcript export's worker failed; the file is built on the page instead";

/**
 * exportJson for the page: the same document, built without holding up the page (a million
 * entries take seconds). In a worker (export-protocol.ts) where there are workers, so the
 * page's thread only stringifies; on this thread, in slices, where there are none or the
 * worker fails. Either way entries appended while it runs (a live session) are left out.
 */
export async function exportJsonInSlices(entries: readonly TranscriptEntry[], meta: TranscriptMeta, secrets?: ReadonlyMap<number, string>, exportedAt: Date = new Date()): Promise<Blob> {
  const held = entries.slice();
  const built = await inExportWorker((worker) => exportJsonThrough(worker, held, meta, secrets, exportedAt)).catch(warnFallback);
  return built ?? blobInSlices(transcriptJsonChunks(held, meta, secrets, exportedAt), JSON_TYPE);
}

/**
 * An export of captures (captureDocument: anonymized, or several accounts, or a stream file)
 * for the page: in the export worker where there are workers, so the anonymizer's passes over
 * a big capture leave the page answering; on this thread, at once, where there are none or
 * the worker fails.
 */
export async function exportCaptures(choice: CaptureChoice, captures: readonly ExportCapture[], options: { anonymize: boolean; exportedAt: Date }): Promise<{ blob: Blob; metas: CaptureMeta[] }> {
  const held = captures.map((capture) => ({ ...capture, entries: capture.entries.slice() }));
  const built = await inExportWorker((worker) => {
    const exporting = exportCapturesThrough(worker, choice, held, options);
    return { blob: exporting.done, fail: exporting.fail };
  }).catch(warnFallback);
  return built ?? captureDocument(choice, held, options);
}

/** Runs one export in a new `transcript-export` worker, ended after it; null where there are no workers. */
async function inExportWorker<T>(run: (worker: ExportWorkerLike) => { blob: Promise<T>; fail(error: Error): void }): Promise<T | null> {
  if (typeof Worker === "undefined") return null;
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL("./export.worker.ts", import.meta.url), { type: "module", name: "transcript-export" });
    const exporting = run(worker as unknown as ExportWorkerLike);
    worker.addEventListener("error", () => exporting.fail(new Error("the export worker failed")));
    return await exporting.blob;
  } finally {
    worker?.terminate();
  }
}

/** A worker that cannot start or run (a browser policy, memory): the same file, on this thread, only slower. */
function warnFallback(error: unknown): null {
  console.warn(`${EXPORT_WORKER_FAILED} (${error instanceof Error ? error.message : String(error)})`);
  return null;
}

/** As exportJson's Blob, working in slices of SLICE_MS between which the page answers input. */
async function blobInSlices(chunks: Iterable<string>, type: string): Promise<Blob> {
  const builder = new BlobBuilder();
  let sliceStart = performance.now();
  for (const chunk of chunks) {
    builder.add(chunk);
    if (performance.now() - sliceStart < SLICE_MS) continue;
    await nextTask();
    sliceStart = performance.now();
  }
  return builder.finish(type);
}
