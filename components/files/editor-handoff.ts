/**
 * "Load into editor" from /captures: the stanza waits in this browser's storage while the
 * workbench opens in a new tab, which takes it once. A handoff older than a minute is
 * dropped, so a later visit to the workbench does not find an old stanza in its editor.
 */

const KEY = "xmpp-playground:load-into-editor";
const MAX_AGE_MS = 60_000;

export function handOffToEditor(text: string, storage: Storage = localStorage, now = Date.now()): void {
  storage.setItem(KEY, JSON.stringify({ text, at: now }));
}

export function takeHandOff(storage: Storage = localStorage, now = Date.now(), key = KEY): string | null {
  const stored = storage.getItem(key);
  if (stored === null) return null;
  storage.removeItem(key);
  try {
    const { text, at } = JSON.parse(stored) as { text?: unknown; at?: unknown };
    return typeof text === "string" && typeof at === "number" && now - at <= MAX_AGE_MS ? text : null;
  } catch {
    return null;
  }
}

/** A script recorded in the workbench waits the same way for the scripts page, which takes it once. */
const SCRIPT_KEY = "xmpp-playground:recorded-script";

export function handOffScript(text: string, storage: Storage = localStorage, now = Date.now()): void {
  storage.setItem(SCRIPT_KEY, JSON.stringify({ text, at: now }));
}

export function takeScriptHandOff(storage: Storage = localStorage, now = Date.now()): string | null {
  return takeHandOff(storage, now, SCRIPT_KEY);
}
