"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { ExportMenu, ImportButton, type ImportedCapture } from "./transcript-files";
import { openPlaygroundDb, type PlaygroundDb } from "@/lib/persistence/playground-db";
import type { StoredSessionSummary } from "@/lib/persistence/persisted-transcripts";
import type { ExportedEntry } from "@/lib/transcript-files/format";
import { displayText, truncationNote } from "@/lib/xml/display-text";
import { storeOf } from "@/lib/transcript/transcript-store";
import { SequencePanel } from "@/components/sequence/sequence-panel";

/**
 * Reads a capture offline: an imported file, or a session this browser stored. Nothing
 * here connects anywhere. Entries are shown read-only, a page at a time, because a
 * capture can hold a million of them.
 *
 * It renders its own simple list rather than StreamLanes, whose props are being reworked.
 */

const PAGE_SIZE = 500;

export function CaptureViewer() {
  const [capture, setCapture] = useState<ImportedCapture | null>(null);
  return (
    <main className="workbench captures">
      <div className="workbench-toolbar capture-toolbar">
        <h1 className="capture-title">Captures</h1>
        <ImportButton onImport={setCapture} label="Open a file…" />
        {capture !== null && <ExportMenu entries={() => capture.entries} count={capture.entries.length} meta={capture.meta} />}
      </div>
      <SavedSessions onOpen={setCapture} />
      {capture === null ? (
        <p className="hint">Open an exported transcript or stream files, or a session saved in this browser. Nothing is sent anywhere.</p>
      ) : (
        <CaptureView capture={capture} />
      )}
    </main>
  );
}

/** Sessions this browser kept, with open and delete; storage is per browser profile. */
function SavedSessions({ onOpen }: { onOpen(capture: ImportedCapture): void }) {
  const [db, setDb] = useState<PlaygroundDb | null>(null);
  const [sessions, setSessions] = useState<StoredSessionSummary[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let opened: PlaygroundDb | null = null;
    void openPlaygroundDb().then(async (result) => {
      if (!result.ok) {
        if (live) setMessage(result.message);
        return;
      }
      opened = result.db;
      if (!live) return result.db.close();
      setDb(result.db);
      setSessions(await result.db.listSessions());
    });
    return () => {
      live = false;
      opened?.close();
    };
  }, []);

  const open = useCallback(
    async (sessionKey: string) => {
      const loaded = await db?.loadEntries(sessionKey);
      if (!loaded) return setMessage("That session is no longer stored in this browser.");
      const { meta, full } = loaded.session;
      const note = full ? "Browser storage filled up during this session: entries after the last one shown were not stored." : undefined;
      onOpen({ entries: loaded.entries, meta: { ...meta, timing: "recorded", ...(note ? { note } : {}) }, fileNames: [] });
    },
    [db, onOpen],
  );

  const remove = useCallback(
    async (sessionKey: string) => {
      if (db === null) return;
      await db.deleteSession(sessionKey);
      setSessions(await db.listSessions());
    },
    [db],
  );

  if (message !== null) return <p className="hint">{message}</p>;
  if (sessions.length === 0) return null;
  return (
    <section aria-labelledby="saved-sessions-title" className="saved-sessions">
      <div className="panel-title">
        <h2 id="saved-sessions-title">Saved in this browser</h2>
      </div>
      <ul>
        {sessions.map((session) => (
          <li key={session.sessionKey} className="row">
            <span>
              {session.meta.jid ?? "no JID"} · {session.entryCount.toLocaleString("en-US")} entries · {new Date(session.updatedAt).toLocaleString()}
              {session.full && " · incomplete (storage was full)"}
            </span>
            <button type="button" className="button small" onClick={() => void open(session.sessionKey)} aria-label={`Open the session of ${session.meta.jid ?? "no JID"} saved ${new Date(session.updatedAt).toLocaleString()}`}>
              Open
            </button>
            <button type="button" className="button small" onClick={() => void remove(session.sessionKey)} aria-label={`Delete the session of ${session.meta.jid ?? "no JID"} saved ${new Date(session.updatedAt).toLocaleString()}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function CaptureView({ capture }: { capture: ImportedCapture }) {
  const { entries, meta } = capture;
  const [page, setPage] = useState(0);
  const [shown, setShown] = useState(capture);
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  // A new capture starts at its first page (state adjusted during render, not in an effect).
  if (shown !== capture) {
    setShown(capture);
    setPage(0);
    setSelectedSeq(null);
  }
  const store = useMemo(() => storeOf(entries), [entries]);
  // An arrow chosen in the diagram turns to its entry's page and brings the entry into view.
  function select(seq: number | null) {
    setSelectedSeq(seq);
    const index = seq === null ? -1 : store.indexOfSeq(seq);
    if (index < 0) return;
    setPage(Math.floor(index / PAGE_SIZE));
    requestAnimationFrame(() => document.querySelector(`.capture-view [data-seq="${seq}"]`)?.scrollIntoView({ block: "nearest" }));
  }
  const pages = Math.max(1, Math.ceil(entries.length / PAGE_SIZE));
  const first = page * PAGE_SIZE;
  const visible = entries.slice(first, first + PAGE_SIZE);
  const revealedCount = entries.filter((entry) => entry.revealedOnExport).length;

  return (
    <section className="capture-view" aria-label="Capture">
      <p className="capture-meta">{describeCapture(capture)}</p>
      {meta.note && <p className="hint">{meta.note}</p>}
      {revealedCount > 0 && (
        <p className="error-text" role="note">
          This file holds credentials in clear text ({revealedCount} {revealedCount === 1 ? "entry" : "entries"} revealed on export). Share it with care.
        </p>
      )}
      <SequencePanel defaultOpen={false} store={store} account={meta.jid} selectedSeq={selectedSeq} onSelect={select} />
      <nav className="row" aria-label="Pages">
        <button type="button" className="button small" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span aria-live="polite">
          {entries.length === 0 ? "No entries" : `Entries ${first + 1}–${first + visible.length} of ${entries.length}`} (page {page + 1} of {pages})
        </span>
        <button type="button" className="button small" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </nav>
      <div className="lanes">
        <div className="lanes-header">
          <span>client → server</span>
          <span>server → client</span>
        </div>
        <ol className="lanes-body" aria-label="Entries">
          {visible.map((entry, index) => (
            <CaptureEntry key={entry.seq} entry={entry} selected={entry.seq === selectedSeq} onSelect={select} previousAt={meta.timing === "recorded" ? (visible[index - 1]?.at ?? entries[first - 1]?.at ?? 0) : null} />
          ))}
        </ol>
      </div>
    </section>
  );
}

/** One line about where the capture came from: file, account, target, mode, when, how many. */
function describeCapture({ entries, meta, fileNames }: ImportedCapture): string {
  const parts = [
    fileNames.join(", "),
    meta.jid,
    meta.target,
    meta.mode,
    meta.exportedAt === undefined ? undefined : `exported ${new Date(meta.exportedAt).toLocaleString()}`,
    `${entries.length.toLocaleString("en-US")} entries`,
  ];
  return parts.filter((part) => part !== undefined && part !== "").join(" · ");
}

function CaptureEntry({ entry, previousAt, selected, onSelect }: { entry: ExportedEntry; previousAt: number | null; selected: boolean; onSelect(seq: number): void }) {
  const lane = entry.dir === "out" ? "lane-out" : entry.dir === "in" ? "lane-in" : "lane-event";
  const direction = entry.dir === "out" ? "client to server" : entry.dir === "in" ? "server to client" : "event";
  const shown = displayText(entry.raw);
  return (
    <li className={`entry ${lane} kind-${entry.kind}${selected ? " selected" : ""}`} data-seq={entry.seq} aria-current={selected ? "true" : undefined} aria-label={`#${entry.seq}, ${direction}, ${entry.kind}`} onClick={() => onSelect(entry.seq)}>
      <div className="entry-meta">
        <span className="entry-seq">#{entry.seq}</span>
        {previousAt !== null && <span>+{(entry.at - previousAt).toFixed(1)} ms</span>}
        <span className="badge">{entry.kind}</span>
        {entry.redacted && <span className="badge badge-secret">redacted</span>}
        {entry.revealedOnExport && <span className="badge badge-secret">revealed on export</span>}
        {entry.pair !== undefined && <span className="badge">answers #{entry.pair}</span>}
        {entry.error && <span className="badge badge-error">{entry.error}</span>}
      </div>
      {/* Text, never markup: an imported file is untrusted. At most a screenful, controls drawn visibly. */}
      <pre className="entry-raw">{shown.text}</pre>
      {shown.omitted > 0 && (
        <p className="hint" data-testid="entry-truncated">
          {truncationNote(shown)}
        </p>
      )}
    </li>
  );
}
