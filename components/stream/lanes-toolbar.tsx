"use client";

import { memo, useId, useState, type ReactNode } from "react";
import type { QuerySpec } from "@/lib/transcript/query";
import type { Direction, EntryKind } from "@/lib/xmpp/entry";
import type { LanesLayout, TimeMode } from "./entry-row";
import styles from "./stream-lanes.module.css";

export interface ViewOptions {
  layout: LanesLayout;
  pretty: boolean;
  time: TimeMode;
}

/** Every kind, in the order a session meets them (a Record, so a new kind must be added here). */
const KIND_ORDER: Record<EntryKind, number> = {
  "stream-open": 0, features: 1, tls: 2, sasl: 3, bind: 4, iq: 5, message: 6, presence: 7,
  sm: 8, "stream-error": 9, "stream-close": 10, other: 11, whitespace: 12, malformed: 13, status: 14,
};
const KINDS = (Object.keys(KIND_ORDER) as EntryKind[]).sort((a, b) => KIND_ORDER[a] - KIND_ORDER[b]);

const DIRECTIONS: { dir: Direction; label: string; title: string }[] = [
  { dir: "out", label: "C→S", title: "client to server" },
  { dir: "in", label: "S→C", title: "server to client" },
  { dir: "event", label: "events", title: "connection events" },
];

interface LanesToolbarProps {
  spec: QuerySpec;
  onSpecChange(spec: QuerySpec): void;
  options: ViewOptions;
  onOptionsChange(options: ViewOptions): void;
  /** "3 of 120", "120 matches", "no match": null when not searching. */
  matchSummary: string | null;
  searchError: string | null;
  onStepMatch(step: 1 | -1): void;
  canClear: boolean;
  canUndoClear: boolean;
  onClear(): void;
  onUndoClear(): void;
  hasSecrets: boolean;
  revealed: boolean;
  onToggleSecrets(reveal: boolean): void;
  /** One row (search), the view options and filters behind a toggle: for pages where the lanes share the height (lessons). */
  compact?: boolean;
  /** The page's own controls at the end of the compact row (a lesson's Show diagram). */
  tools?: ReactNode;
  /** Full toolbar: the filter row shown, or folded into a toggle to leave the rows more height. */
  filtersOpen: boolean;
  onFiltersOpenChange(open: boolean): void;
}

/**
 * Memoised: the lanes render on every batch of entries, and the toolbar, props unchanged, would
 * have been rendered and committed with them, each of its inputs updated in the DOM (issue 17:
 * React's updateInput alone was 494 ms of a reload's main thread). Hand it callbacks that keep their identity.
 */
export const LanesToolbar = memo(function LanesToolbar(props: LanesToolbarProps) {
  const { spec, onSpecChange, options, onOptionsChange } = props;
  const id = useId();
  const set = (change: Partial<QuerySpec>) => onSpecChange({ ...spec, ...change });
  const filtersActive = spec.kinds !== null || spec.dirs !== null || spec.jid.trim() !== "" || spec.ns.trim() !== "";

  const search = (
    <div className={styles.toolbarRow} role="search" aria-label="Find in the transcript">
      <label className={styles.field}>
        <span>Search</span>
        <input
          type="search"
          className={styles.searchInput}
          value={spec.search}
          placeholder={SEARCH_PLACEHOLDERS[props.compact ? "compact" : "full"][spec.mode]}
          aria-invalid={props.searchError !== null}
          aria-describedby={`${id}-search-status`}
          onChange={(event) => set({ search: event.target.value })}
          onKeyDown={(event) => {
            if (event.key !== "Enter") return;
            event.preventDefault();
            props.onStepMatch(event.shiftKey ? -1 : 1);
          }}
        />
      </label>
      <label className={styles.checkbox} title="Search with a regular expression (case-insensitive)">
        <input type="checkbox" checked={spec.mode === "regex"} aria-label="Regex" onChange={(event) => set({ mode: event.target.checked ? "regex" : "text" })} />
        {/* The compact row says it as find widgets do, in the space of two characters. */}
        {props.compact ? <code aria-hidden="true">.*</code> : "Regex"}
      </label>
      <span id={`${id}-search-status`} className={props.searchError ? styles.searchError : styles.count} aria-live="polite">
        {props.searchError ?? props.matchSummary ?? ""}
      </span>
      {/* In the compact row they come with a search: disabled, they took the room a phone's row needs. */}
      {(!props.compact || props.matchSummary !== null) && (
        <>
          <button type="button" className="button small" aria-label="Previous match" title="Previous match (Shift+Enter)" onClick={() => props.onStepMatch(-1)} disabled={props.matchSummary === null}>
            ↑
          </button>
          <button type="button" className="button small" aria-label="Next match" title="Next match (Enter)" onClick={() => props.onStepMatch(1)} disabled={props.matchSummary === null}>
            ↓
          </button>
        </>
      )}
    </div>
  );
  const view = (
    <>
      <ToggleGroup label="Layout" value={options.layout} onChange={(layout) => onOptionsChange({ ...options, layout })} choices={[["lanes", "Lanes"], ["interleaved", "Interleaved"]]} />
      <ToggleGroup label="Time" value={options.time} onChange={(time) => onOptionsChange({ ...options, time })} choices={[["absolute", "Clock"], ["delta", "+Δ"]]} />
      <label className={styles.checkbox}>
        <input type="checkbox" checked={options.pretty} onChange={(event) => onOptionsChange({ ...options, pretty: event.target.checked })} />
        Pretty
      </label>
    </>
  );
  const filtersAndClear = (
    <>
      <div className={styles.toolbarRow} role="group" aria-label="Filters">
        <KindFilter kinds={spec.kinds} onChange={(kinds) => set({ kinds })} />
        <div className={styles.group} role="group" aria-label="Direction">
          {DIRECTIONS.map(({ dir, label, title }) => (
            <button key={dir} type="button" title={title} aria-pressed={spec.dirs === null || spec.dirs.has(dir)} onClick={() => set({ dirs: toggle(spec.dirs, dir, DIRECTIONS.map((d) => d.dir)) })}>
              {label}
            </button>
          ))}
        </div>
        {/* Labelled "To/from", not "JID": the connection form already has a field called JID. */}
        <label className={styles.field} title="Entries sent to or from this address; a bare JID matches all its resources, a domain every JID at it">
          <span>To/from</span>
          <input type="text" value={spec.jid} placeholder="JID or domain" spellCheck={false} onChange={(event) => set({ jid: event.target.value })} />
        </label>
        <label className={styles.field}>
          <span>Namespace</span>
          <input type="text" value={spec.ns} placeholder="urn:xmpp:ping" spellCheck={false} onChange={(event) => set({ ns: event.target.value })} />
        </label>
        {filtersActive && (
          <button type="button" className="button small" onClick={() => onSpecChange({ ...spec, kinds: null, dirs: null, jid: "", ns: "" })}>
            Clear filters
          </button>
        )}
      </div>
      <span className={styles.spacer} />
      <button type="button" className="button small" onClick={props.onClear} disabled={!props.canClear} title="Hide every entry shown so far; Undo brings them back">
        Clear
      </button>
      {props.canUndoClear && (
        <button type="button" className="button small" onClick={props.onUndoClear}>
          Undo clear
        </button>
      )}
    </>
  );
  const reveal = props.hasSecrets && (
    <label className={`${styles.checkbox} ${styles.reveal}`}>
      <input type="checkbox" checked={props.revealed} onChange={(event) => props.onToggleSecrets(event.target.checked)} />
      Reveal credentials
    </label>
  );

  if (props.compact) return <CompactToolbar id={id} search={search} view={view} filters={filtersAndClear} reveal={reveal} filtersActive={filtersActive} tools={props.tools} />;
  const filtersToggle = (
    <button type="button" className="button small" aria-expanded={props.filtersOpen} aria-controls={`${id}-filters`} onClick={() => props.onFiltersOpenChange(!props.filtersOpen)}>
      {filtersActive ? "Filtered" : "Filters"} {props.filtersOpen ? "▴" : "▾"}
    </button>
  );
  return (
    <div className={styles.toolbar}>
      <div className={styles.toolbarRow}>
        {search}
        <span className={styles.spacer} />
        {view}
        {filtersToggle}
        {!props.filtersOpen && reveal}
      </div>
      {props.filtersOpen && (
        <div id={`${id}-filters`} className={styles.toolbarRow}>
          {filtersAndClear}
          {reveal}
        </div>
      )}
    </div>
  );
});

/**
 * One row: search, then a toggle for the view options and the filters (rows that would
 * otherwise take a third of a short window), and Reveal where there are credentials.
 */
/** The compact row's field can be narrow, and its label is hidden: placeholders that fit it. */
const SEARCH_PLACEHOLDERS = {
  full: { text: "text in the raw XML", regex: "regular expression" },
  compact: { text: "search raw XML", regex: "regex" },
} as const;

function CompactToolbar({ id, search, view, filters, reveal, filtersActive, tools }: { id: string; search: ReactNode; view: ReactNode; filters: ReactNode; reveal: ReactNode; filtersActive: boolean; tools: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div className={`${styles.toolbar} ${styles.compact}`}>
      <div className={styles.compactRow}>
        {search}
        <button type="button" className="button small" aria-expanded={open} aria-controls={`${id}-more`} onClick={() => setOpen(!open)}>
          {filtersActive ? "Filtered" : "View"} {open ? "▴" : "▾"}
          <span className={styles.visuallyHidden}> options and filters</span>
        </button>
        {tools}
      </div>
      {open && (
        <div id={`${id}-more`} className={styles.toolbarRow}>
          {view}
          {filters}
          {reveal}
        </div>
      )}
    </div>
  );
}

function KindFilter({ kinds, onChange }: { kinds: ReadonlySet<EntryKind> | null; onChange(kinds: ReadonlySet<EntryKind> | null): void }) {
  const summary = kinds === null ? "all" : kinds.size === 0 ? "none" : kinds.size <= 2 ? [...kinds].join(", ") : `${kinds.size} of ${KINDS.length}`;
  return (
    <details
      className={styles.kinds}
      // A menu, so it closes when focus leaves it or on Escape.
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) event.currentTarget.open = false;
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") event.currentTarget.open = false;
      }}
    >
      <summary>Kinds: {summary}</summary>
      <fieldset className={styles.kindsMenu}>
        <legend className={styles.visuallyHidden}>Kinds to show</legend>
        {KINDS.map((kind) => (
          <label key={kind} className={styles.checkbox}>
            <input type="checkbox" checked={kinds === null || kinds.has(kind)} onChange={() => onChange(toggle(kinds, kind, KINDS))} />
            {kind}
          </label>
        ))}
        <span className={styles.kindsActions}>
          <button type="button" className="button small" onClick={() => onChange(null)}>
            All
          </button>
          <button type="button" className="button small" onClick={() => onChange(new Set())}>
            None
          </button>
        </span>
      </fieldset>
    </details>
  );
}

function ToggleGroup<T extends string>({ label, value, choices, onChange }: { label: string; value: T; choices: [T, string][]; onChange(value: T): void }) {
  return (
    <div className={styles.group} role="group" aria-label={label}>
      {choices.map(([choice, text]) => (
        <button key={choice} type="button" aria-pressed={value === choice} onClick={() => onChange(choice)}>
          {text}
        </button>
      ))}
    </div>
  );
}

/** Toggles `item` in a set where null means "all of `every`"; back to null when all are on. */
function toggle<T>(set: ReadonlySet<T> | null, item: T, every: readonly T[]): ReadonlySet<T> | null {
  const next = new Set(set ?? every);
  if (next.has(item)) next.delete(item);
  else next.add(item);
  return next.size === every.length ? null : next;
}
