"use client";

import { useCallback, useEffect, useId, useImperativeHandle, useLayoutEffect, useReducer, useRef, useState, type ReactNode, type Ref } from "react";
import { defaultRangeExtractor, useVirtualizer, type Range, type Virtualizer } from "@tanstack/react-virtual";
import { INPUT_HOLD_MS, isInputHeld, isSameOffset, tailOffset, tailWrite } from "@/lib/transcript/follow-tail";
import { laidOutRows } from "@/lib/transcript/laid-out-rows";
import { positionOf, windowStartAround, type QueryResult } from "@/lib/transcript/query";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import type { TranscriptEntry } from "@/lib/xmpp/entry";
import { EntryRow, type LanesLayout, type Pairing, type TimeMode } from "./entry-row";
import { useFollowTail } from "./use-follow-tail";
import styles from "./stream-lanes.module.css";

export interface EntryListHandle {
  /** Scrolls row `row` (a position in the query's rows) into view, moving the window if needed. */
  reveal(row: number, options?: { align?: "auto" | "center"; focus?: boolean }): void;
}

interface EntryListProps {
  ref?: Ref<EntryListHandle>;
  store: TranscriptStore;
  result: QueryResult;
  layout: LanesLayout;
  pretty: boolean;
  time: TimeMode;
  /** Unmasked texts by seq, present only while the person has revealed credentials. */
  secrets: Map<number, string> | null;
  selectedSeq: number | null;
  onSelect(seq: number | null): void;
  canLoad: boolean;
  onAction(action: "copy" | "load", entry: TranscriptEntry, text: string): void;
  /** What to show when there is no row. */
  empty: ReactNode;
  /** Whitespace rows as thin markers (the selected one in full). */
  foldWhitespace: boolean;
}

/** A whitespace row folded into a thin marker. */
const FOLDED_ROW_PX = 8;

/** Up to this many rows, all are in the DOM. */
const RENDER_WHOLE_BELOW = 200;

/**
 * While the list is rendered whole, the most rows one commit mounts beyond those in view. A
 * paste of 50 pings, a reload or a filter can bring a hundred rows at once, and mounting them
 * in one task (render, then layout: about 0.6 ms a row while the code is cold) took 56-74 ms
 * (issue 17, the 50×50 sends). The rows in view mount at once; the rest follow, this many a frame.
 */
const WHOLE_ROWS_PER_COMMIT = 32;

/** Rows laid out beyond the view on each side, for a scroll to find them ready. */
const OVERSCAN = 12;
/**
 * While following: at a flood's rates each render replaces every row in view, so rows kept
 * ready above it are mounted and dropped unseen (issue 17). The person's first scroll up
 * stops the following, and the full overscan comes back with it.
 */
const FOLLOWING_OVERSCAN = 2;

/**
 * The rows, virtualised: only those in view (plus a margin) are in the DOM, each measured
 * as it renders. Follows new entries until the person scrolls up, then offers a jump back.
 */
export function EntryList(props: EntryListProps) {
  const { store, result, selectedSeq, onSelect } = props;
  const { rows, matches } = result;
  const viewportRef = useRef<HTMLDivElement>(null);
  const idPrefix = useId();
  const { follow, following, span, stopFollowing, resume, scrollHandlers, noteKey, lastInput, inputHeld, newCount } = useFollowTail(store, rows, viewportRef);
  const pending = useRef<{ scrollToEnd: boolean; row: number | null; align: "auto" | "center"; focusSeq: number | null }>({ scrollToEnd: false, row: null, align: "auto", focusSeq: null });
  const lastRun = useRef<number | null>(null);

  const seqAt = useCallback((row: number) => store.at(rows[row] ?? -1)?.seq ?? null, [store, rows]);
  const getItemKey = useCallback((index: number) => seqAt(span.start + index) ?? -1 - index, [seqAt, span.start]);
  const foldWhitespace = props.foldWhitespace;
  // A row not yet measured is estimated at the height of the last one measured in this layout:
  // rows of a flood are alike, and an estimate that is right leaves the virtualizer nothing to
  // correct when the row mounts. A wrong one cost a resize, a scroll and a re-render per batch
  // (issue 17: rows were 106 px in the bench's pane against an estimate of 52). Each row keeps
  // the first estimate it got: the virtualizer does not record a measurement equal to the
  // estimate, so an estimate that changed later would move a row that was measured right.
  const sizeMode = `${props.layout} ${props.pretty}`;
  // Both start again when the layout or Pretty changes: heights measured in another mode say nothing.
  const sizes = useRef<{ mode: string; typical: number | null; bySeq: Map<number, number> }>({ mode: sizeMode, typical: null, bySeq: new Map() });
  if (sizes.current.mode !== sizeMode) sizes.current = { mode: sizeMode, typical: null, bySeq: new Map() };
  const estimateSize = useCallback(
    (index: number) => {
      const entry = store.at(rows[span.start + index] ?? -1);
      if (foldWhitespace && entry?.kind === "whitespace") return FOLDED_ROW_PX;
      const { typical, bySeq } = sizes.current;
      const given = entry === undefined ? undefined : bySeq.get(entry.seq);
      if (given !== undefined) return given;
      const size = typical ?? (props.pretty ? 96 : 52);
      if (entry !== undefined) bySeq.set(entry.seq, size);
      return size;
    },
    // sizeMode: a new mode's estimates must reach the virtualizer as a new function.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [props.pretty, sizeMode, foldWhitespace, store, rows, span.start],
  );
  // Estimates of rows before the laid-out window are dropped as the window moves on.
  useEffect(() => {
    const bySeq = sizes.current.bySeq;
    const firstSeq = store.at(rows[span.start] ?? -1)?.seq;
    if (firstSeq === undefined || bySeq.size <= 2 * (span.end - span.start) + 1000) return;
    for (const seq of bySeq.keys()) if (seq < firstSeq) bySeq.delete(seq);
  });
  const measureElement = useCallback(
    (element: HTMLDivElement, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLDivElement, HTMLDivElement>) => {
      const size = measureRow(element, entry, instance);
      if (entry !== undefined && size > FOLDED_ROW_PX) sizes.current.typical = size;
      return size;
    },
    [],
  );
  const rowOfSeq = (seq: number) => positionOf(rows, store.indexOfSeq(seq));
  const selectedRow = selectedSeq === null ? -1 : rowOfSeq(selectedSeq);
  const indexInSpan = (row: number) => (row >= span.start && row < span.end ? row - span.start : -1);
  const selectedIndex = indexInSpan(selectedRow);
  // The row holding the focus, selected or not: Tab lands on the first row laid out, which a
  // flood scrolls out of view at once.
  const [focusedSeq, setFocusedSeq] = useState<number | null>(null);
  const focusedIndex = focusedSeq === null ? -1 : indexInSpan(rowOfSeq(focusedSeq));
  // Rendered whole, the rows before `leading` are those the last commit mounted: a jump of more
  // than WHOLE_ROWS_PER_COMMIT rows mounts the rows in view now and the rest frame by frame.
  const count = span.end - span.start;
  const renderedWhole = count <= RENDER_WHOLE_BELOW;
  // `stepped`: a frame moved `upTo` one step on. That step mounts its rows and no more, even
  // when fewer than a step's worth are left after it: taking those too would mount up to two steps at once.
  const wholeMounted = useRef({ run: result.run, upTo: 0, stepped: false });
  const { upTo: mountedUpTo, stepped } = wholeMounted.current.run === result.run ? wholeMounted.current : { upTo: 0, stepped: false };
  const leading = !renderedWhole || mountedUpTo >= count || (!stepped && count - mountedUpTo <= WHOLE_ROWS_PER_COMMIT) ? count : mountedUpTo;
  const [, mountMore] = useReducer((step: number) => step + 1, 0);
  const mountFrame = useRef<number | null>(null);
  useLayoutEffect(() => {
    wholeMounted.current = { run: result.run, upTo: leading, stepped: false };
    // One frame asked for at a time, and not cancelled by the next commit: a commit every frame
    // (entries arriving) must not keep the rest from mounting.
    if (leading >= count || mountFrame.current !== null) return;
    mountFrame.current = requestAnimationFrame(() => {
      mountFrame.current = null;
      const mounted = wholeMounted.current;
      wholeMounted.current = { run: mounted.run, upTo: mounted.upTo + WHOLE_ROWS_PER_COMMIT, stepped: true };
      mountMore();
    });
  }, [result.run, leading, count]);
  useEffect(() => () => cancelAnimationFrame(mountFrame.current ?? 0), []);

  // The selected and the focused row stay in the DOM even when scrolled out of view: a
  // focused element that unmounts drops the keyboard back to the page.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = leading < range.count ? leadingAndInView(range, leading) : defaultRangeExtractor(range);
      const kept = [selectedIndex, focusedIndex].filter((index) => index >= 0 && !indexes.includes(index));
      return kept.length === 0 ? indexes : [...indexes, ...kept].sort((a, b) => a - b);
    },
    [selectedIndex, focusedIndex, leading],
  );
  // The compiler lint flags every useVirtualizer call; this app does not run the React Compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: span.end - span.start,
    getScrollElement: () => viewportRef.current,
    estimateSize,
    getItemKey,
    rangeExtractor,
    // A short transcript is rendered whole: the browser's find-in-page then sees every row,
    // and so does anything that reads the DOM. Virtualising only pays off past that.
    overscan: span.end - span.start <= RENDER_WHOLE_BELOW ? RENDER_WHOLE_BELOW : follow ? FOLLOWING_OVERSCAN : OVERSCAN,
    measureElement,
  });

  // Following the tail without the virtualizer's followOnAppend, which scrolled after each
  // commit, re-rendered on the scroll event that caused and read the scroll height back every
  // frame until it held (issue 17: the main cost of a flood after the renders themselves).
  // Here the rows are laid out for the bottom in this render, from the sizes known, and the
  // layout effect below scrolls there once: the virtualizer already holds that offset, so it
  // takes the scroll event for a repeat and renders nothing more.
  // Only while nothing else has scrolled the viewport since: the offset the virtualizer holds is then ours.
  const tail = useRef<{ offset: number; viewportHeight: number } | null>(null);
  // Just after the person's wheel, key or drag, their scroll event is still to come: lay the rows
  // out where the view is, and leave it there (tailWrite). Read once, for the render and its commit.
  const input = lastInput();
  const held = isInputHeld(input.sinceInputMs, input.dragging);
  const laidOutAtTail = following.current && !held && rows.length > 0 && tail.current !== null && isSameOffset(virtualizer.scrollOffset, tail.current.offset);
  // The virtualizer's public field for the offset it lays out at.
  if (laidOutAtTail) virtualizer.scrollOffset = tailOffset(virtualizer.getTotalSize(), tail.current!.viewportHeight);

  const reveal = useCallback(
    (row: number, { align = "auto", focus = false }: { align?: "auto" | "center"; focus?: boolean } = {}) => {
      if (row < 0 || row >= rows.length) return;
      const seq = seqAt(row);
      const element = focus ? viewportRef.current?.querySelector<HTMLElement>(`[data-seq="${seq}"]`) : null;
      element?.focus({ preventScroll: true });
      const inWindow = row >= span.start && row < span.end;
      // Back to the newest row means following again, at once: during a flood, rows added before
      // the scroll lands leave it short of the bottom, and the scroll alone would not resume.
      const resuming = inWindow && row === rows.length - 1 && !following.current;
      // Going anywhere but the newest row means reading: new entries must not pull the view away.
      if (row !== rows.length - 1 || !inWindow) stopFollowing(inWindow ? span.start : windowStartAround(rows.length, row));
      else if (resuming) resume();
      if (inWindow && !resuming) virtualizer.scrollToIndex(row - span.start, { align });
      // Out of the window, the effect below scrolls once the moved window has rendered.
      pending.current = { ...pending.current, scrollToEnd: pending.current.scrollToEnd || resuming, row: inWindow ? null : row, align, focusSeq: focus && !element ? seq : null };
    },
    [rows.length, seqAt, span.start, span.end, virtualizer, stopFollowing, resume, following],
  );
  useImperativeHandle(props.ref, () => ({ reveal }), [reveal]);

  // Scrolls and focus that had to wait for a render (a moved window, a row not yet in the DOM).
  useLayoutEffect(() => {
    const wanted = pending.current;
    if (result.run !== lastRun.current) {
      // New rows altogether (first render, other filters, Clear, Undo): keep the person's place.
      lastRun.current = result.run;
      if (follow || selectedRow < 0) wanted.scrollToEnd = follow;
      else wanted.row = selectedRow;
      wanted.align = "center";
    }
    if (wanted.row !== null) {
      // reveal() has already moved the window to it; a row still outside is no longer wanted.
      if (wanted.row >= span.start && wanted.row < span.end) virtualizer.scrollToIndex(wanted.row - span.start, { align: wanted.align });
      wanted.row = null;
    }
    if (wanted.focusSeq !== null) {
      const element = viewportRef.current?.querySelector<HTMLElement>(`[data-seq="${wanted.focusSeq}"]`);
      if (element) {
        element.focus({ preventScroll: true });
        wanted.focusSeq = null;
      }
    }
  });

  // While following, to the bottom once per commit that moved it (or when asked to: a new
  // run, the jump back). Not on other commits: a click must not pull the view by a few pixels.
  const tailAt = follow ? virtualizer.getTotalSize() : null;
  const lastTailAt = useRef<number | null>(null);
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    const forced = pending.current.scrollToEnd;
    pending.current.scrollToEnd = false;
    if (viewport === null || tailAt === null || !following.current) {
      lastTailAt.current = null;
      tail.current = null;
      return;
    }
    const write = tailWrite({ forced, moved: tailAt !== lastTailAt.current, ...input });
    if (write === "hold") toTailAfterHold();
    if (write !== "write") return;
    lastTailAt.current = tailAt;
    // The DOM's own bottom (the browser clamps), read back as the browser rounded it.
    viewport.scrollTop = viewport.scrollHeight;
    const offset = viewport.scrollTop;
    tail.current = { offset, viewportHeight: viewport.clientHeight };
    // Rows laid out for this very offset: the scroll event is a repeat. Otherwise the virtualizer
    // must take it as news and lay the rows out again.
    if (laidOutAtTail && isSameOffset(virtualizer.scrollOffset, offset)) virtualizer.scrollOffset = offset;
  });

  // A held write, done once the person's input is over (a wheel turn down at the bottom moves
  // nothing, and the flood may have ended meanwhile). A scroll up has stopped the following by then.
  const holdTimer = useRef<number | undefined>(undefined);
  const toTailAfterHold = () => {
    window.clearTimeout(holdTimer.current);
    holdTimer.current = window.setTimeout(() => {
      const viewport = viewportRef.current;
      if (viewport === null || !following.current) return;
      if (inputHeld()) toTailAfterHold();
      else if (viewport.scrollHeight - viewport.scrollTop - viewport.clientHeight > 1) viewport.scrollTop = viewport.scrollHeight;
    }, INPUT_HOLD_MS);
  };
  useEffect(() => () => window.clearTimeout(holdTimer.current), []);

  const sizerRef = useRef<HTMLDivElement>(null);
  // Each row's aria-setsize: written here, so an append re-renders only the new rows (entry-row.tsx).
  useLayoutEffect(() => {
    const size = String(rows.length);
    for (const row of sizerRef.current?.querySelectorAll<HTMLElement>('[role="listitem"]') ?? []) {
      if (row.getAttribute("aria-setsize") !== size) row.setAttribute("aria-setsize", size);
    }
  });

  // Following survives every layout change. A viewport made shorter or narrower (Two accounts
  // ticked, the window resized, a pane shown again) keeps its scrollTop, which is then above
  // the new bottom; the list scrolls down only when its rows' total height moves, so without
  // this the tail is lost until the next entry.
  const hasRows = rows.length > 0;
  useEffect(() => {
    const viewport = viewportRef.current;
    if (viewport === null || !hasRows) return;
    const observer = new ResizeObserver(() => {
      if (!following.current) return;
      // The DOM's own bottom: the virtualizer may not have heard of the new size yet (its
      // observer can run after this one), and its end would then be the old one.
      if (viewport.scrollHeight - viewport.scrollTop - viewport.clientHeight > 1) viewport.scrollTop = viewport.scrollHeight;
    });
    // The rows' own growth is the effect above's: every commit that moves the bottom goes there.
    observer.observe(viewport);
    return () => observer.disconnect();
  }, [following, hasRows]);

  function jumpToNewest() {
    pending.current.scrollToEnd = true;
    resume();
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    noteKey(event.key);
    const target = event.target as HTMLElement;
    // Keys on a row's own buttons are theirs.
    if (target.dataset.seq === undefined) return;
    const seq = Number(target.dataset.seq);
    const row = rowOfSeq(seq);
    const entry = store.bySeq(seq);
    if (entry === undefined) return;
    const moveTo = (next: number) => {
      const clamped = Math.max(0, Math.min(rows.length - 1, next));
      const nextSeq = seqAt(clamped);
      if (nextSeq === null) return;
      onSelect(nextSeq);
      reveal(clamped, { focus: true });
    };
    const text = props.secrets?.get(seq) ?? entry.raw;
    const handlers: Record<string, () => void> = {
      ArrowDown: () => moveTo(row + 1),
      ArrowUp: () => moveTo(row - 1),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      Enter: () => props.canLoad && props.onAction("load", entry, text),
      c: () => props.onAction("copy", entry, text),
      p: () => {
        const partner = store.partnerOf(seq);
        const partnerRow = partner === undefined ? -1 : rowOfSeq(partner);
        if (partnerRow >= 0) moveTo(partnerRow);
      },
      Escape: () => onSelect(null),
    };
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const handler = event.ctrlKey || event.metaKey || event.altKey ? undefined : handlers[key];
    if (handler === undefined) return;
    event.preventDefault();
    handler();
  }

  function seqOfEvent(event: React.SyntheticEvent): number | null {
    const row = (event.target as HTMLElement).closest<HTMLElement>("[data-seq]");
    return row ? Number(row.dataset.seq) : null;
  }

  // Only rows the list still has, with their entries: when a new session shrinks the rows, a render can be handed rows that are gone.
  const laidOut = laidOutRows(virtualizer.getVirtualItems(), span, rows, store);
  const partnerSeq = selectedSeq === null ? undefined : store.partnerOf(selectedSeq);
  const firstRenderedSeq = laidOut[0]?.entry.seq ?? null;
  const tabbableSeq = selectedIndex >= 0 ? selectedSeq : firstRenderedSeq;

  return (
    <div className={styles.listArea}>
      {span.start > 0 && (
        <p className={styles.windowNote}>
          {span.start.toLocaleString("en")} earlier rows are not laid out.
          <button type="button" className="button small" onClick={() => reveal(Math.max(0, span.start - 1), { align: "center" })}>
            Show earlier
          </button>
        </p>
      )}
      <div
        ref={viewportRef}
        className={styles.viewport}
        {...scrollHandlers}
        onKeyDown={onKeyDown}
        onFocus={(event) => setFocusedSeq(seqOfEvent(event))}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget)) setFocusedSeq(null);
        }}
        onClick={(event) => onSelect(seqOfEvent(event) ?? selectedSeq)}
        onDoubleClick={(event) => {
          const seq = seqOfEvent(event);
          const entry = seq === null ? undefined : store.bySeq(seq);
          if (entry && props.canLoad) props.onAction("load", entry, props.secrets?.get(entry.seq) ?? entry.raw);
        }}
      >
        {rows.length === 0 ? (
          <div className={styles.empty}>{props.empty}</div>
        ) : (
          <div
            ref={sizerRef}
            role="list"
            aria-label="Transcript entries"
            className={styles.sizer}
            style={{ height: virtualizer.getTotalSize() }}
            // Only rows in view are in the DOM; these say what the whole list holds (for tests, too).
            data-row-count={rows.length}
            data-first-seq={seqAt(0) ?? undefined}
            data-last-seq={seqAt(rows.length - 1) ?? undefined}
          >
            {laidOut.map(({ item, row, entry }) => {
              const previous = row > 0 ? store.at(rows[row - 1]!) : undefined;
              return (
                <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className={styles.row} style={{ transform: `translateY(${item.start}px)` }}>
                  <EntryRow
                    entry={entry}
                    previousAt={previous?.at ?? 0}
                    position={row}
                    layout={props.layout}
                    pretty={props.pretty}
                    time={props.time}
                    revealedText={props.secrets?.get(entry.seq)}
                    matcher={result.matcher}
                    isMatch={positionOf(matches, row) >= 0}
                    selected={entry.seq === selectedSeq}
                    partner={entry.seq === partnerSeq}
                    tabbable={entry.seq === tabbableSeq}
                    idPrefix={idPrefix}
                    {...pairingOf(store, entry)}
                    canLoad={props.canLoad}
                    onAction={props.onAction}
                    folded={props.foldWhitespace && entry.kind === "whitespace" && entry.seq !== selectedSeq}
                  />
                </div>
              );
            })}
          </div>
        )}
      </div>
      {span.end < rows.length && newCount === 0 && (
        <p className={styles.windowNote}>
          {(rows.length - span.end).toLocaleString("en")} later rows are not laid out.
          <button type="button" className="button small" onClick={() => reveal(span.end, { align: "center" })}>
            Show later
          </button>
        </p>
      )}
      {newCount > 0 && (
        <button type="button" className={`button small primary ${styles.newEntries}`} onClick={jumpToNewest}>
          {newCount.toLocaleString("en")} new ↓
        </button>
      )}
    </div>
  );
}

/** Rows [0, leading) and those in view with a margin of FOLLOWING_OVERSCAN, in order. */
function leadingAndInView(range: Range, leading: number): number[] {
  const indexes: number[] = [];
  for (let index = 0; index < leading; index++) indexes.push(index);
  const last = Math.min(range.count - 1, range.endIndex + FOLLOWING_OVERSCAN);
  for (let index = Math.max(leading, range.startIndex - FOLLOWING_OVERSCAN); index <= last; index++) indexes.push(index);
  return indexes;
}

/**
 * A row's height from its ResizeObserver entry, which the browser delivers for every row just
 * mounted, all in one callback after layout. On mount itself (no entry) the size known so far
 * stands: reading offsetHeight there forced a layout per row and a re-render after each, the
 * main cost of a flood (issue 17: 40 forced layouts a frame at 20,000 entries/s).
 */
function measureRow(element: HTMLDivElement, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLDivElement, HTMLDivElement>): number {
  const box = entry?.borderBoxSize?.[0];
  if (box !== undefined) return Math.round(box.blockSize);
  if (entry !== undefined) return element.offsetHeight;
  const index = instance.indexFromElement(element);
  return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index);
}

/** What the iq exchange an entry belongs to looks like from this entry, as plain props (rows are memoised). */
function pairingOf(store: TranscriptStore, entry: TranscriptEntry): Pairing {
  if (entry.pair !== undefined) {
    return entry.dir === "event" ? { pairRole: "flag", pairSeq: entry.pair } : { pairRole: "response", pairSeq: entry.pair, pairRttMs: entry.rttMs };
  }
  const responseSeq = store.responseTo(entry.seq);
  if (responseSeq !== undefined) return { pairRole: "request", pairSeq: responseSeq, pairRttMs: store.bySeq(responseSeq)?.rttMs };
  const flagSeq = store.unansweredFlagFor(entry.seq);
  return flagSeq === undefined ? {} : { pairRole: "unanswered", pairSeq: flagSeq };
}
