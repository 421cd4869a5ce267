import type { TranscriptEntry } from "../xmpp/entry";
import type { RowWindow } from "./query";
import type { TranscriptStore } from "./transcript-store";

export interface LaidOutRow<Item> {
  item: Item;
  /** The row's position in the query's rows. */
  row: number;
  entry: TranscriptEntry;
}

/**
 * The virtualizer's items a render of the lanes can lay out, each with its row and entry:
 * only items inside the window of rows (`span`, whose item 0 is row `span.start`) whose entry
 * the store holds. When a new session shrinks a pane's rows, the virtualizer can hand one
 * render items of the old, longer range (TanStack/virtual issues 485 and 580), and the list
 * can render with rows from before the store was emptied (it re-renders on its own, the lanes
 * on their schedule): either left a row without its entry, and the lanes crashed on it (seen
 * once in CI: "Cannot read properties of undefined (reading 'seq')").
 */
export function laidOutRows<Item extends { index: number }>(items: readonly Item[], span: RowWindow, rows: Int32Array, store: Pick<TranscriptStore, "at">): LaidOutRow<Item>[] {
  const laidOut: LaidOutRow<Item>[] = [];
  for (const item of items) {
    const row = span.start + item.index;
    if (row >= span.end) continue;
    const entry = store.at(rows[row] ?? -1);
    if (entry !== undefined) laidOut.push({ item, row, entry });
  }
  return laidOut;
}
