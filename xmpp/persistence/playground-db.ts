import { openDB } from "idb";
import { DB_NAME, DB_VERSION, type PlaygroundSchema } from "./schema";
import { StorageBudget, browserEstimate, type EstimateStorage, type StorageLimits } from "./storage-budget";
import { createPersistedTranscripts, type PersistedTranscripts } from "./persisted-transcripts";
import { createHistoryStore, type HistoryStore } from "./history-store";

/**
 * The playground's IndexedDB database, one per browser profile and origin: transcripts
 * by session and editor history by pane. Call from an effect, never during server rendering.
 */

export interface PlaygroundDb extends PersistedTranscripts, HistoryStore {
  /** Bounds in force; `limits.maxEntries` is the N in the "storage full" message. */
  readonly limits: StorageLimits;
  close(): void;
}

export type OpenPlaygroundDbResult = { ok: true; db: PlaygroundDb } | { ok: false; message: string };

export interface OpenPlaygroundDbOptions {
  /** Another database name, for tests. */
  name?: string;
  limits?: Partial<StorageLimits>;
  /** Defaults to `navigator.storage.estimate()` where the browser has it. */
  estimate?: EstimateStorage | null;
  now?: () => number;
}

const UNAVAILABLE =
  "This browser does not let the playground store data (a private window, or storage turned off), so transcripts are kept only while this tab is open. Export them to keep them.";

export async function openPlaygroundDb(options: OpenPlaygroundDbOptions = {}): Promise<OpenPlaygroundDbResult> {
  if (typeof indexedDB === "undefined") return { ok: false, message: UNAVAILABLE };
  const now = options.now ?? (() => Date.now());
  try {
    const db = await openDB<PlaygroundSchema>(options.name ?? DB_NAME, DB_VERSION, {
      upgrade(database) {
        // Version 1 creates everything; later versions add cases keyed on oldVersion.
        database.createObjectStore("sessions", { keyPath: "sessionKey" });
        database.createObjectStore("chunks", { keyPath: ["sessionKey", "firstSeq"] });
        database.createObjectStore("history", { keyPath: "paneId" });
      },
      blocking() {
        // A newer tab wants to upgrade the schema: step aside rather than block it.
        db.close();
      },
    });
    const budget = new StorageBudget({ limits: options.limits, estimate: options.estimate === undefined ? browserEstimate() : options.estimate, now });
    // Order does not matter: both stores only share the database handle.
    return {
      ok: true,
      db: {
        ...createPersistedTranscripts({ db, budget, now }),
        ...createHistoryStore({ db, now }),
        limits: budget.limits,
        close: () => db.close(),
      },
    };
  } catch (error) {
    return { ok: false, message: `${UNAVAILABLE} (${error instanceof Error ? error.message : String(error)})` };
  }
}
