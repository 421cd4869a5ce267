import type { IDBPDatabase } from "idb";
import { redactXml } from "../xmpp/redaction";
import type { PlaygroundSchema } from "./schema";
import { HISTORY_LIMIT } from "./send-history";

/**
 * What each editor pane sent, newest last, so it can be recalled after a reload.
 * In raw mode people type their own <auth>; those credentials must not outlive the tab,
 * so sent text is masked by the transcript's own redactor (lib/xmpp/redaction.ts) before it is stored.
 */

export interface HistoryStore {
  /** Replaces the pane's history with the last `HISTORY_LIMIT` of `texts` (oldest first), masked. */
  saveHistory(paneId: string, texts: readonly string[]): Promise<void>;
  /** Adds one sent text (unless it repeats the last one); returns the stored history. */
  appendHistory(paneId: string, text: string): Promise<string[]>;
  /** Oldest first; empty for a pane that never sent anything. */
  loadHistory(paneId: string): Promise<string[]>;
}

function lastOf(texts: readonly string[]): string[] {
  return texts.slice(-HISTORY_LIMIT).map((text) => redactXml(text));
}

export function createHistoryStore({ db, now }: { db: IDBPDatabase<PlaygroundSchema>; now: () => number }): HistoryStore {
  async function saveHistory(paneId: string, texts: readonly string[]): Promise<void> {
    await db.put("history", { paneId, texts: lastOf(texts), updatedAt: now() });
  }

  async function appendHistory(paneId: string, text: string): Promise<string[]> {
    const tx = db.transaction("history", "readwrite");
    const previous = (await tx.store.get(paneId))?.texts ?? [];
    const masked = redactXml(text);
    const texts = previous.at(-1) === masked ? previous : lastOf([...previous, masked]);
    await Promise.all([tx.store.put({ paneId, texts, updatedAt: now() }), tx.done]);
    return texts;
  }

  async function loadHistory(paneId: string): Promise<string[]> {
    return (await db.get("history", paneId))?.texts ?? [];
  }

  return { saveHistory, appendHistory, loadHistory };
}
