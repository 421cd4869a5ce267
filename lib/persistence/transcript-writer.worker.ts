import { BatchWriter, type WriterReport, type WriterRequest } from "./batch-writer";
import { openPlaygroundDb } from "./playground-db";

/**
 * The transcript writer's thread (batch-writer.ts): the page posts each `entries` message's
 * text as it arrives and hears back what is stored. Opened on the first batch, never before.
 */
const scope = self as unknown as {
  postMessage(report: WriterReport): void;
  addEventListener(type: "message", listener: (event: MessageEvent<WriterRequest>) => void): void;
};

let opening: ReturnType<typeof openPlaygroundDb> | null = null;
const writer = new BatchWriter(
  () => (opening ??= openPlaygroundDb()),
  (report) => scope.postMessage(report),
);
scope.addEventListener("message", (event) => writer.handle(event.data));
