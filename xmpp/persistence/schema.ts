import type { DBSchema } from "idb";
import type { TranscriptEntry } from "../xmpp/entry";
import type { TranscriptMeta } from "../transcript-files/format";

export const DB_NAME = "xmpp-playground";
export const DB_VERSION = 1;

/** One stored session; the counts let the bound be checked without reading any entries. */
export interface StoredSession {
  sessionKey: string;
  meta: TranscriptMeta;
  createdAt: number;
  updatedAt: number;
  entryCount: number;
  /** Highest seq stored: a resend after a reload (the bridge replays from 0) stores nothing twice. */
  lastSeq: number;
  approxBytes: number;
  /** The bound was hit during this session: later entries were not stored, so it ends there. */
  full: boolean;
}

/** Entries arrive in batches and are stored as batches: one record per write, not per entry. */
export interface StoredChunk {
  sessionKey: string;
  firstSeq: number;
  entries: TranscriptEntry[];
}

export interface StoredHistory {
  paneId: string;
  /** Oldest first. */
  texts: string[];
  updatedAt: number;
}

export interface PlaygroundSchema extends DBSchema {
  sessions: { key: string; value: StoredSession };
  chunks: { key: [string, number]; value: StoredChunk };
  history: { key: string; value: StoredHistory };
}

/** Every chunk of one session, in seq order (array keys sort element by element). */
export function sessionChunkRange(sessionKey: string): IDBKeyRange {
  return IDBKeyRange.bound([sessionKey, Number.NEGATIVE_INFINITY], [sessionKey, Number.POSITIVE_INFINITY]);
}
