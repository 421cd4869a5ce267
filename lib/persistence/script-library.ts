import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { SessionState } from "../bridge/protocol";
import type { RunReport } from "../scripts/report";
import type { StepVerdict } from "../scripts/run";
import type { TranscriptEntry } from "../xmpp/entry";

/**
 * The scripts a person keeps in this browser (issue 14): a database of its own beside the
 * transcripts' (schema.ts), so neither schema's upgrades wait on the other's.
 */

export const SCRIPT_DB_NAME = "xmpp-playground-scripts";
// 2: runs, so a reload keeps each run's transcript and verdicts.
const SCRIPT_DB_VERSION = 2;

export interface KeptScript {
  id: string;
  /** The script's `name:` when it parses, else what the person called the file. */
  title: string;
  /** The file as written (YAML, the format the command line reads). */
  text: string;
  updatedAt: number;
}

/**
 * A run of a script in the page as it stood when last saved: each account's transcript (as the
 * page received it, secrets already masked by the bridge), the verdicts so far and, once it
 * finished, its report. A reload shows it again instead of losing it.
 */
export interface KeptRun {
  /** When the run began (epoch ms); the newest run has the largest. */
  id: number;
  text: string;
  target: string | null;
  /** "done" once it ended by itself; anything else means the page went away during the run. */
  phase: "opening" | "running" | "paused" | "done";
  message: string | null;
  accounts: { name: string; jid: string | null; state: SessionState; entries: TranscriptEntry[] }[];
  verdicts: (StepVerdict | null)[];
  /** Set when every step ran: what the command line would have written, and its label in the page. */
  finished?: { id: number; label: string; report: RunReport };
}

/** Runs kept: as many as the page offers to compare. */
export const KEPT_RUNS = 8;

interface ScriptSchema extends DBSchema {
  scripts: { key: string; value: KeptScript };
  runs: { key: number; value: KeptRun };
}

export interface ScriptLibrary {
  list(): Promise<KeptScript[]>;
  get(id: string): Promise<KeptScript | undefined>;
  put(script: KeptScript): Promise<void>;
  remove(id: string): Promise<void>;
  /** Oldest first; at most KEPT_RUNS. */
  runs(): Promise<KeptRun[]>;
  /** Saves a run (replacing it by id) and drops the oldest past KEPT_RUNS. */
  keepRun(run: KeptRun): Promise<void>;
  close(): void;
}

export type OpenScriptLibraryResult = { ok: true; library: ScriptLibrary } | { ok: false; message: string };

const UNAVAILABLE = "This browser does not let the playground store data (a private window, or storage turned off): scripts stay only while this tab is open. Export them to keep them.";

export async function openScriptLibrary(name = SCRIPT_DB_NAME): Promise<OpenScriptLibraryResult> {
  if (typeof indexedDB === "undefined") return { ok: false, message: UNAVAILABLE };
  let db: IDBPDatabase<ScriptSchema>;
  try {
    db = await openDB<ScriptSchema>(name, SCRIPT_DB_VERSION, {
      upgrade(database, oldVersion) {
        if (oldVersion < 1) database.createObjectStore("scripts", { keyPath: "id" });
        if (oldVersion < 2) database.createObjectStore("runs", { keyPath: "id" });
      },
      blocking() {
        // A newer tab wants to upgrade: step aside rather than block it.
        db.close();
      },
    });
  } catch (error) {
    return { ok: false, message: `${UNAVAILABLE} (${error instanceof Error ? error.message : String(error)})` };
  }
  return {
    ok: true,
    library: {
      // Most recently changed first: the one being worked on is at the top.
      list: async () => (await db.getAll("scripts")).sort((a, b) => b.updatedAt - a.updatedAt),
      get: (id) => db.get("scripts", id),
      put: async (script) => {
        await db.put("scripts", script);
      },
      remove: (id) => db.delete("scripts", id),
      runs: () => db.getAll("runs"),
      keepRun: async (run) => {
        const tx = db.transaction("runs", "readwrite");
        await tx.store.put(run);
        const keys = await tx.store.getAllKeys();
        await Promise.all(keys.slice(0, Math.max(0, keys.length - KEPT_RUNS)).map((key) => tx.store.delete(key)));
        await tx.done;
      },
      close: () => db.close(),
    },
  };
}

/** A title for a script's text: its `name:` line, else the fallback. */
export function titleOf(text: string, fallback: string): string {
  const name = /^name:[ \t]*(.+?)[ \t]*$/m.exec(text)?.[1]?.replace(/^(["'])(.*)\1$/, "$2");
  return name && name.length > 0 ? name : fallback;
}
