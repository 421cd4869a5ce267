import { BlobBuilder, JSON_TYPE, transcriptJsonChunks } from "./export";
import { SLICE_MS, exportJsonThrough, nextTask, type ExportWorkerLike } from "./export-protocol";
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
  if (typeof Worker !== "undefined") {
    let worker: Worker | null = null;
    try {
      worker = new Worker(new URL("./export.worker.ts", import.meta.url), { type: "module", name: "transcript-export" });
      const exporting = exportJsonThrough(worker as unknown as ExportWorkerLike, held, meta, secrets, exportedAt);
      worker.addEventListener("error", () => exporting.fail(new Error("the export worker failed")));
      return await exporting.blob;
    } catch (error) {
      // A worker that cannot start or run (a browser policy, memory): the same file, on this thread, only slower.
      console.warn(`${EXPORT_WORKER_FAILED} (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      worker?.terminate();
    }
  }
  return blobInSlices(transcriptJsonChunks(held, meta, secrets, exportedAt), JSON_TYPE);
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
