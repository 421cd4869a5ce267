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
  /** Most recently updated first. */
  listSessions(): Promise<StoredSessionSummary[]>;
  deleteSession(sessionKey: string): Promise<void>;
}

/** Big batches (a whole transcript resent after a reload) are split so no record is huge. */
const ENTRIES_PER_CHUNK = 5_000;

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
    const tx = db.transaction(["sessions", "chunks"], "readonly");
    const [session, chunks] = await Promise.all([tx.objectStore("sessions").get(sessionKey), tx.objectStore("chunks").getAll(sessionChunkRange(sessionKey))]);
    await tx.done;
    if (session === undefined) return null;
    return { session: summary(session), entries: chunks.flatMap((chunk) => chunk.entries) };
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

  return { saveEntries, loadEntries, listSessions, deleteSession };
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
