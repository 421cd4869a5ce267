"use client";

import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from "react";
import { buildSequence, BRACKET_COLUMNS, MAX_DRAWN_ENTRIES, type Arrow, type Lifeline, type SequenceModel } from "@/lib/sequence/sequence-model";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import { useTranscriptStore } from "@/components/stream/use-transcript-store";
import { countNoun } from "@/lib/count-noun";
import styles from "./sequence.module.css";

export interface SequenceDiagramProps {
  store: TranscriptStore;
  /** The session's full JID, its server's domain and the peer, when the page knows them. */
  account?: string | null;
  domain?: string | null;
  peer?: string | null;
  selectedSeq: number | null;
  onSelect(seq: number | null): void;
}

const ROW = 30;
const HEAD = 44;
const SEQ_WIDTH = 48;
const BRACKET_STEP = 7;
const LEFT = SEQ_WIDTH + BRACKET_COLUMNS * BRACKET_STEP + 8;
const COLUMN = 176;
/** Rows drawn beyond the visible ones, above and below, so a quick scroll shows no gap. */
const OVERSCAN = 12;
/** Arrow and label positions within a row. */
const LINE_Y = 21;
const LABEL_Y = 14;

/**
 * The transcript as a sequence diagram, drawn as SVG: a column per party, an arrow per
 * entry. Only the rows in view are in the DOM, so thousands of entries stay cheap; the
 * drawing is one listbox whose options are the arrows, selected together with the lanes.
 */
export function SequenceDiagram({ store, account, domain, peer, selectedSeq, onSelect }: SequenceDiagramProps) {
  const version = useTranscriptStore(store);
  const model = useMemo(() => {
    const all = store.all();
    const from = Math.max(all.length - store.size, all.length - MAX_DRAWN_ENTRIES);
    return buildSequence(all.slice(from), { account, domain, peer });
    // `version` is the store's change counter: the model reads the store, not React state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version, account, domain, peer]);
  const omitted = store.size - Math.min(store.size, MAX_DRAWN_ENTRIES);
  const idPrefix = useId();
  const viewportRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  const following = useRef(true);

  const rowCount = model.arrows.length;
  const width = LEFT + COLUMN * Math.max(1, model.lifelines.length);
  const first = Math.max(0, Math.floor(view.top / ROW) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((view.top + view.height) / ROW) + OVERSCAN);
  const selectedRow = selectedSeq === null ? -1 : (model.rowOfSeq.get(selectedSeq) ?? -1);
  const selectedArrow = selectedRow < 0 ? undefined : model.arrows[selectedRow];

  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (viewport === null) return;
    const measure = () => setView({ top: Math.max(0, viewport.scrollTop - HEAD), height: viewport.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(viewport);
    return () => observer.disconnect();
  }, []);

  // New arrows keep the newest in view while the person has not scrolled up to read.
  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (viewport !== null && following.current) viewport.scrollTop = viewport.scrollHeight;
  }, [rowCount]);

  // A selection made elsewhere (the lanes) scrolls its arrow into view.
  useEffect(() => {
    if (selectedRow >= 0) scrollRowIntoView(selectedRow);
    // Only when the selection moves: the person may scroll away from it afterwards.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedSeq]);

  function scrollRowIntoView(row: number) {
    const viewport = viewportRef.current;
    if (viewport === null) return;
    const top = HEAD + row * ROW;
    const visibleTop = viewport.scrollTop + HEAD;
    const visibleBottom = viewport.scrollTop + viewport.clientHeight;
    if (top >= visibleTop && top + ROW <= visibleBottom) return;
    following.current = false;
    viewport.scrollTop = Math.max(0, top - HEAD - (viewport.clientHeight - HEAD) / 2);
  }

  function onScroll() {
    const viewport = viewportRef.current;
    if (viewport === null) return;
    following.current = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW;
    setView({ top: Math.max(0, viewport.scrollTop - HEAD), height: viewport.clientHeight });
  }

  function selectRow(row: number) {
    const arrow = model.arrows[Math.max(0, Math.min(rowCount - 1, row))];
    if (arrow === undefined) return;
    onSelect(arrow.seq);
    scrollRowIntoView(model.rowOfSeq.get(arrow.seq)!);
  }

  function onKeyDown(event: React.KeyboardEvent<SVGSVGElement>) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const page = Math.max(1, Math.floor((view.height - HEAD) / ROW) - 1);
    const from = selectedRow >= 0 ? selectedRow : -1;
    const handlers: Record<string, () => void> = {
      ArrowDown: () => selectRow(from + 1),
      ArrowUp: () => selectRow(from < 0 ? rowCount - 1 : from - 1),
      PageDown: () => selectRow(from + page),
      PageUp: () => selectRow(from - page),
      Home: () => selectRow(0),
      End: () => selectRow(rowCount - 1),
      p: () => selectedArrow?.partner !== undefined && selectRow(model.rowOfSeq.get(selectedArrow.partner) ?? -1),
      Escape: () => onSelect(null),
    };
    const handler = handlers[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (handler === undefined) return;
    event.preventDefault();
    handler();
  }

  const x = (lifeline: number) => LEFT + COLUMN * lifeline + COLUMN / 2;
  // Where a bracket's arm stops: just short of the arrow's leftmost end.
  const reach = (row: number) => {
    const arrow = model.arrows[row]!;
    return Math.min(x(arrow.from), x(arrow.to)) - 4;
  };
  const rows = model.arrows.slice(first, last);
  const errors = useMemo(() => model.arrows.reduce((count, arrow) => count + (arrow.isError ? 1 : 0), 0), [model]);

  return (
    <div className={styles.diagram} data-testid="sequence-diagram" data-arrow-count={rowCount} data-lifeline-count={model.lifelines.length}>
      <p className={styles.summary}>
        {countNoun(rowCount, "arrow")} between {model.lifelines.length} parties
        {errors > 0 && <span className={styles.errorCount}> · {countNoun(errors, "error")}</span>}
        {omitted > 0 && <> · the {omitted.toLocaleString("en")} earliest entries are not drawn</>}
        <span className={styles.keys}>
          <kbd>↑</kbd> <kbd>↓</kbd> select · <kbd>P</kbd> paired iq
        </span>
      </p>
      <div ref={viewportRef} className={styles.viewport} onScroll={onScroll}>
        <div className={styles.heads} style={{ width }} role="list" aria-label="Parties">
          {model.lifelines.map((lifeline, index) => (
            <div key={lifeline.key} role="listitem" className={`${styles.head} ${styles[`role-${lifeline.role}`] ?? ""}`} style={{ left: x(index) - COLUMN / 2 + 4, width: COLUMN - 8 }} title={lifeline.detail ? `${lifeline.jid}: ${lifeline.detail}` : lifeline.jid} data-role={lifeline.role}>
              <span className={styles.headJid}>{headLines(lifeline)[0]}</span>
              <span className={styles.headCaption}>{headLines(lifeline)[1]}</span>
            </div>
          ))}
        </div>
        <div className={styles.body} style={{ width, height: Math.max(rowCount, 1) * ROW }}>
          {rowCount === 0 ? (
            <p className={styles.empty}>Nothing to draw yet: each stanza the session sends or receives becomes an arrow here.</p>
          ) : (
            <svg
              className={styles.svg}
              role="listbox"
              aria-label="Sequence diagram: one arrow per entry"
              tabIndex={0}
              aria-activedescendant={selectedRow >= first && selectedRow < last ? `${idPrefix}-${selectedSeq}` : undefined}
              onKeyDown={onKeyDown}
              width={width}
              height={(last - first) * ROW}
              style={{ top: first * ROW }}
            >
              <g aria-hidden="true">
                {model.lifelines.map((lifeline, index) => (
                  <line key={lifeline.key} className={styles.lifeline} x1={x(index)} x2={x(index)} y1={0} y2={(last - first) * ROW} />
                ))}
                {model.brackets.map((bracket) =>
                  bracket.responseRow < first || bracket.requestRow >= last ? null : (
                    <path
                      key={bracket.requestRow}
                      className={`${styles.bracket} ${styles[`pair${bracket.color}`]}`}
                      d={bracketPath(SEQ_WIDTH + 4 + bracket.column * BRACKET_STEP, (bracket.requestRow - first) * ROW + LINE_Y, (bracket.responseRow - first) * ROW + LINE_Y, reach(bracket.requestRow), reach(bracket.responseRow))}
                    />
                  ),
                )}
              </g>
              {rows.map((arrow, index) => (
                <ArrowRow
                  key={arrow.seq}
                  arrow={arrow}
                  model={model}
                  y={index * ROW}
                  width={width}
                  x={x}
                  id={`${idPrefix}-${arrow.seq}`}
                  position={first + index}
                  rowCount={rowCount}
                  selected={arrow.seq === selectedSeq}
                  partner={selectedArrow?.partner === arrow.seq}
                  onSelect={onSelect}
                />
              ))}
            </svg>
          )}
        </div>
      </div>
    </div>
  );
}

/** A full JID's head shows the bare JID, then the caption with the resource: the column is narrow. */
function headLines({ jid, caption, role }: Lifeline): [string, string] {
  const slash = role === "you" || role === "resource" ? jid.indexOf("/") : -1;
  return slash < 0 ? [jid, caption] : [jid.slice(0, slash), `${caption} · ${jid.slice(slash)}`];
}

/** A bracket in the gutter column `column`, its arms reaching out to the start of each arrow. */
function bracketPath(column: number, y1: number, y2: number, reach1: number, reach2: number): string {
  return `M ${reach1} ${y1} H ${column} V ${y2} H ${reach2}`;
}

interface ArrowRowProps {
  arrow: Arrow;
  model: SequenceModel;
  y: number;
  width: number;
  x(lifeline: number): number;
  id: string;
  position: number;
  rowCount: number;
  selected: boolean;
  partner: boolean;
  onSelect(seq: number): void;
}

function ArrowRow({ arrow, model, y, width, x, id, position, rowCount, selected, partner, onSelect }: ArrowRowProps) {
  const fromLine = model.lifelines[arrow.from]!;
  const toLine = model.lifelines[arrow.to]!;
  const x1 = x(arrow.from);
  const x2 = x(arrow.to);
  const self = arrow.from === arrow.to;
  const sign = x2 >= x1 ? 1 : -1;
  const tone = arrow.isError ? styles.error : arrow.pairColor !== undefined ? styles[`pair${arrow.pairColor}`] : arrow.dir === "out" ? styles.out : styles.in;
  const classes = [styles.arrow, tone, selected ? styles.selected : "", partner ? styles.partner : "", arrow.kind === "stream-open" || arrow.kind === "features" || arrow.kind === "tls" || arrow.kind === "sasl" || arrow.kind === "sm" || arrow.kind === "stream-close" ? styles.streamLevel : ""].join(" ");
  const labelX = self ? x1 + 30 : (x1 + x2) / 2;
  const described = `#${arrow.seq}, ${fromLine.jid} to ${toLine.jid}: ${arrow.label}${arrow.condition ? `, error ${arrow.condition}` : ""}${arrow.pairRole === "request" ? `, answered by #${arrow.partner}` : arrow.pairRole === "response" ? `, answers #${arrow.partner}` : ""}`;
  return (
    <g
      role="option"
      id={id}
      className={classes}
      aria-selected={selected}
      aria-label={described}
      aria-posinset={position + 1}
      aria-setsize={rowCount}
      data-seq={arrow.seq}
      data-error={arrow.isError ? "true" : undefined}
      data-pair={arrow.partner}
      transform={`translate(0 ${y})`}
      onClick={() => onSelect(arrow.seq)}
    >
      <rect className={styles.rowBg} x={0} y={1} width={width} height={ROW - 2} rx={3} />
      <text className={styles.seq} x={SEQ_WIDTH - 6} y={LINE_Y + 4} textAnchor="end">
        #{arrow.seq}
      </text>
      {self ? (
        <path className={styles.line} d={`M ${x1} ${LINE_Y - 7} h 22 v 9 h -18`} />
      ) : (
        <line className={styles.line} x1={x1} x2={x2 - sign * 7} y1={LINE_Y} y2={LINE_Y} />
      )}
      <path className={styles.tip} d={self ? `M ${x1} ${LINE_Y + 2} l 7 -4 v 8 z` : `M ${x2} ${LINE_Y} l ${-sign * 8} -4.5 v 9 z`} />
      <text className={styles.label} x={labelX} y={LABEL_Y} textAnchor={self ? "start" : "middle"}>
        {fit(arrow.label, self ? COLUMN - 30 : Math.abs(x2 - x1) - 8)}
        {arrow.condition && <tspan className={styles.condition}> ⚠ {arrow.condition}</tspan>}
      </text>
    </g>
  );
}

/** Cuts a label to about `pixels` of 11 px monospace, so it stays between its lifelines. */
function fit(label: string, pixels: number): string {
  const chars = Math.max(6, Math.floor(pixels / 6.7));
  return label.length <= chars ? label : `${label.slice(0, chars - 1)}…`;
}
