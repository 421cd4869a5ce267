import type { IDBPDatabase } from "idb";
import { REDACTION_MASK } from "../xmpp/entry";
import type { PlaygroundSchema } from "./schema";

/**
 * What each editor pane sent, newest last, so it can be recalled after a reload.
 * In raw mode people type their own <auth>; those credentials must not outlive the tab,
 * so sent text is masked the way the transcript masks it before it is stored.
 */

export const HISTORY_LIMIT = 200;

export interface HistoryStore {
  /** Replaces the pane's history with the last `HISTORY_LIMIT` of `texts` (oldest first), masked. */
  saveHistory(paneId: string, texts: readonly string[]): Promise<void>;
  /** Adds one sent text (unless it repeats the last one); returns the stored history. */
  appendHistory(paneId: string, text: string): Promise<string[]>;
  /** Oldest first; empty for a pane that never sent anything. */
  loadHistory(paneId: string): Promise<string[]>;
}

/**
 * Elements whose text is a credential: SASL (RFC 6120 section 6.4; PLAIN's payload is
 * the password in base64, RFC 4616), SASL2 (XEP-0388), legacy auth (XEP-0078) and
 * in-band registration (XEP-0077). CDATA is matched too, since it is another way to write text.
 */
const SECRET_ELEMENT =
  /<((?:[A-Za-z_][\w.-]*:)?(?:auth|response|challenge|success|initial-response|password|digest))((?:\s[^>]*)?)>((?:[^<]|<!\[CDATA\[[\s\S]*?\]\]>)*)<\/\1\s*>/g;

/** Masks credential text in something the person typed, keeping the markup around it. */
export function redactSentText(text: string): string {
  return text.replace(SECRET_ELEMENT, (element: string, name: string, attrs: string, content: string) => {
    // "=" alone is SASL's empty response (RFC 6120 section 6.4.2): nothing to hide.
    const trimmed = content.trim();
    if (trimmed === "" || trimmed === "=") return element;
    return `<${name}${attrs}>${REDACTION_MASK}</${name}>`;
  });
}

function lastOf(texts: readonly string[]): string[] {
  return texts.slice(-HISTORY_LIMIT).map(redactSentText);
}

export function createHistoryStore({ db, now }: { db: IDBPDatabase<PlaygroundSchema>; now: () => number }): HistoryStore {
  async function saveHistory(paneId: string, texts: readonly string[]): Promise<void> {
    await db.put("history", { paneId, texts: lastOf(texts), updatedAt: now() });
  }

  async function appendHistory(paneId: string, text: string): Promise<string[]> {
    const tx = db.transaction("history", "readwrite");
    const previous = (await tx.store.get(paneId))?.texts ?? [];
    const masked = redactSentText(text);
    const texts = previous.at(-1) === masked ? previous : lastOf([...previous, masked]);
    await Promise.all([tx.store.put({ paneId, texts, updatedAt: now() }), tx.done]);
    return texts;
  }

  async function loadHistory(paneId: string): Promise<string[]> {
    return (await db.get("history", paneId))?.texts ?? [];
  }

  return { saveHistory, appendHistory, loadHistory };
}
