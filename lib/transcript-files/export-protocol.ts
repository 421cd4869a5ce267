import { anonymizeCaptures } from "./anonymize";
import { BlobBuilder, JSON_TAIL, JSON_TYPE, entryLines, exportAccountsJson, exportJson, exportStreamFiles, jsonHead, mayRevealAny } from "./export";
import type { TranscriptMeta } from "./format";
import type { TranscriptEntry } from "../xmpp/entry";

/**
 * The JSON export split between the page and a worker. The page's part is the one only it
 * can do cheaply, since it holds the entries: each chunk's JSON.stringify. The worker takes
 * the text from there (the redactor's gate over each line, the line breaks, UTF-8 and the
 * Blob): the same functions as exportJson, so the same document. No DOM and no worker
 * globals here: the tests drive both ends over a MessageChannel.
 */

type Secrets = ReadonlyMap<number, string>;

/** What a capture export writes: the JSON of one capture or of several accounts, or one stream file. */
export type CaptureChoice = "json" | "accounts" | "client" | "server";

/** A capture's meta; an account's (several in one export) has its pane's id. */
export type CaptureMeta = TranscriptMeta & { id?: string };

export type ToExportWorker =
  /** A new document: its head (jsonHead), and the credentials the person revealed, if any. */
  | { type: "start"; head: string; secrets: Secrets | null }
  /**
   * A new document of one capture, or of several accounts' (`metas` and `secrets`, one each),
   * anonymized (anonymize.ts) or not: the worker holds every entry, since the accounts' timeline
   * and the anonymizer read them all before writing the first. Anonymized, credentials stay
   * masked whatever was revealed.
   */
  | { type: "start-captures"; choice: CaptureChoice; metas: CaptureMeta[]; secrets: (Secrets | null)[]; anonymize: boolean; exportedAt: number }
  /** The next chunk of entries as held, as one JSON array (of capture `capture`, when there are several). */
  | { type: "entries"; json: string; capture?: number }
  | { type: "finish" };

export type FromExportWorker =
  /** One `entries` message is done with: the page keeps only a few in flight. */
  | { type: "took" }
  /** The document; a capture export also says its captures' metas as written (anonymized, for the file's name). */
  | { type: "done"; blob: Blob; metas?: CaptureMeta[] }
  | { type: "failed"; message: string };

/** The worker's end, as a worker's global scope and a MessagePort have it. */
export interface ExportEndpoint {
  postMessage(message: FromExportWorker): void;
  onmessage: ((event: MessageEvent<ToExportWorker>) => void) | null;
}

/** The page's end of a worker (or of a MessagePort, in tests). */
export interface ExportWorkerLike {
  postMessage(message: ToExportWorker): void;
  onmessage: ((event: MessageEvent<FromExportWorker>) => void) | null;
}

/** Builds each document `endpoint` is sent, one at a time. */
export function serveJsonExport(endpoint: ExportEndpoint): void {
  let document: { builder: BlobBuilder; secrets: Secrets | undefined; first: boolean } | null = null;
  let captures: { start: Extract<ToExportWorker, { type: "start-captures" }>; entries: TranscriptEntry[][] } | null = null;
  endpoint.onmessage = ({ data }) => {
    try {
      if (data.type === "start") {
        captures = null;
        document = { builder: new BlobBuilder(), secrets: data.secrets ?? undefined, first: true };
        document.builder.add(data.head);
        return;
      }
      if (data.type === "start-captures") {
        document = null;
        captures = { start: data, entries: data.metas.map(() => []) };
        return;
      }
      if (captures !== null) {
        if (data.type === "entries") {
          const held = captures.entries[data.capture ?? 0];
          if (held === undefined) throw new Error(`an export has no capture ${data.capture}`);
          for (const entry of JSON.parse(data.json) as TranscriptEntry[]) held.push(entry);
          endpoint.postMessage({ type: "took" });
          return;
        }
        const { start, entries } = captures;
        captures = null;
        const held = start.metas.map((meta, index) => ({ meta, entries: entries[index]!, secrets: start.secrets[index] ?? undefined }));
        const { blob, metas } = captureDocument(start.choice, held, { anonymize: start.anonymize, exportedAt: new Date(start.exportedAt) });
        sendWhenBuilt(endpoint, { type: "done", blob, metas });
        return;
      }
      if (document === null) throw new Error(`an export's ${data.type} came before its start`);
      if (data.type === "entries") {
        const { secrets } = document;
        document.builder.add((document.first ? "\n" : ",\n") + entryLines(data.json, () => secrets, mayRevealAny(secrets)));
        document.first = false;
        endpoint.postMessage({ type: "took" });
        return;
      }
      document.builder.add(JSON_TAIL);
      const blob = document.builder.finish(JSON_TYPE);
      document = null;
      sendWhenBuilt(endpoint, { type: "done", blob });
    } catch (error) {
      document = null;
      captures = null;
      endpoint.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  };
}

/**
 * Sends the document once its Blob can be read. Chromium builds a Blob's bytes in its browser
 * process after `new Blob` returns; a URL made of it before that is done (createObjectURL, on
 * the page) waits for it on the page's thread: 192 ms of a 207 ms task at a million entries.
 * Reading its last byte waits for the same here, in the worker.
 */
function sendWhenBuilt(endpoint: ExportEndpoint, done: Extract<FromExportWorker, { type: "done" }>): void {
  done.blob
    .slice(-1)
    .arrayBuffer()
    .then(
      () => endpoint.postMessage(done),
      (error: unknown) => endpoint.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
}

/** A capture to export: its meta, its entries, and its credentials while the person has revealed them. */
export interface ExportCapture {
  meta: CaptureMeta;
  entries: readonly TranscriptEntry[];
  secrets?: Secrets | undefined;
}

/**
 * The document of `captures` as the export menu makes it wherever it runs (the worker, or the
 * page without one): anonymized by the one anonymizer over all of them (credentials masked
 * whatever was revealed), then the chosen file. Also says the metas as written.
 */
export function captureDocument(choice: CaptureChoice, captures: readonly ExportCapture[], { anonymize, exportedAt }: { anonymize: boolean; exportedAt: Date }): { blob: Blob; metas: CaptureMeta[] } {
  const written: readonly ExportCapture[] = anonymize ? anonymizeCaptures(captures).map(({ meta, entries }) => ({ meta, entries })) : captures;
  const metas = written.map((capture) => capture.meta);
  if (choice === "accounts") {
    const accounts = written.map(({ meta, entries, secrets }) => {
      if (meta.id === undefined) throw new Error("an account's capture needs its id");
      return { meta: { ...meta, id: meta.id }, entries, secrets };
    });
    return { blob: exportAccountsJson(accounts, anonymize ? { anonymized: true } : {}, exportedAt), metas };
  }
  const only = written[0];
  if (only === undefined) throw new Error("an export needs a capture");
  const blob = choice === "json" ? exportJson(only.entries, only.meta, only.secrets, exportedAt) : exportStreamFiles(only.entries, only.secrets)[choice];
  return { blob, metas };
}

/**
 * How long the page's thread stringifies before it lets input and rendering in: with the
 * last chunk's own time on top, a slice stays under the 50 ms of a long task.
 */
export const SLICE_MS = 25;

/**
 * The text of one message, about: V8 puts a string over about 128 KB straight into the old
 * generation, and a million entries' worth of those made the page's major GCs; smaller ones
 * die young. How many entries make it follows the entries' size so far.
 */
const CHARS_PER_MESSAGE = 64 * 1024;
const ENTRIES_PER_MESSAGE = { first: 64, min: 8, max: 1024 };

/** Messages sent and not yet taken (a few MB): a slow worker holds the page back rather than queueing the whole file's text. */
export const IN_FLIGHT = 64;

/** The next macrotask, unclamped: a chain of setTimeout(0) waits at least 4 ms from its fifth link (HTML timers). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * exportJson's document, built by `worker`: the page stringifies the entries, a few hundred
 * at a time (CHARS_PER_MESSAGE), in slices of SLICE_MS between which it answers input.
 * Entries appended meanwhile (a live session) are left out: the file holds those there were
 * when it started. Rejects if the worker fails (`fail` lets the caller report a worker that died).
 */
export function exportJsonThrough(
  worker: ExportWorkerLike,
  entries: readonly TranscriptEntry[],
  meta: TranscriptMeta,
  secrets?: Secrets,
  exportedAt: Date = new Date(),
): { blob: Promise<Blob>; fail(error: Error): void } {
  const start: ToExportWorker = { type: "start", head: jsonHead(meta, exportedAt), secrets: secrets !== undefined && secrets.size > 0 ? secrets : null };
  const exporting = throughWorker(worker, start, [entries.slice()]);
  return { blob: exporting.done.then(({ blob }) => blob), fail: exporting.fail };
}

/**
 * captureDocument, built by `worker` from the captures' entries, sent as exportJsonThrough
 * sends them: the anonymizer's two passes (a saxes walk or more an entry each) and the
 * accounts' timeline no longer hold up the page. Resolves with the metas as written too.
 */
export function exportCapturesThrough(
  worker: ExportWorkerLike,
  choice: CaptureChoice,
  captures: readonly ExportCapture[],
  { anonymize, exportedAt = new Date() }: { anonymize: boolean; exportedAt?: Date },
): { done: Promise<{ blob: Blob; metas: CaptureMeta[] }>; fail(error: Error): void } {
  const start: ToExportWorker = {
    type: "start-captures",
    choice,
    metas: captures.map((capture) => capture.meta),
    secrets: captures.map((capture) => (!anonymize && capture.secrets !== undefined && capture.secrets.size > 0 ? capture.secrets : null)),
    anonymize,
    exportedAt: exportedAt.getTime(),
  };
  const exporting = throughWorker(worker, start, captures.map((capture) => capture.entries.slice()));
  return { done: exporting.done.then(({ blob, metas }) => ({ blob, metas: metas ?? [] })), fail: exporting.fail };
}

/** Sends `start`, then each capture's entries in slices (several captures tagged by index), then `finish`. */
function throughWorker(worker: ExportWorkerLike, start: ToExportWorker, held: readonly (readonly TranscriptEntry[])[]): { done: Promise<{ blob: Blob; metas?: CaptureMeta[] }>; fail(error: Error): void } {
  let inFlight = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let settle: { resolve(done: { blob: Blob; metas?: CaptureMeta[] }): void; reject(error: Error): void };
  const finished = new Promise<{ blob: Blob; metas?: CaptureMeta[] }>((resolve, reject) => (settle = { resolve, reject }));
  const fail = (error: Error) => {
    failure ??= error;
    settle.reject(failure);
    wake?.();
  };
  worker.onmessage = ({ data }) => {
    if (data.type === "took") {
      inFlight--;
      wake?.();
      wake = null;
    } else if (data.type === "done") settle.resolve(data.metas === undefined ? { blob: data.blob } : { blob: data.blob, metas: data.metas });
    else fail(new Error(data.message));
  };

  const send = async () => {
    worker.postMessage(start);
    // The task that started the export has copied the entries and made the worker (34 ms at a
    // million entries): the first slice gets a task of its own.
    await nextTask();
    let sliceStart = performance.now();
    let count = ENTRIES_PER_MESSAGE.first;
    for (const [capture, entries] of held.entries()) {
      for (let first = 0; first < entries.length && failure === null; ) {
        const json = JSON.stringify(entries.slice(first, first + count));
        first += count;
        worker.postMessage(held.length > 1 ? { type: "entries", json, capture } : { type: "entries", json });
        inFlight++;
        count = Math.min(ENTRIES_PER_MESSAGE.max, Math.max(ENTRIES_PER_MESSAGE.min, Math.floor((CHARS_PER_MESSAGE * count) / json.length)));
        if (inFlight >= IN_FLIGHT) {
          await new Promise<void>((resolve) => (wake = resolve));
        } else if (performance.now() - sliceStart >= SLICE_MS) {
          await nextTask();
        } else continue;
        sliceStart = performance.now();
      }
    }
    if (failure === null) worker.postMessage({ type: "finish" });
  };
  void send();
  return { done: finished, fail };
}
