import { afterEach, describe, expect, it, vi } from "vitest";
import { anonymizeCapture, anonymizeCaptures } from "./anonymize";
import { exportAccountsJson, exportJson, exportStreamFiles } from "./export";
import { EXPORT_WORKER_FAILED, exportCaptures, exportJsonInSlices } from "./export-in-slices";
import {
  IN_FLIGHT,
  exportCapturesThrough,
  exportJsonThrough,
  serveJsonExport,
  type ExportEndpoint,
  type ExportWorkerLike,
  type FromExportWorker,
  type ToExportWorker,
} from "./export-protocol";
import { parseTranscriptFile } from "./import";
import { PLAIN_SECRET, recordSample, syntheticEntries } from "./test-fixtures";
import type { TranscriptEntry } from "../xmpp/entry";

const META = { jid: "alice@localhost/pg" };
const EXPORTED_AT = new Date("2025-03-04T05:06:07.089Z");

/** The page's end of a worker served over a MessageChannel, as the export worker serves it. */
function servedWorker(): ExportWorkerLike & { close(): void } {
  const channel = new MessageChannel();
  serveJsonExport(channel.port2 as unknown as ExportEndpoint);
  const worker = {
    postMessage: (message: ToExportWorker) => channel.port1.postMessage(message),
    onmessage: null as ExportWorkerLike["onmessage"],
    close: () => {
      channel.port1.close();
      channel.port2.close();
    },
  };
  channel.port1.onmessage = (event: MessageEvent<FromExportWorker>) => worker.onmessage?.(event);
  return worker;
}

describe("the JSON export through a worker", () => {
  it("writes exportJson's document byte for byte, credentials masked, without what was appended after it started", async () => {
    // An imported entry still carrying an unmasked password: the worker's side masks it.
    const { entries } = recordSample();
    const imported: TranscriptEntry = { seq: 1000, dir: "out", at: 1, wall: 2, raw: "<iq type='set' id='r'><query xmlns='jabber:iq:register'><password>hunter2</password></query></iq>", kind: "iq" };
    const all = [...entries, imported, ...syntheticEntries(20_000).map((entry) => ({ ...entry, seq: entry.seq + 1000 }))];
    const whole = await exportJson(all, META, undefined, EXPORTED_AT).text();
    const worker = servedWorker();
    const exporting = exportJsonThrough(worker, all, META, undefined, EXPORTED_AT);
    all.push({ ...imported, seq: 99_999 });
    const text = await (await exporting.blob).text();
    worker.close();
    expect(text).toBe(whole);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain(PLAIN_SECRET);
    const read = parseTranscriptFile(text);
    if (!read.ok) throw new Error(read.message);
    expect(read.entries).toHaveLength(all.length - 1);
  });

  it("writes revealed credentials as exportJson does", async () => {
    const { entries, secrets } = recordSample();
    const worker = servedWorker();
    const text = await (await exportJsonThrough(worker, entries, META, secrets, EXPORTED_AT).blob).text();
    worker.close();
    expect(text).toContain(PLAIN_SECRET);
    expect(text).toBe(await exportJson(entries, META, secrets, EXPORTED_AT).text());
  });

  it("keeps only a few chunks in flight until the worker takes them", async () => {
    const sent: ToExportWorker[] = [];
    const worker: ExportWorkerLike = { postMessage: (message) => sent.push(message), onmessage: null };
    exportJsonThrough(worker, syntheticEntries(200_000), META, undefined, EXPORTED_AT);
    const entriesSent = () => sent.filter((message) => message.type === "entries").length;
    await vi.waitFor(() => expect(entriesSent()).toBe(IN_FLIGHT));
    // Nothing taken: nothing more comes, however long it waits.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(entriesSent()).toBe(IN_FLIGHT);
    worker.onmessage?.({ data: { type: "took" } } as MessageEvent<FromExportWorker>);
    await vi.waitFor(() => expect(entriesSent()).toBe(IN_FLIGHT + 1));
  });

  it("rejects when the worker fails, and sends it nothing more", async () => {
    const sent: ToExportWorker[] = [];
    const worker: ExportWorkerLike = { postMessage: (message) => sent.push(message), onmessage: null };
    const exporting = exportJsonThrough(worker, syntheticEntries(200_000), META, undefined, EXPORTED_AT);
    await vi.waitFor(() => expect(sent.length).toBeGreaterThan(1));
    worker.onmessage?.({ data: { type: "failed", message: "out of memory" } } as MessageEvent<FromExportWorker>);
    await expect(exporting.blob).rejects.toThrow("out of memory");
    const count = sent.length;
    worker.onmessage?.({ data: { type: "took" } } as MessageEvent<FromExportWorker>);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent.length).toBe(count);
    expect(sent.some((message) => message.type === "finish")).toBe(false);
  });

  it("answers a chunk sent before any start with a failure, not a document", async () => {
    const channel = new MessageChannel();
    serveJsonExport(channel.port2 as unknown as ExportEndpoint);
    const answer = new Promise<FromExportWorker>((resolve) => (channel.port1.onmessage = (event: MessageEvent<FromExportWorker>) => resolve(event.data)));
    channel.port1.postMessage({ type: "entries", json: "[]" } satisfies ToExportWorker);
    expect(await answer).toMatchObject({ type: "failed" });
    channel.port1.close();
    channel.port2.close();
  });
});

describe("capture exports through the worker", () => {
  // What the export menu wrote on the page before: the anonymizer over the entries, then the file.
  it("writes the anonymized JSON and stream files the page wrote, and says the anonymized meta", async () => {
    const { entries, secrets } = recordSample();
    const all = [...entries, ...syntheticEntries(3_000).map((entry) => ({ ...entry, seq: entry.seq + 1000 }))];
    const before = anonymizeCapture(all, META);
    for (const choice of ["json", "client", "server"] as const) {
      const worker = servedWorker();
      // Revealed credentials stay masked in an anonymized file.
      const exporting = exportCapturesThrough(worker, choice, [{ meta: META, entries: all, secrets }], { anonymize: true, exportedAt: EXPORTED_AT });
      const { blob, metas } = await exporting.done;
      worker.close();
      const expected = choice === "json" ? exportJson(before.entries, before.meta, undefined, EXPORTED_AT) : exportStreamFiles(before.entries)[choice];
      const text = await blob.text();
      expect(text).toBe(await expected.text());
      expect(text).not.toContain(PLAIN_SECRET);
      expect(metas).toEqual([before.meta]);
    }
    expect(before.meta.jid).toBe("user1@domain1.example/res1");
  });

  it("writes two accounts' anonymized timeline with one set of placeholders, and nothing appended after it started", async () => {
    const alice = recordSample().entries;
    const bob = syntheticEntries(500);
    const accounts = [
      { meta: { id: "a", jid: "alice@localhost/pg" }, entries: alice },
      { meta: { id: "b", jid: "bob@localhost/x" }, entries: bob },
    ];
    const anonymous = anonymizeCaptures(accounts);
    const expected = await exportAccountsJson(anonymous, { anonymized: true }, EXPORTED_AT).text();
    const worker = servedWorker();
    const exporting = exportCapturesThrough(worker, "accounts", accounts, { anonymize: true, exportedAt: EXPORTED_AT });
    bob.push({ ...bob[0]!, seq: 99_999, raw: "<message><body>late</body></message>" });
    const { blob, metas } = await exporting.done;
    worker.close();
    const text = await blob.text();
    expect(text).toBe(expected);
    expect(text).not.toContain("alice@localhost");
    expect(metas.map((meta) => meta.id)).toEqual(["a", "b"]);
  });

  it("writes two accounts' timeline and one capture's stream files as the page did, revealed credentials included", async () => {
    const { entries, secrets } = recordSample();
    const accounts = [
      { meta: { id: "a", jid: "alice@localhost/pg" }, entries, secrets },
      { meta: { id: "b", jid: "bob@localhost/x" }, entries: syntheticEntries(300) },
    ];
    const worker = servedWorker();
    const both = await exportCapturesThrough(worker, "accounts", accounts, { anonymize: false, exportedAt: EXPORTED_AT }).done;
    expect(await both.blob.text()).toBe(await exportAccountsJson(accounts, {}, EXPORTED_AT).text());
    expect(await both.blob.text()).toContain(PLAIN_SECRET);
    expect(both.metas).toEqual(accounts.map((account) => account.meta));
    for (const choice of ["client", "server"] as const) {
      const file = await exportCapturesThrough(worker, choice, [{ meta: META, entries, secrets }], { anonymize: false, exportedAt: EXPORTED_AT }).done;
      expect(await file.blob.text()).toBe(await exportStreamFiles(entries, secrets)[choice].text());
    }
    worker.close();
  });

  it("writes the same anonymized file on the page's thread where there is no worker", async () => {
    const { entries } = recordSample();
    const before = anonymizeCapture(entries, META);
    const { blob, metas } = await exportCaptures("json", [{ meta: META, entries }], { anonymize: true, exportedAt: EXPORTED_AT });
    expect(typeof Worker).toBe("undefined");
    expect(await blob.text()).toBe(await exportJson(before.entries, before.meta, undefined, EXPORTED_AT).text());
    expect(metas).toEqual([before.meta]);
  });
});

describe("exportJsonInSlices", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("writes the same document on the page's thread when the browser refuses the worker outright", async () => {
    vi.stubGlobal(
      "Worker",
      class {
        constructor() {
          throw new DOMException("blocked by the page's policy", "SecurityError");
        }
      },
    );
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { entries } = recordSample();
    const text = await (await exportJsonInSlices(entries, META, undefined, EXPORTED_AT)).text();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("blocked by the page's policy"));
    expect(text).toBe(await exportJson(entries, META, undefined, EXPORTED_AT).text());
  });

  it("writes the same document on the page's thread when the worker fails to start", async () => {
    const started: string[] = [];
    class BrokenWorker extends EventTarget {
      onmessage: unknown = null;
      constructor(_url: URL, options: { name: string }) {
        super();
        started.push(options.name);
        setTimeout(() => this.dispatchEvent(new Event("error")), 0);
      }
      postMessage(): void {}
      terminate(): void {}
    }
    vi.stubGlobal("Worker", BrokenWorker);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { entries, secrets } = recordSample();
    const text = await (await exportJsonInSlices(entries, META, secrets, EXPORTED_AT)).text();
    expect(started).toEqual(["transcript-export"]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(EXPORT_WORKER_FAILED));
    expect(text).toBe(await exportJson(entries, META, secrets, EXPORTED_AT).text());
  });
});
