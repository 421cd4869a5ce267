"use client";

import { memo } from "react";
import type { SearchMatcher } from "@/lib/transcript/query";
import { formatClock, formatDelta, formatDuration, prettyView } from "@/lib/transcript/format";
import type { TranscriptEntry } from "@/lib/xmpp/entry";
import { displayText, truncationNote } from "@/lib/xml/display-text";
import { countNoun } from "@/lib/count-noun";
import { HighlightedText } from "./highlighted-text";
import styles from "./stream-lanes.module.css";

export type LanesLayout = "lanes" | "interleaved";
export type TimeMode = "absolute" | "delta";

/**
 * How an entry relates to the other half of its iq exchange: a response names its request,
 * a request its response, an unanswered request the event that flagged it, and that event
 * the request. Flat, so memoised rows compare it cheaply.
 */
export interface Pairing {
  pairRole?: "response" | "request" | "unanswered" | "flag";
  pairSeq?: number;
  pairRttMs?: number | undefined;
}

export interface EntryRowProps extends Pairing {
  entry: TranscriptEntry;
  /** `at` of the row shown above, for +Δ. */
  previousAt: number;
  position: number;
  layout: LanesLayout;
  pretty: boolean;
  time: TimeMode;
  /** The unmasked text, when the person revealed credentials and this entry had some. */
  revealedText: string | undefined;
  matcher: SearchMatcher | null;
  isMatch: boolean;
  selected: boolean;
  /** The other half of the selected row's iq exchange. */
  partner: boolean;
  /** The row that Tab reaches (roving tabindex: one row of the list is in the tab order). */
  tabbable: boolean;
  /** Unique per list, for the ids that tie a row to its text. */
  idPrefix: string;
  canLoad: boolean;
  onAction(action: "copy" | "load", entry: TranscriptEntry, text: string): void;
  /** Whitespace between stanzas drawn as a thin marker: kept and selectable, not a row of blank lines. */
  folded?: boolean;
}

const DIRECTION_WORDS = { out: "client to server", in: "server to client", event: "event" } as const;

/**
 * One entry of the transcript. Memoised: a frame re-renders only the rows that changed. Its
 * aria-setsize (the list's length, new with every append) is written by the list, not passed
 * here, or every row in the DOM would render again for each entry that arrives.
 */
export const EntryRow = memo(function EntryRow(props: EntryRowProps) {
  const { entry, revealedText, pretty, layout, selected, pairRole } = props;
  const text = revealedText ?? entry.raw;
  // What the row shows: at most a screenful, control characters drawn visibly. Copy and Load take it all.
  const view = pretty ? prettyView(entry, text) : { text, note: null };
  const shown = displayText(view.text);
  const lane = entry.dir === "out" ? styles.laneOut : entry.dir === "in" ? styles.laneIn : styles.laneEvent;
  const classes = [
    styles.entry,
    lane,
    layout === "interleaved" ? styles.single : "",
    entry.kind === "malformed" ? styles.malformed : "",
    selected ? styles.selected : "",
    props.partner ? styles.partner : "",
    props.isMatch ? styles.isMatch : "",
    pairRole === "unanswered" ? styles.unanswered : "",
  ].join(" ");

  if (props.folded) return <FoldedWhitespace {...props} />;
  return (
    <div
      role="listitem"
      className={classes}
      tabIndex={props.tabbable ? 0 : -1}
      aria-posinset={props.position + 1}
      aria-current={selected ? "true" : undefined}
      aria-label={`#${entry.seq}, ${DIRECTION_WORDS[entry.dir]}, ${entry.kind}${entry.error ? `, error ${entry.error}` : ""}`}
      aria-describedby={`${props.idPrefix}-${entry.seq}`}
      data-testid={`entry-${entry.dir}`}
      data-kind={entry.kind}
      data-seq={entry.seq}
    >
      <div className={styles.meta}>
        <span className={styles.seq}>#{entry.seq}</span>
        {layout === "interleaved" && entry.dir !== "event" && <span className={styles.arrow}>{entry.dir === "out" ? "C→S" : "S→C"}</span>}
        <time className={styles.time} dateTime={new Date(entry.wall).toISOString()} title={new Date(entry.wall).toISOString()}>
          {props.time === "absolute" ? formatClock(entry.wall) : formatDelta(entry.at - props.previousAt)}
        </time>
        <span className={styles.badge}>{entry.kind}</span>
        {entry.redacted && (
          <span className={`${styles.badge} ${styles.secret}`} title="Credentials are hidden in every view and export unless revealed">
            <LockIcon /> {revealedText === undefined ? "redacted" : "revealed"}
          </span>
        )}
        {entry.auto && (
          <span className={styles.badge} data-testid="entry-automatic" title="Written by the client library on its own (an answer to a server push), not typed by you">
            automatic
          </span>
        )}
        {entry.injected && (
          <span className={`${styles.badge} ${styles.secret}`} data-testid="entry-injected" title="Injected by you through the proxy: neither the client nor the server wrote it">
            injected
          </span>
        )}
        <PairingBadge pairRole={pairRole} pairSeq={props.pairSeq} pairRttMs={props.pairRttMs} />
        {entry.error && pairRole !== "flag" && <span className={`${styles.badge} ${styles.error}`}>{entry.error}</span>}
        <span className={styles.actions}>
          <button type="button" className="button small" tabIndex={props.tabbable ? 0 : -1} onClick={() => props.onAction("copy", entry, text)}>
            Copy
          </button>
          {props.canLoad && (
            <button type="button" className="button small" tabIndex={props.tabbable ? 0 : -1} onClick={() => props.onAction("load", entry, text)}>
              Load into editor
            </button>
          )}
        </span>
      </div>
      {/* Text, never markup: whatever a server sends is rendered inert. */}
      <pre className={styles.raw} id={`${props.idPrefix}-${entry.seq}`}>
        <HighlightedText text={shown.text} matcher={props.matcher} />
      </pre>
      {view.note !== null && (
        <p className={styles.truncated} data-testid="entry-raw-note">
          {view.note}
        </p>
      )}
      {shown.omitted > 0 && (
        <p className={styles.truncated} data-testid="entry-truncated">
          {truncationNote(shown)}
        </p>
      )}
    </div>
  );
});

/** The marker for whitespace between stanzas: one thin line in its lane, whatever its length. */
function FoldedWhitespace({ entry, position, tabbable, idPrefix, layout }: EntryRowProps) {
  const lane = entry.dir === "out" ? styles.laneOut : entry.dir === "in" ? styles.laneIn : styles.laneEvent;
  const summary = `whitespace, ${countNoun(entry.raw.length, "character")} (${countNoun(entry.raw.split("\n").length - 1, "line break")})`;
  return (
    <div
      role="listitem"
      className={`${styles.entry} ${lane} ${layout === "interleaved" ? styles.single : ""} ${styles.folded}`}
      tabIndex={tabbable ? 0 : -1}
      aria-posinset={position + 1}
      aria-label={`#${entry.seq}, ${DIRECTION_WORDS[entry.dir]}, ${summary}`}
      aria-describedby={`${idPrefix}-${entry.seq}`}
      title={`#${entry.seq}: ${summary}. Tick whitespace under Kinds to show it in full.`}
      data-testid={`entry-${entry.dir}`}
      data-kind={entry.kind}
      data-seq={entry.seq}
      data-folded="true"
    >
      <span id={`${idPrefix}-${entry.seq}`} className={styles.visuallyHidden}>
        {summary}
      </span>
    </div>
  );
}

function PairingBadge({ pairRole, pairSeq, pairRttMs }: Pairing) {
  const rtt = pairRttMs === undefined ? "" : ` in ${formatDuration(pairRttMs)}`;
  switch (pairRole) {
    case undefined:
      return null;
    case "response":
      return <span className={`${styles.badge} ${styles.pair}`}>answers #{pairSeq}{rtt}</span>;
    case "request":
      return <span className={`${styles.badge} ${styles.pair}`}>answered by #{pairSeq}{rtt}</span>;
    case "unanswered":
      return <span className={`${styles.badge} ${styles.error}`}>unanswered (flagged in #{pairSeq})</span>;
    case "flag":
      return <span className={`${styles.badge} ${styles.error}`}>unanswered: #{pairSeq}</span>;
  }
}

function LockIcon() {
  return (
    <svg className={styles.icon} viewBox="0 0 16 16" width="10" height="10" aria-hidden="true">
      <path d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z" fill="currentColor" />
    </svg>
  );
}
