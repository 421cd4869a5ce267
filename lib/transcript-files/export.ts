import type { TranscriptEntry } from "../xmpp/entry";
import { mightHoldASecret, redactXml } from "../xmpp/redaction";
import { STREAM_FILE_CLOSE, StreamSectionWriter, streamFileOpen } from "./stream-file";
import { TRANSCRIPT_FORMAT, TRANSCRIPT_VERSION, TRANSCRIPT_VERSION_ACCOUNTS, revealedRaw, type AccountMeta, type ExportedEntry, type TranscriptMeta } from "./format";

/**
 * Transcript exports, built chunk by chunk into a Blob rather than as one string: a
 * million entries make hundreds of megabytes, near V8's string limit, and repeated `+=`
 * would copy them over and over. Each chunk (a few thousand entries) is encoded to UTF-8
 * as soon as it is made, so its string can be collected while the next one is built; the
 * bytes become a Blob every few tens of megabytes, and the final Blob only references
 * those. In Chromium every `new Blob` is registered with the browser process: one per
 * chunk of 4096 entries (242 for a million) took 46 % of the page's export in a CPU
 * profile, more than all the JSON (big-log case, issue 17).
 *
 * Credentials stay masked unless the caller passes `secrets` (seq to unmasked raw), which
 * it should only do when the person revealed them in the page. Every other entry passes
 * the one redactor again on its way out: an entry imported from an older file, made
 * before a form of credential was known, must not carry it into a new one.
 */

type Secrets = ReadonlyMap<number, string>;

const ENTRIES_PER_CHUNK = 4096;
export const JSON_TYPE = "application/json";
const XML_TYPE = "application/xml";

/** The entry as the file records it: unmasked, and saying so, only if revealed; masked otherwise. */
export function entryForExport(entry: TranscriptEntry, secrets?: Secrets): ExportedEntry {
  const secret = revealedRaw(entry, secrets);
  if (secret !== undefined) return { ...entry, raw: secret, redacted: false, revealedOnExport: true };
  const raw = redactXml(entry.raw);
  return raw === entry.raw ? entry : { ...entry, raw, redacted: true };
}

function metaForExport(meta: TranscriptMeta): TranscriptMeta {
  const copy: TranscriptMeta = {};
  if (meta.jid !== undefined) copy.jid = meta.jid;
  if (meta.target !== undefined) copy.target = meta.target;
  if (meta.mode !== undefined) copy.mode = meta.mode;
  if (meta.anonymized === true) copy.anonymized = true;
  return copy;
}

// Only matches between entries: inside a JSON string every `"` is written `\"`, so `{"seq":` cannot occur there.
const ENTRY_BOUNDARY = '},{"seq":';
const ENTRY_BOUNDARY_ON_NEW_LINE = '},\n{"seq":';
const REDACTED_FLAG = '"redacted":true';

type SecretsOf = (entry: ExportedEntry) => Secrets | undefined;

/** The document's text before its first entry. */
export function jsonHead(meta: TranscriptMeta, exportedAt: Date, accounts?: readonly AccountMeta[]): string {
  const header = {
    format: TRANSCRIPT_FORMAT,
    version: accounts === undefined ? TRANSCRIPT_VERSION : TRANSCRIPT_VERSION_ACCOUNTS,
    exportedAt: exportedAt.toISOString(),
    meta: metaForExport(meta),
    ...(accounts === undefined ? {} : { accounts: accounts.map((account) => ({ id: account.id, ...metaForExport(account) })) }),
  };
  // The header object without its closing brace, then the entries array by hand.
  return JSON.stringify(header).slice(0, -1) + ',"entries":[';
}

export const JSON_TAIL = "\n]}\n";

/**
 * The file's lines for a chunk of entries, given as the JSON array of the entries as they
 * are held: each entry as entryForExport makes it, one per line, joined by ",\n". Most lines
 * are the held entry's JSON as it is: a line on which the redactor's own gate finds no word
 * (and no `"redacted":true` when credentials may be revealed) is an entry the redactor leaves
 * alone. Only the other lines are parsed and passed through entryForExport, so the one
 * redactor still decides. Stringifying the held entries is all the page's thread does for an
 * export; this part can run in a worker, on the text.
 */
export function entryLines(json: string, secretsOf: SecretsOf = () => undefined, mayReveal = false): string {
  const inner = json.slice(1, -1);
  const suspect = (text: string) => mightHoldASecret(text) || (mayReveal && text.includes(REDACTED_FLAG));
  if (!suspect(inner)) return inner.replaceAll(ENTRY_BOUNDARY, ENTRY_BOUNDARY_ON_NEW_LINE);
  const parts = inner.split(ENTRY_BOUNDARY);
  const lines = new Array<string>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const line = (i === 0 ? "" : '{"seq":') + parts[i]! + (i === parts.length - 1 ? "" : "}");
    lines[i] = line;
    if (!suspect(line)) continue;
    let entry: ExportedEntry;
    try {
      entry = JSON.parse(line) as ExportedEntry;
    } catch {
      // Not one entry a line (an entry whose first key is not seq): the whole chunk, parsed.
      return wholeChunkLines(json, secretsOf);
    }
    const exported = entryForExport(entry, secretsOf(entry));
    if (exported !== entry) lines[i] = JSON.stringify(exported);
  }
  return lines.join(",\n");
}

function wholeChunkLines(json: string, secretsOf: SecretsOf): string {
  const chunk = (JSON.parse(json) as ExportedEntry[]).map((entry) => entryForExport(entry, secretsOf(entry)));
  return JSON.stringify(chunk).slice(1, -1).replaceAll(ENTRY_BOUNDARY, ENTRY_BOUNDARY_ON_NEW_LINE);
}

/** Whether `secrets` can unmask anything: only then are `"redacted":true` lines looked at. */
export function mayRevealAny(secrets: Secrets | SecretsOf | undefined): boolean {
  return typeof secrets === "function" || (secrets !== undefined && secrets.size > 0);
}

/**
 * The JSON document, chunk by chunk; joined, they are the whole file, one entry per line
 * for grep and diff. A chunk of entries is stringified in one native call, which is
 * about twice as fast at a million entries as one call per entry.
 */
export function* transcriptJsonChunks(
  entries: readonly ExportedEntry[],
  meta: TranscriptMeta,
  secrets?: Secrets | SecretsOf,
  exportedAt: Date = new Date(),
  accounts?: readonly AccountMeta[],
): Generator<string> {
  const secretsOf = typeof secrets === "function" ? secrets : () => secrets;
  const mayReveal = mayRevealAny(secrets);
  yield jsonHead(meta, exportedAt, accounts);
  for (let start = 0; start < entries.length; start += ENTRIES_PER_CHUNK) {
    yield (start === 0 ? "\n" : ",\n") + entryLines(JSON.stringify(entries.slice(start, start + ENTRIES_PER_CHUNK)), secretsOf, mayReveal);
  }
  yield JSON_TAIL;
}

export function exportJson(entries: readonly TranscriptEntry[], meta: TranscriptMeta, secrets?: Secrets, exportedAt?: Date): Blob {
  return blobOf(transcriptJsonChunks(entries, meta, secrets, exportedAt), JSON_TYPE);
}

/** One account's part of a capture of several. */
export interface AccountCapture {
  meta: AccountMeta;
  entries: readonly TranscriptEntry[];
  secrets?: Secrets | undefined;
}

/**
 * Several accounts as one timeline: entries merged by wall-clock time (both sessions run on
 * one bridge, so one clock), the earlier account first on a tie, each tagged with its account.
 * `at` stays relative to its own session's start.
 */
export function mergeAccounts(accounts: readonly AccountCapture[]): ExportedEntry[] {
  const merged: ExportedEntry[] = [];
  const next = accounts.map(() => 0);
  for (;;) {
    let pick = -1;
    accounts.forEach((account, index) => {
      const candidate = account.entries[next[index]!];
      if (candidate === undefined) return;
      const best = pick < 0 ? undefined : accounts[pick]!.entries[next[pick]!];
      if (best === undefined || candidate.wall < best.wall) pick = index;
    });
    if (pick < 0) return merged;
    const account = accounts[pick]!;
    merged.push({ ...account.entries[next[pick]!]!, account: account.meta.id });
    next[pick]!++;
  }
}

export function exportAccountsJson(accounts: readonly AccountCapture[], meta: TranscriptMeta = {}, exportedAt?: Date): Blob {
  const secrets = new Map(accounts.map((account) => [account.meta.id, account.secrets]));
  return blobOf(
    transcriptJsonChunks(mergeAccounts(accounts), meta, (entry) => (entry.account === undefined ? undefined : secrets.get(entry.account)), exportedAt, accounts.map((account) => account.meta)),
    JSON_TYPE,
  );
}

/**
 * One direction's stream file (stream-file.ts), chunk by chunk: the client stream is every
 * `out` entry, the server stream every `in` entry, exactly as they crossed the wire (events
 * are not wire text, so they are left out), a new `<stream>` section at each stream header.
 */
export function* streamFileChunks(entries: readonly TranscriptEntry[], dir: "out" | "in", secrets?: Secrets): Generator<string> {
  const writer = new StreamSectionWriter();
  let texts: string[] = [streamFileOpen(dir === "out" ? "client-to-server" : "server-to-client")];
  for (const entry of entries) {
    if (entry.dir !== dir) continue;
    if (entry.kind === "stream-open") texts.push(writer.begin());
    texts.push(writer.write(entryForExport(entry, secrets).raw));
    if (texts.length >= ENTRIES_PER_CHUNK) {
      yield texts.join("");
      texts = [];
    }
  }
  texts.push(writer.end(), STREAM_FILE_CLOSE);
  yield texts.join("");
}

export function exportStreamFiles(entries: readonly TranscriptEntry[], secrets?: Secrets): { client: Blob; server: Blob } {
  return {
    client: blobOf(streamFileChunks(entries, "out", secrets), XML_TYPE),
    server: blobOf(streamFileChunks(entries, "in", secrets), XML_TYPE),
  };
}

/** Bytes gathered before they become one Blob: a few registrations for a million entries, and a bounded copy each. */
const BYTES_PER_BLOB = 32 * 1024 * 1024;

/**
 * Gathers chunks, encoded to UTF-8, into Blobs of BYTES_PER_BLOB, and those into the
 * document's Blob. Each chunk is encoded straight into one buffer, reused for every Blob
 * (a Blob copies what it is made of): in Chromium, TextEncoder.encode's new array per
 * chunk cost about twice encodeInto's time (issue 17).
 */
export class BlobBuilder {
  private readonly encoder = new TextEncoder();
  private readonly blobs: Blob[] = [];
  private readonly buffer: Uint8Array<ArrayBuffer>;
  private filled = 0;

  constructor(bytesPerBlob = BYTES_PER_BLOB) {
    // Room for one UTF-8 sequence (4 bytes) at least, or encodeInto could never write.
    this.buffer = new Uint8Array(Math.max(4, bytesPerBlob));
  }

  add(chunk: string): void {
    let rest = chunk;
    for (;;) {
      const { read, written } = this.encoder.encodeInto(rest, this.buffer.subarray(this.filled));
      this.filled += written;
      if (read === rest.length) return;
      // Full: encodeInto stops before a character that does not fit, never inside a surrogate pair.
      this.flush();
      rest = rest.slice(read);
    }
  }

  finish(type: string): Blob {
    this.flush();
    return new Blob(this.blobs, { type });
  }

  private flush(): void {
    if (this.filled === 0) return;
    this.blobs.push(new Blob([this.buffer.subarray(0, this.filled)]));
    this.filled = 0;
  }
}

function blobOf(chunks: Iterable<string>, type: string): Blob {
  const builder = new BlobBuilder();
  for (const chunk of chunks) builder.add(chunk);
  return builder.finish(type);
}

/** File names that sort by time and say whose stream it is: `xmpp-alice@localhost-20250101-120000-client.xml`. */
export function exportFileNames(meta: TranscriptMeta, exportedAt: Date): { json: string; client: string; server: string } {
  const who = (meta.jid?.split("/")[0] ?? "transcript").replace(/[^A-Za-z0-9._@-]+/g, "_").slice(0, 64) || "transcript";
  const stamp = exportedAt.toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
  const base = `xmpp-${who}-${stamp}`;
  return { json: `${base}.json`, client: `${base}-client.xml`, server: `${base}-server.xml` };
}
