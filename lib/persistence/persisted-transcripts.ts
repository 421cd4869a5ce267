import type { IDBPDatabase } from "idb";
import type { TranscriptEntry } from "../xmpp/entry";
import type { TranscriptMeta } from "../transcript-files/format";
import { sessionChunkRange, type PlaygroundSchema, type StoredSession } from "./schema";
import { approximateBytes, storageFullMessage, type StorageBudget } from "./storage-budget";

/**
 * Transcripts kept in this browser, by session. Entries are stored exactly as the page
 * received them, so credentials stay masked; revealed secrets live only in page memory
 * and are never passed here.
 */

export type SaveResult =
  | { ok: true; stored: number; totalEntries: number }
  /** The bound was reached: nothing more of this session is stored. Show `message`. */
  | { ok: false; reason: "full"; stored: number; totalEntries: number; message: string }
  | { ok: false; reason: "error"; message: string };

export type StoredSessionSummary = Omit<StoredSession, "approxBytes">;

export interface LoadedSession {
  session: StoredSessionSummary;
  entries: TranscriptEntry[];
}

export interface PersistedTranscripts {
  /** Appends the entries this store has not seen yet (seq above the last stored), in one transaction. */
  saveEntries(sessionKey: string, entries: readonly TranscriptEntry[], meta?: TranscriptMeta): Promise<SaveResult>;
  loadEntries(sessionKey: string): Promise<LoadedSession | null>;
  /**
   * The session's stored entries in seq order, a slice of about ENTRIES_PER_READ at a time,
   * each read in its own short transaction: a page restoring a big transcript takes it in
   * tasks it can paint between, where one read of every chunk was one task of seconds (the
   * browser turns a request's whole result into objects at once). Nothing when the session
   * is not stored.
   */
  readEntries(sessionKey: string): AsyncGenerator<TranscriptEntry[], void>;
  /** Most recently updated first. */
  listSessions(): Promise<StoredSessionSummary[]>;
  deleteSession(sessionKey: string): Promise<void>;
}

/** Big batches (a whole transcript resent after a reload) are split so no record is huge. */
const ENTRIES_PER_CHUNK = 5_000;
/**
 * About how many entries one read of `readEntries` brings: a few milliseconds of the
 * browser's structured-clone reading and of the page's append, in one task.
 */
export const ENTRIES_PER_READ = 2_000;

export function createPersistedTranscripts({ db, budget, now }: { db: IDBPDatabase<PlaygroundSchema>; budget: StorageBudget; now: () => number }): PersistedTranscripts {
  async function saveEntries(sessionKey: string, entries: readonly TranscriptEntry[], meta?: TranscriptMeta): Promise<SaveResult> {
    // Before the transaction: awaiting anything but its own requests would let it commit early.
    await budget.refresh();
    try {
      const tx = db.transaction(["sessions", "chunks"], "readwrite");
      const sessions = tx.objectStore("sessions");
      const all = await sessions.getAll();
      const totalEntries = all.reduce((sum, session) => sum + session.entryCount, 0);
      const storedBytes = all.reduce((sum, session) => sum + session.approxBytes, 0);
      const session = all.find((candidate) => candidate.sessionKey === sessionKey) ?? newSession(sessionKey, now());
      if (meta !== undefined) session.meta = mergeMeta(session.meta, meta);

      if (session.full) {
        await tx.done;
        return full(0, totalEntries);
      }
      const fresh = entries.filter((entry) => entry.seq > session.lastSeq);
      const { count, bytes } = fitting(fresh, budget.entriesLeft(totalEntries), budget.bytesLeft(storedBytes));
      const kept = fresh.slice(0, count);
      const chunks = tx.objectStore("chunks");
      const writes: Promise<unknown>[] = [];
      for (let start = 0; start < kept.length; start += ENTRIES_PER_CHUNK) {
        const part = kept.slice(start, start + ENTRIES_PER_CHUNK);
        writes.push(chunks.put({ sessionKey, firstSeq: part[0]!.seq, entries: part }));
      }
      const last = kept.at(-1);
      if (last !== undefined) session.lastSeq = last.seq;
      session.entryCount += count;
      session.approxBytes += bytes;
      session.updatedAt = now();
      session.full = count < fresh.length;
      if (count > 0 || meta !== undefined || session.full) writes.push(sessions.put(session));
      // Awaited together, so a failed write surfaces once, here, and never as an unhandled rejection.
      await Promise.all([...writes, tx.done]);
      budget.noteWritten(bytes);
      return session.full ? full(count, totalEntries + count) : { ok: true, stored: count, totalEntries: totalEntries + count };
    } catch (error) {
      if (error instanceof DOMException && error.name === "QuotaExceededError") {
        // The browser refused before our bound did: remember it, so the session ends cleanly.
        const totalEntries = await markFull(sessionKey, meta);
        return full(0, totalEntries);
      }
      return { ok: false, reason: "error", message: `Could not store the transcript in this browser: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  async function markFull(sessionKey: string, meta: TranscriptMeta | undefined): Promise<number> {
    try {
      const tx = db.transaction("sessions", "readwrite");
      const all = await tx.store.getAll();
      const session = all.find((candidate) => candidate.sessionKey === sessionKey) ?? newSession(sessionKey, now());
      session.full = true;
      if (meta !== undefined) session.meta = mergeMeta(session.meta, meta);
      await Promise.all([tx.store.put(session), tx.done]);
      return all.reduce((sum, candidate) => sum + candidate.entryCount, 0);
    } catch {
      return 0;
    }
  }

  async function loadEntries(sessionKey: string): Promise<LoadedSession | null> {
    const session = await db.get("sessions", sessionKey);
    if (session === undefined) return null;
    const entries: TranscriptEntry[] = [];
    for await (const slice of readEntries(sessionKey)) for (const entry of slice) entries.push(entry);
    return { session: summary(session), entries };
  }

  async function* readEntries(sessionKey: string): AsyncGenerator<TranscriptEntry[], void> {
    // A record's key holds the seq of its first entry, and seqs go up by one per entry, so the
    // records starting in [from, from + ENTRIES_PER_READ) hold at most that many entries plus
    // the rest of the last one (a record is never cut: at most ENTRIES_PER_CHUNK).
    const nextRecordFrom = async (seq: number) => (await db.getKey("chunks", IDBKeyRange.bound([sessionKey, seq], [sessionKey, Number.POSITIVE_INFINITY])))?.[1];
    let from = await nextRecordFrom(Number.NEGATIVE_INFINITY);
    while (from !== undefined) {
      const chunks = await db.getAll("chunks", IDBKeyRange.bound([sessionKey, from], [sessionKey, from + ENTRIES_PER_READ], false, true));
      if (chunks.length === 0) {
        // Seqs this store does not have (storage filled up, then had room again): on from the next record.
        from = await nextRecordFrom(from);
        continue;
      }
      const slice = chunks.length === 1 ? chunks[0]!.entries : chunks.flatMap((chunk) => chunk.entries);
      yield slice;
      from = (slice.at(-1)?.seq ?? chunks.at(-1)!.firstSeq) + 1;
    }
  }

  async function listSessions(): Promise<StoredSessionSummary[]> {
    const all = await db.getAll("sessions");
    return all.map(summary).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async function deleteSession(sessionKey: string): Promise<void> {
    const tx = db.transaction(["sessions", "chunks"], "readwrite");
    await Promise.all([tx.objectStore("chunks").delete(sessionChunkRange(sessionKey)), tx.objectStore("sessions").delete(sessionKey), tx.done]);
    budget.invalidate();
  }

  return { saveEntries, loadEntries, readEntries, listSessions, deleteSession };
}

/** Later meta wins field by field; a field left undefined (no JID yet, say) keeps what was stored. */
function mergeMeta(stored: TranscriptMeta, next: TranscriptMeta): TranscriptMeta {
  const merged: TranscriptMeta = { ...stored };
  if (next.jid !== undefined) merged.jid = next.jid;
  if (next.target !== undefined) merged.target = next.target;
  if (next.mode !== undefined) merged.mode = next.mode;
  return merged;
}

/**
 * The entries with seq above `seq`, for saving only what is new after each batch. Entries
 * are in seq order, so this is a binary search, not a scan of a million-entry array.
 */
export function entriesAfter(entries: readonly TranscriptEntry[], seq: number): TranscriptEntry[] {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (entries[middle]!.seq <= seq) low = middle + 1;
    else high = middle;
  }
  return entries.slice(low);
}

function newSession(sessionKey: string, at: number): StoredSession {
  return { sessionKey, meta: {}, createdAt: at, updatedAt: at, entryCount: 0, lastSeq: 0, approxBytes: 0, full: false };
}

function summary({ approxBytes: _approxBytes, ...session }: StoredSession): StoredSessionSummary {
  return session;
}

function full(stored: number, totalEntries: number): SaveResult {
  return { ok: false, reason: "full", stored, totalEntries, message: storageFullMessage(totalEntries) };
}

/** How many of `entries`, from the front, fit in what is left. */
function fitting(entries: readonly TranscriptEntry[], entriesLeft: number, bytesLeft: number): { count: number; bytes: number } {
  const limit = Math.max(0, Math.min(entries.length, entriesLeft));
  let bytes = 0;
  let count = 0;
  for (; count < limit; count++) {
    const cost = approximateBytes(entries[count]!);
    if (bytes + cost > bytesLeft) break;
    bytes += cost;
  }
  return { count, bytes };
}
