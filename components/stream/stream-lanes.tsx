"use client";

import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { isPrettyPrinterReady, loadPrettyPrinter, onPrettyPrinterReady } from "@/lib/transcript/format";
import { NO_QUERY, TranscriptQuery, positionOf, stepMatch, type QueryResult, type QuerySpec } from "@/lib/transcript/query";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import type { TranscriptEntry } from "@/lib/xmpp/entry";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { countNoun } from "@/lib/count-noun";
import { EntryList, type EntryListHandle } from "./entry-list";
import { LanesToolbar, type ViewOptions } from "./lanes-toolbar";
import { useIndexedSearch } from "./use-indexed-search";
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

/**
 * Memoised: a page re-rendering for its own reasons (the send history after Ctrl+Enter, a
 * status line) does not render the lanes again. They render when their store changes, on
 * their own schedule (use-transcript-store.ts), so a reply's row is not laid out in a render
 * of the whole page (issue 17). Hand them callbacks that keep their identity.
 */
export const StreamLanes = memo(function StreamLanes(props: StreamLanesProps) {
  return <StreamLanesView {...props} />;
});

/** A scan of the entries for a new filter or search runs in slices this long, input and paint in between. */
const SLICE_MS = 8;

function StreamLanesView(props: Omit<StreamLanesProps, "onLoadIntoEditor"> & { onLoadIntoEditor?: (raw: string) => void }) {
  const { store, selectedSeq, onSelect } = props;
  const version = useTranscriptStore(store);
  const [spec, setSpec] = useState<QuerySpec>(NO_QUERY);
  const appliedSpec = spec;
  const [options, setOptions] = useState<ViewOptions>({ layout: "lanes", pretty: false, time: "delta" });
  // The indenting code arrives when Pretty is first ticked; the rows show as sent until then.
  const printerReady = useSyncExternalStore(onPrettyPrinterReady, isPrettyPrinterReady, () => false);
  useEffect(() => {
    // A failed load leaves the rows as sent (prettyView tries again on the next render).
    if (options.pretty) loadPrettyPrinter().catch(() => undefined);
  }, [options.pretty]);
  const [status, setStatus] = useState("");
  const [ownFiltersOpen, setOwnFiltersOpen] = useState(true);
  const listRef = useRef<EntryListHandle>(null);

  // A plain-text search over a big transcript is answered by a worker; the query scans only what it has not seen.
  const { known, pending } = useIndexedSearch(store, appliedSpec);
  const query = useMemo(() => new TranscriptQuery(store, appliedSpec, known), [store, appliedSpec, known]);
  const { result, scanning } = useSlicedResult(query, version, pending);
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
  const matchSummary = scanning ? "searching…" : !searching ? null : matches.length === 0 ? "no match" : ordinal >= 0 ? `${ordinal + 1} of ${matches.length.toLocaleString("en")}` : countNoun(matches.length, "match", "matches");

  // The toolbar is memoised (it need not render with every batch): its callbacks keep their
  // identity, and a step through the matches reads the rows of the latest render.
  const found = useRef({ rows, matches, selectedRow });
  useLayoutEffect(() => {
    found.current = { rows, matches, selectedRow };
  });
  const stepSearch = useCallback(
    (step: 1 | -1) => {
      const { rows, matches, selectedRow } = found.current;
      const from = selectedRow >= 0 ? selectedRow : step === 1 ? -1 : rows.length;
      const row = stepMatch(matches, from, step);
      if (row < 0) return;
      const seq = store.at(rows[row]!)?.seq;
      if (seq === undefined) return;
      selectHere(seq);
      listRef.current?.reveal(row, { align: "center" });
    },
    [store, selectHere],
  );

  const clear = useCallback(() => {
    const count = store.size;
    store.clear();
    setStatus(`Cleared ${countNoun(count, "entry", "entries")}. Undo brings them back.`);
  }, [store]);

  const undoClear = useCallback(() => {
    store.undoClear();
    setStatus("The cleared entries are back.");
  }, [store]);

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

/**
 * The query's result, scanned a slice at a time: a million entries never hold the main
 * thread for one long task, and a query replaced meanwhile (the next key typed) is simply
 * dropped. Until the scan catches up the last complete result stays on screen, with
 * `scanning` set; the very first one is scanned at once, as there is nothing to show yet.
 */
function useSlicedResult(query: TranscriptQuery, version: number, waiting: boolean): { result: QueryResult; scanning: boolean } {
  // The last complete result. A ref, not state: keeping it must not cost a second render per
  // append. Read during render on purpose (this app does not run the React Compiler).
  const shown = useRef<QueryResult | null>(null);
  const [caughtUp, setCaughtUp] = useState(0);
  // `version` (the store's change counter) and `caughtUp` say when to look again: the query reads the store, not React state.
  // While `waiting` (for the worker's answer) nothing is scanned here: the last result stays.
  // eslint-disable-next-line react-hooks/exhaustive-deps, react-hooks/refs
  const fresh = useMemo(() => (waiting && shown.current !== null ? null : query.resultWithin(shown.current === null ? Infinity : SLICE_MS)), [query, version, caughtUp, waiting]);
  useEffect(() => {
    if (fresh !== null) {
      shown.current = fresh;
      return;
    }
    if (waiting) return;
    // The rest of the scan, outside React: one slice per task (a MessageChannel, which browsers do not clamp as they do nested timeouts).
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      if (query.resultWithin(SLICE_MS) === null) channel.port2.postMessage(null);
      else setCaughtUp((count) => count + 1);
    };
    channel.port2.postMessage(null);
    return () => channel.port1.close();
  }, [fresh, query, waiting]);
  // eslint-disable-next-line react-hooks/refs
  return { result: fresh ?? shown.current!, scanning: fresh === null };
}
