"use client";

import { useId, useRef, useState } from "react";
// The export and import code loads when used: it is not part of the page's first paint.
const loadExport = () => import("@/lib/transcript-files/export");
const loadSlicedExport = () => import("@/lib/transcript-files/export-in-slices");
const loadImport = () => import("@/lib/transcript-files/import-streams");
import type { AccountCapture } from "@/lib/transcript-files/export";
import type { ExportedEntry, ImportedMeta, TranscriptMeta } from "@/lib/transcript-files/format";
import type { TranscriptEntry } from "@/lib/xmpp/entry";

/** Saves a Blob under a file name through a temporary object URL. */
function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a large Blob is worth a short wait.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

type ExportChoice = "json" | "client" | "server";

export interface ExportMenuProps {
  /** Read when an export is chosen, so a million entries are not copied on every render. */
  entries: () => readonly TranscriptEntry[];
  /** How many entries there are now (an empty transcript disables the menu). */
  count: number;
  meta: TranscriptMeta;
  /** Unmasked credentials by seq: pass them only while the person has revealed them, and they are exported too. */
  secrets?: ReadonlyMap<number, string> | null;
  disabled?: boolean;
  /**
   * Several accounts (read when an export is chosen): the JSON holds them all as one capture
   * with one timeline, and there are no stream files (they are one account's streams).
   */
  accounts?: () => AccountCapture[];
  /** The menu's accessible name; by default "Export N entries". */
  label?: string;
}

/** Export as the JSON transcript, or as the two XML stream files the tutorials describe. */
export function ExportMenu({ entries, count, meta, secrets, disabled = false, accounts, label }: ExportMenuProps) {
  const menuRef = useRef<HTMLDetailsElement>(null);
  const [busy, setBusy] = useState(false);
  const [anonymize, setAnonymize] = useState(false);
  const revealed = !anonymize && secrets !== null && secrets !== undefined && secrets.size > 0;
  const empty = count === 0;

  function exportAs(choice: ExportChoice) {
    setBusy(true);
    // A million entries take a few seconds: let "Preparing…" paint before the work starts.
    setTimeout(async () => {
      try {
        const [{ exportFileNames }, { exportCaptures, exportJsonInSlices }] = await Promise.all([loadExport(), loadSlicedExport()]);
        const exportedAt = new Date();
        // Anonymized, credentials are masked whatever was revealed.
        const options = { anonymize, exportedAt };
        if (accounts !== undefined) {
          const { blob, metas } = await exportCaptures("accounts", accounts(), options);
          download(blob, exportFileNames({ jid: metas.map((one) => one.jid?.split("@")[0] ?? one.id).join("+") }, exportedAt).json);
          return;
        }
        const revealedSecrets = secrets ?? undefined;
        if (choice === "json" && !anonymize) {
          // The one export that streams: the worker writes each chunk as it comes.
          download(await exportJsonInSlices(entries(), meta, revealedSecrets, exportedAt), exportFileNames(meta, exportedAt).json);
          return;
        }
        const { blob, metas } = await exportCaptures(choice, [{ meta, entries: entries(), secrets: revealedSecrets }], options);
        download(blob, exportFileNames(metas[0] ?? meta, exportedAt)[choice]);
      } finally {
        setBusy(false);
        if (menuRef.current) menuRef.current.open = false;
      }
    }, 0);
  }

  if (disabled || empty) {
    return (
      <button type="button" className="button small" disabled title={empty ? "Nothing to export yet" : undefined}>
        Export
      </button>
    );
  }
  return (
    <details ref={menuRef} className="export-menu">
      <summary className="button small" aria-label={label ?? `Export ${count} entries`}>
        {busy ? "Preparing…" : (label ?? "Export")}
      </summary>
      <div className="export-menu-items" role="group" aria-label="Export formats">
        {revealed && (
          <p className="hint" role="note">
            Credentials are revealed, so these files will contain them.
          </p>
        )}
        <label className="checkbox" title="JIDs, domains, host names, resources and message texts become placeholders (the same one each time); credentials stay masked">
          <input type="checkbox" checked={anonymize} onChange={(event) => setAnonymize(event.target.checked)} />
          Anonymize
        </label>
        <button type="button" className="button small" disabled={busy} onClick={() => exportAs("json")}>
          {accounts === undefined ? "Transcript (.json)" : "Both accounts, one timeline (.json)"}
        </button>
        {accounts === undefined && (
          <>
            <button type="button" className="button small" disabled={busy} onClick={() => exportAs("client")}>
              Client stream (.xml)
            </button>
            <button type="button" className="button small" disabled={busy} onClick={() => exportAs("server")}>
              Server stream (.xml)
            </button>
          </>
        )}
      </div>
    </details>
  );
}

export interface ImportedCapture {
  entries: ExportedEntry[];
  meta: ImportedMeta;
  fileNames: string[];
}

export interface ImportButtonProps {
  onImport(capture: ImportedCapture): void;
  label?: string;
}

/** One .json transcript, or the two stream files of one export; a bad file shows why, as an alert. */
export function ImportButton({ onImport, label = "Import…" }: ImportButtonProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const helpId = useId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function readChosen(input: HTMLInputElement) {
    const files = Array.from(input.files ?? []);
    // Cleared so choosing the same file again still fires a change.
    input.value = "";
    if (files.length === 0) return;
    setBusy(true);
    setError(null);
    const { readCaptureFiles } = await loadImport();
    const result = await readCaptureFiles(files);
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    onImport({ entries: result.entries, meta: result.meta, fileNames: files.map((file) => file.name) });
  }

  return (
    <div className="import-control">
      <button type="button" className="button small" disabled={busy} onClick={() => inputRef.current?.click()} aria-describedby={helpId}>
        {busy ? "Reading…" : label}
      </button>
      <span id={helpId} className="hint">
        a .json transcript, or both stream files (.xml) of one export
      </span>
      <input
        ref={inputRef}
        type="file"
        hidden
        multiple
        accept=".json,.xml,application/json,application/xml,text/xml"
        aria-label="Transcript file or stream files to import"
        onChange={(event) => void readChosen(event.currentTarget)}
      />
      {error !== null && (
        <p role="alert" className="error-text" data-testid="import-error">
          {error}
        </p>
      )}
    </div>
  );
}

export interface StorageFullNoticeProps {
  /** The `message` of a "full" result from `saveEntries`. */
  message: string;
  /** Where saved sessions can be exported and cleared, such as "/captures". */
  manageHref?: string;
  onDismiss?(): void;
}

/** Shown once browser storage for transcripts is full; the live session itself goes on. */
export function StorageFullNotice({ message, manageHref, onDismiss }: StorageFullNoticeProps) {
  return (
    <div role="alert" className="storage-full-notice" data-testid="storage-full">
      <span className="error-text">{message}</span>
      {manageHref !== undefined && (
        <a href={manageHref} className="button small">
          Manage saved sessions
        </a>
      )}
      {onDismiss !== undefined && (
        <button type="button" className="button small" onClick={onDismiss} aria-label="Dismiss the storage notice">
          Dismiss
        </button>
      )}
    </div>
  );
}
