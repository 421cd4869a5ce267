"use client";

import { useEffect, useRef } from "react";
import type { TranscriptEntry } from "@/lib/xmpp/entry";

/**
 * Client-to-server on the left, server-to-client on the right, one row per entry in the
 * order they crossed the wire, so a reply sits below the request it answers.
 */
interface StreamLanesProps {
  entries: TranscriptEntry[];
  /** The person chose to see credentials; `secrets` has their unmasked text by seq. */
  revealed: boolean;
  secrets: Map<number, string> | null;
  onToggleSecrets(reveal: boolean): void;
}

export function StreamLanes({ entries, revealed, secrets, onToggleSecrets }: StreamLanesProps) {
  const hasSecrets = entries.some((entry) => entry.redacted);
  const endRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: "end" });
  }, [entries.length]);

  return (
    <section className="lanes" aria-label="Stream lanes">
      <div className="lanes-header">
        <span aria-hidden="true">client → server</span>
        <span aria-hidden="true">server → client</span>
        {hasSecrets && (
          <label className="checkbox reveal-toggle">
            <input type="checkbox" checked={revealed} onChange={(event) => onToggleSecrets(event.target.checked)} />
            Reveal credentials
          </label>
        )}
      </div>
      <ol className="lanes-body">
        {entries.length === 0 && <li className="lanes-empty">Nothing has crossed the wire yet. Connect to start a stream.</li>}
        {entries.map((entry, index) => (
          <EntryRow key={entry.seq} entry={entry} revealed={secrets?.get(entry.seq)} previousAt={entries[index - 1]?.at ?? 0} />
        ))}
      </ol>
      <div ref={endRef} />
    </section>
  );
}

function EntryRow({ entry, revealed, previousAt }: { entry: TranscriptEntry; revealed: string | undefined; previousAt: number }) {
  const lane = entry.dir === "out" ? "lane-out" : entry.dir === "in" ? "lane-in" : "lane-event";
  return (
    <li className={`entry ${lane} kind-${entry.kind}`} data-testid={`entry-${entry.dir}`} data-kind={entry.kind} data-seq={entry.seq}>
      <div className="entry-meta">
        <span className="entry-seq">#{entry.seq}</span>
        <time title={new Date(entry.wall).toISOString()}>{formatDelta(entry.at - previousAt)}</time>
        <span className="badge">{entry.kind}</span>
        {entry.redacted && (
          <span className="badge badge-secret" title="Credentials are hidden in every view and export unless revealed">
            <LockIcon /> {revealed === undefined ? "redacted" : "revealed"}
          </span>
        )}
        {entry.rttMs !== undefined && <span className="badge">answers #{entry.pair} in {entry.rttMs.toFixed(1)} ms</span>}
        {entry.error && <span className="badge badge-error">{entry.error}</span>}
      </div>
      {/* Text, never markup: whatever a server sends is rendered inert. */}
      <pre className="entry-raw">{revealed ?? entry.raw}</pre>
    </li>
  );
}

function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="10" height="10" aria-hidden="true">
      <path d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z" fill="currentColor" />
    </svg>
  );
}

function formatDelta(ms: number): string {
  return ms < 1000 ? `+${ms.toFixed(1)} ms` : `+${(ms / 1000).toFixed(2)} s`;
}
