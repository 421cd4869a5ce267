import type { Direction, EntryKind, TranscriptEntry } from "../xmpp/entry";

/**
 * The transcript file format, shared by export and import so the two cannot drift.
 * Version 1: `{ format, version, exportedAt, meta, entries }`, one entry per line.
 * Version 2 (several accounts in one capture): also `accounts: [{ id, jid?, target?, mode? }]`,
 * and each entry names its `account`; entries are one timeline, by wall-clock time, and
 * `seq` increases within each account. One account is still written as version 1.
 */
export const TRANSCRIPT_FORMAT = "xmpp-playground-transcript";
export const TRANSCRIPT_VERSION = 1;
export const TRANSCRIPT_VERSION_ACCOUNTS = 2;

/** An account's id in a capture: the workbench's pane ("a", "b"). */
export const ACCOUNT_ID = /^[a-z0-9-]{1,16}$/;

export interface AccountMeta extends TranscriptMeta {
  id: string;
}

/** V8 cannot hold a string much longer than 2^29 characters; refuse well before that. */
export const MAX_TRANSCRIPT_FILE_BYTES = 512 * 1024 * 1024;

/** What the exporting session was; every field optional because raw sessions may lack a JID. */
export interface TranscriptMeta {
  jid?: string;
  target?: string;
  mode?: string;
  /** Addresses, hosts and message texts were replaced by placeholders on export (anonymize.ts). */
  anonymized?: boolean;
}

/** An entry as written to a file: the user may have chosen to export credentials unmasked. */
export interface ExportedEntry extends TranscriptEntry {
  revealedOnExport?: boolean;
  /** In a capture of several accounts: whose entry it is. */
  account?: string;
}

/** What an import tells the viewer besides the entries. */
export interface ImportedMeta extends TranscriptMeta {
  exportedAt?: string;
  /** "none" for stream files: they carry only text, so `at` and `wall` are 0. */
  timing: "recorded" | "none";
  /** A sentence the viewer shows about where the entries came from and what is missing. */
  note?: string;
  /** A capture of several accounts: each, in the file's order (each entry names one). */
  accounts?: AccountMeta[];
}

export const DIRECTIONS: readonly Direction[] = ["out", "in", "event"];

export const ENTRY_KINDS = [
  "stream-open",
  "stream-close",
  "features",
  "tls",
  "sasl",
  "bind",
  "message",
  "presence",
  "iq",
  "sm",
  "stream-error",
  "other",
  "whitespace",
  "malformed",
  "status",
] as const satisfies readonly EntryKind[];

// A kind added to EntryKind but not here would make import reject real exports: fail the build instead.
type MissingKind = Exclude<EntryKind, (typeof ENTRY_KINDS)[number]>;
const everyKindListed: [MissingKind] extends [never] ? true : MissingKind = true;
void everyKindListed;

/** The unmasked text to write for an entry, if the user revealed it; never for unredacted entries. */
export function revealedRaw(entry: TranscriptEntry, secrets: ReadonlyMap<number, string> | undefined): string | undefined {
  return entry.redacted === true ? secrets?.get(entry.seq) : undefined;
}
