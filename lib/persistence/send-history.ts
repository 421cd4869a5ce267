/**
 * The texts an editor pane sent, oldest first, as the page holds them for Ctrl+Up and Ctrl+Down.
 * No storage code here: the lesson page imports this before IndexedDB's code loads.
 */

export const HISTORY_LIMIT = 200;

/** `history` with `text` sent last: an earlier copy of it moves to the end. */
export function withSent(history: readonly string[], text: string): string[] {
  return [...history.filter((sent) => sent !== text), text].slice(-HISTORY_LIMIT);
}

/**
 * The history loaded from the browser's storage, then what the pane sent while it loaded: those
 * are newer than anything stored (their writes wait behind the load). Replacing them with the
 * load dropped them from Ctrl+Up until the next reload: on a busy machine a lesson sent two
 * pings before its history had loaded, and Ctrl+Up skipped the second (seen in the suite).
 */
export function withLoaded(loaded: readonly string[], sentMeanwhile: readonly string[]): string[] {
  return sentMeanwhile.reduce<string[]>(withSent, loaded.slice(-HISTORY_LIMIT));
}
