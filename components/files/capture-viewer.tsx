"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { countNoun } from "@/lib/count-noun";
import { ExportMenu, ImportButton, type ImportedCapture } from "./transcript-files";
import { CapturePane } from "./capture-pane";
import { openPlaygroundDb, type PlaygroundDb } from "@/lib/persistence/playground-db";
import type { StoredSessionSummary } from "@/lib/persistence/persisted-transcripts";
import { SAVED_PREFIX, captureName, formatCaptureLink, parseCaptureLink, type CaptureLink } from "@/lib/transcript-files/capture-link";
import type { AccountMeta } from "@/lib/transcript-files/format";
import styles from "./capture-viewer.module.css";

/**
 * Reads a capture offline: an imported file, or a session this browser stored. Nothing
 * here connects anywhere. Each account of it opens in the workbench's own lanes
 * (virtualised, so a million entries are fine), read-only.
 *
 * The selected entry is in the address (`#capture=NAME&entry=87`), so the address is a link
 * to it: opened, it selects and scrolls to that entry once its capture is open.
 */

interface OpenCapture extends ImportedCapture {
  name: string;
}

export function CaptureViewer() {
  const [capture, setCapture] = useState<OpenCapture | null>(null);
  const [link, setLink] = useState<CaptureLink | null>(null);
  useEffect(() => {
    const follow = () => setLink(parseCaptureLink(window.location.hash));
    follow();
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  const open = useCallback((opened: ImportedCapture, savedKey?: string) => setCapture({ ...opened, name: captureName(opened.fileNames, savedKey) }), []);
  const waiting = link !== null && link.capture !== capture?.name && !link.capture.startsWith(SAVED_PREFIX);
  const accounts = capture?.meta.accounts;
  return (
    <main className="workbench captures">
      <div className="workbench-toolbar capture-toolbar">
        <h1 className="capture-title">Captures</h1>
        <ImportButton onImport={(opened) => open(opened)} label="Open a file…" />
        {capture !== null && (
          <ExportMenu
            entries={() => capture.entries}
            count={capture.entries.length}
            meta={capture.meta}
            {...(accounts === undefined ? {} : { accounts: () => accounts.map((account) => ({ meta: account, entries: capture.entries.filter((entry) => entry.account === account.id) })) })}
          />
        )}
      </div>
      <SavedSessions onOpen={open} autoOpen={link?.capture.startsWith(SAVED_PREFIX) ? link.capture.slice(SAVED_PREFIX.length) : null} />
      {waiting && (
        <p className="hint" role="note" data-testid="link-waiting">
          This link points to entry #{link.entry} of {link.capture}. Open that file to see it.
        </p>
      )}
      {capture === null ? (
        <p className="hint">Open an exported transcript or stream files, or a session saved in this browser. Nothing is sent anywhere.</p>
      ) : (
        <CaptureView key={capture.name + capture.entries.length} capture={capture} link={link?.capture === capture.name ? link : null} />
      )}
    </main>
  );
}

/** Sessions this browser kept, with open and delete; storage is per browser profile. */
function SavedSessions({ onOpen, autoOpen }: { onOpen(capture: ImportedCapture, savedKey: string): void; autoOpen: string | null }) {
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
      onOpen({ entries: loaded.entries, meta: { ...meta, timing: "recorded", ...(note ? { note } : {}) }, fileNames: [] }, sessionKey);
    },
    [db, onOpen],
  );

  // A link to an entry of a saved session opens that session, once, when storage is open and lists it.
  const autoOpened = useRef<string | null>(null);
  const listed = db !== null && autoOpen !== null && sessions.some((session) => session.sessionKey === autoOpen);
  useEffect(() => {
    if (!listed || autoOpen === null || autoOpened.current === autoOpen) return;
    const timer = setTimeout(() => {
      autoOpened.current = autoOpen;
      void open(autoOpen);
    }, 0);
    return () => clearTimeout(timer);
  }, [listed, autoOpen, open]);

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

function CaptureView({ capture, link }: { capture: OpenCapture; link: CaptureLink | null }) {
  const { entries, meta } = capture;
  const accounts: AccountMeta[] = meta.accounts ?? [{ id: "", ...meta }];
  const [selected, setSelected] = useState<{ account: string; seq: number } | null>(null);
  // A link (on arrival, or pasted into the address bar) selects its entry: state adjusted during render.
  const [followed, setFollowed] = useState<CaptureLink | null>(null);
  if (link !== null && link !== followed) {
    setFollowed(link);
    setSelected({ account: link.account ?? accounts[0]!.id, seq: link.entry });
  }
  const select = (account: string, seq: number | null) => {
    setSelected(seq === null ? null : { account, seq });
    const hash = seq === null ? "" : formatCaptureLink({ capture: capture.name, entry: seq, ...(account === "" ? {} : { account }) });
    window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}${hash}`);
  };
  const revealedCount = entries.filter((entry) => entry.revealedOnExport).length;
  const linkHere = selected === null ? null : formatCaptureLink({ capture: capture.name, entry: selected.seq, ...(selected.account === "" ? {} : { account: selected.account }) });

  return (
    <section className="capture-view" aria-label="Capture">
      <p className="capture-meta">
        {describeCapture(capture)}
        {linkHere !== null && (
          <>
            {" · "}
            <a href={linkHere} data-testid="entry-link">
              Link to #{selected!.seq}
            </a>
          </>
        )}
      </p>
      {meta.note && <p className="hint">{meta.note}</p>}
      {meta.anonymized && <p className="hint">Anonymized on export: addresses, hosts and message texts are placeholders.</p>}
      {revealedCount > 0 && (
        <p className="error-text" role="note">
          This file holds credentials in clear text ({countNoun(revealedCount, "entry", "entries")} revealed on export). Share it with care.
        </p>
      )}
      <div className={accounts.length > 1 ? `${styles.panes} ${styles.twoPanes}` : styles.panes}>
        {accounts.map((account, index) => (
          <AccountOfCapture key={account.id} account={account} index={index} several={accounts.length > 1} entries={entries} selected={selected} onSelect={select} />
        ))}
      </div>
    </section>
  );
}

function AccountOfCapture({ account, index, several, entries, selected, onSelect }: { account: AccountMeta; index: number; several: boolean; entries: ImportedCapture["entries"]; selected: { account: string; seq: number } | null; onSelect(account: string, seq: number | null): void }) {
  const own = useMemo(() => (several ? entries.filter((entry) => entry.account === account.id) : entries), [entries, account.id, several]);
  const onSelectHere = useCallback((seq: number | null) => onSelect(account.id, seq), [onSelect, account.id]);
  return <CapturePane label={several ? `Account ${index + 1}: ${account.jid ?? account.id}` : `Account: ${account.jid ?? "no JID"}`} meta={account} entries={own} selectedSeq={selected?.account === account.id ? selected.seq : null} onSelect={onSelectHere} />;
}

/** One line about where the capture came from: file, account, target, mode, when, how many. */
function describeCapture({ entries, meta, fileNames }: ImportedCapture): string {
  const parts = [
    fileNames.join(", "),
    meta.accounts === undefined ? meta.jid : `${meta.accounts.length} accounts`,
    meta.target,
    meta.mode,
    meta.exportedAt === undefined ? undefined : `exported ${new Date(meta.exportedAt).toLocaleString()}`,
    `${entries.length.toLocaleString("en-US")} entries`,
  ];
  return parts.filter((part) => part !== undefined && part !== "").join(" · ");
}
