import { openDB, type DBSchema, type IDBPDatabase } from "idb";

/**
 * The scripts a person keeps in this browser (issue 14): a database of its own beside the
 * transcripts' (schema.ts), so neither schema's upgrades wait on the other's.
 */

export const SCRIPT_DB_NAME = "xmpp-playground-scripts";
const SCRIPT_DB_VERSION = 1;

export interface KeptScript {
  id: string;
  /** The script's `name:` when it parses, else what the person called the file. */
  title: string;
  /** The file as written (YAML, the format the command line reads). */
  text: string;
  updatedAt: number;
}

interface ScriptSchema extends DBSchema {
  scripts: { key: string; value: KeptScript };
}

export interface ScriptLibrary {
  list(): Promise<KeptScript[]>;
  get(id: string): Promise<KeptScript | undefined>;
  put(script: KeptScript): Promise<void>;
  remove(id: string): Promise<void>;
  close(): void;
}

export type OpenScriptLibraryResult = { ok: true; library: ScriptLibrary } | { ok: false; message: string };

const UNAVAILABLE = "This browser does not let the playground store data (a private window, or storage turned off): scripts stay only while this tab is open. Export them to keep them.";

export async function openScriptLibrary(name = SCRIPT_DB_NAME): Promise<OpenScriptLibraryResult> {
  if (typeof indexedDB === "undefined") return { ok: false, message: UNAVAILABLE };
  let db: IDBPDatabase<ScriptSchema>;
  try {
    db = await openDB<ScriptSchema>(name, SCRIPT_DB_VERSION, {
      upgrade(database) {
        database.createObjectStore("scripts", { keyPath: "id" });
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
      close: () => db.close(),
    },
  };
}

/** A title for a script's text: its `name:` line, else the fallback. */
export function titleOf(text: string, fallback: string): string {
  const name = /^name:[ \t]*(.+?)[ \t]*$/m.exec(text)?.[1]?.replace(/^(["'])(.*)\1$/, "$2");
  return name && name.length > 0 ? name : fallback;
}
