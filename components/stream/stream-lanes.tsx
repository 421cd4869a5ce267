"use client";

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { isPrettyPrinterReady, loadPrettyPrinter, onPrettyPrinterReady } from "@/lib/transcript/format";
import { NO_QUERY, TranscriptQuery, positionOf, stepMatch, type QuerySpec } from "@/lib/transcript/query";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import type { TranscriptEntry } from "@/lib/xmpp/entry";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { EntryList, type EntryListHandle } from "./entry-list";
import { LanesToolbar, type ViewOptions } from "./lanes-toolbar";
import { useTranscriptStore } from "./use-transcript-store";
import styles from "./stream-lanes.module.css";

/**
 * Client-to-server on the left, server-to-client on the right, one row per entry in the
 * order they crossed the wire, so a reply sits below the request it answers.
 */
export interface StreamLanesProps {
  store: TranscriptStore;
  /** The person chose to see credentials; `secrets` has their unmasked text by seq. */
  revealed: boolean;
  secrets: Map<number, string> | null;
  onToggleSecrets(reveal: boolean): void;
  onLoadIntoEditor(raw: string): void;
  selectedSeq: number | null;
  onSelect(seq: number | null): void;
  /** A one-row toolbar and a one-line key help, for pages where the lanes share the height (lessons). */
  compact?: boolean;
  /** With compact: one line of each entry (all of the selected one), for panes sharing the height. */
  dense?: boolean;
  /** With compact: the page's own controls at the end of the toolbar's row. */
  tools?: ReactNode;
  /** Whether the filter row shows, for a page that remembers it; the lanes keep it themselves otherwise. */
  filtersOpen?: boolean;
  onFiltersOpenChange?(open: boolean): void;
  /** False where nothing can be revealed (a capture read from a file): no Reveal credentials. */
  canReveal?: boolean;
}

export function StreamLanes(props: StreamLanesProps) {
  return <StreamLanesView {...props} />;
}

/** Above this many entries, typing in a filter waits for a pause before scanning them all. */
const DEBOUNCE_ABOVE_ENTRIES = 20_000;
const DEBOUNCE_MS = 150;

function StreamLanesView(props: Omit<StreamLanesProps, "onLoadIntoEditor"> & { onLoadIntoEditor?: (raw: string) => void }) {
  const { store, selectedSeq, onSelect } = props;
  const version = useTranscriptStore(store);
  const [spec, setSpec] = useState<QuerySpec>(NO_QUERY);
  const appliedSpec = useDebounced(spec, store.size > DEBOUNCE_ABOVE_ENTRIES ? DEBOUNCE_MS : 0);
  const [options, setOptions] = useState<ViewOptions>({ layout: "lanes", pretty: false, time: "delta" });
  // The indenting code arrives when Pretty is first ticked; the rows show as sent until then.
  const printerReady = useSyncExternalStore(onPrettyPrinterReady, isPrettyPrinterReady, () => false);
  useEffect(() => {
    if (options.pretty) void loadPrettyPrinter();
  }, [options.pretty]);
  const [status, setStatus] = useState("");
  const [ownFiltersOpen, setOwnFiltersOpen] = useState(true);
  const listRef = useRef<EntryListHandle>(null);

  const query = useMemo(() => new TranscriptQuery(store, appliedSpec), [store, appliedSpec]);
  // `version` is the store's change counter: the query reads the store, not React state.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const result = useMemo(() => query.result(), [query, version]);
  const { rows, matches } = result;

  // Rows are memoised: hand them callbacks that never change, reading the latest props.
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  const onAction = useCallback((action: "copy" | "load", entry: TranscriptEntry, text: string) => {
    if (action === "load") {
      latest.current.onLoadIntoEditor?.(text);
      setStatus(`Loaded #${entry.seq} into the editor.`);
      return;
    }
    // No clipboard API outside secure contexts (plain http to another host): say so, do not throw.
    const writing = navigator.clipboard?.writeText(text) ?? Promise.reject(new Error("no clipboard"));
    writing.then(
      () => setStatus(`Copied #${entry.seq} to the clipboard.`),
      () => setStatus("The browser refused the clipboard: select the text and copy it instead."),
    );
  }, []);

  const selectedRow = selectedSeq === null ? -1 : positionOf(rows, store.indexOfSeq(selectedSeq));

  // The lanes bring their own selections into view; one made elsewhere (the sequence diagram) is revealed here.
  const ownSelection = useRef<number | null>(null);
  const selectHere = useCallback(
    (seq: number | null) => {
      ownSelection.current = seq;
      onSelect(seq);
    },
    [onSelect],
  );
  useEffect(() => {
    if (selectedSeq === null || selectedSeq === ownSelection.current) return;
    ownSelection.current = selectedSeq;
    if (selectedRow >= 0) listRef.current?.reveal(selectedRow, { align: "center" });
    // Only when the selection moves, not on every new entry.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedSeq]);
  const searching = result.matcher !== null;
  const ordinal = selectedRow < 0 ? -1 : positionOf(matches, selectedRow);
  const matchSummary = !searching ? null : matches.length === 0 ? "no match" : ordinal >= 0 ? `${ordinal + 1} of ${matches.length.toLocaleString("en")}` : `${matches.length.toLocaleString("en")} ${matches.length === 1 ? "match" : "matches"}`;

  function stepSearch(step: 1 | -1) {
    const from = selectedRow >= 0 ? selectedRow : step === 1 ? -1 : rows.length;
    const row = stepMatch(matches, from, step);
    if (row < 0) return;
    const seq = store.at(rows[row]!)?.seq;
    if (seq === undefined) return;
    selectHere(seq);
    listRef.current?.reveal(row, { align: "center" });
  }

  function clear() {
    const count = store.size;
    store.clear();
    setStatus(`Cleared ${count.toLocaleString("en")} ${count === 1 ? "entry" : "entries"}. Undo brings them back.`);
  }

  function undoClear() {
    store.undoClear();
    setStatus("The cleared entries are back.");
  }

  const clearFilters = () => setSpec((current) => ({ ...current, kinds: null, dirs: null, jid: "", ns: "" }));
  const empty =
    store.size > 0 ? (
      <>
        No entry matches these filters —
        <button type="button" className="button small" onClick={clearFilters}>
          clear them
        </button>
      </>
    ) : store.hiddenByClear > 0 ? (
      <>
        Cleared. New entries will appear here.
        <button type="button" className="button small" onClick={undoClear}>
          Undo
        </button>
      </>
    ) : (
      "Nothing has crossed the wire yet. Connect to start a stream."
    );

  return (
    <section className={`${styles.panel} ${props.compact ? styles.compactPanel : ""} ${props.compact && props.dense ? styles.densePanel : ""}`} aria-label="Stream lanes">
      <LanesToolbar
        spec={spec}
        onSpecChange={setSpec}
        options={options}
        onOptionsChange={setOptions}
        matchSummary={matchSummary}
        searchError={result.error}
        onStepMatch={stepSearch}
        canClear={store.size > 0}
        canUndoClear={store.canUndoClear}
        onClear={clear}
        onUndoClear={undoClear}
        hasSecrets={store.hasRedacted && props.canReveal !== false}
        revealed={props.revealed}
        onToggleSecrets={props.onToggleSecrets}
        compact={props.compact === true}
        tools={props.tools}
        filtersOpen={props.filtersOpen ?? ownFiltersOpen}
        onFiltersOpenChange={props.onFiltersOpenChange ?? setOwnFiltersOpen}
      />
      {options.layout === "lanes" && (
        <div className={styles.columns} aria-hidden="true">
          <span>client → server</span>
          <span>server → client</span>
        </div>
      )}
      <PanelBoundary name="The list of entries">
      <EntryList
        ref={listRef}
        store={store}
        result={result}
        layout={options.layout}
        pretty={options.pretty && printerReady}
        time={options.time}
        secrets={props.revealed ? props.secrets : null}
        selectedSeq={selectedSeq}
        onSelect={selectHere}
        canLoad={props.onLoadIntoEditor !== undefined}
        onAction={onAction}
        empty={empty}
        // Whitespace shows in full only when asked for: Kinds narrowed to a set with whitespace in it.
        foldWhitespace={!(appliedSpec.kinds?.has("whitespace") ?? false)}
      />
      </PanelBoundary>
      {/* One line everywhere: wrapped, the key help took two or three rows from the entries. */}
      <p className={`${styles.help} ${styles.helpCompact}`}>
        <span>
          <kbd>↑</kbd> <kbd>↓</kbd> select · <kbd>Home</kbd> <kbd>End</kbd> first, last · {props.onLoadIntoEditor && (<><kbd>Enter</kbd> or double-click: load into editor · </>)}
          <kbd>C</kbd> copy · <kbd>P</kbd> paired iq · <kbd>Esc</kbd> deselect · in Search: <kbd>Enter</kbd> next, <kbd>Shift+Enter</kbd> previous
        </span>
        <span className={styles.status} role="status">
          {status}
        </span>
      </p>
    </section>
  );
}

/** `value`, once it has stopped changing for `delayMs` (at once when the delay is 0). */
function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    // Kept current even without a delay, so that turning one on does not go back in time.
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return delayMs === 0 ? value : settled;
}
