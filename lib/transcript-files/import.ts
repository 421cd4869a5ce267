import { EVENT_CODES, isEventCode, type EventCode } from "../xmpp/event-codes";
import type { Direction, EntryAttrs, EntryKind, InvalidBytes } from "../xmpp/entry";
import type { StreamViolation } from "../xmpp/framing";
import {
  DIRECTIONS,
  ENTRY_KINDS,
  MAX_TRANSCRIPT_FILE_BYTES,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_VERSION,
  TRANSCRIPT_VERSION_ACCOUNTS,
  ACCOUNT_ID,
  type AccountMeta,
  type ExportedEntry,
  type ImportedMeta,
} from "./format";

/**
 * Reads a transcript file someone handed us. Everything in it is untrusted: each field is
 * checked, and entries are rebuilt as fresh objects holding only known fields, so a
 * `__proto__` or `constructor` key in the file is inert data that never reaches a view.
 */

export type ImportResult = { ok: true; entries: ExportedEntry[]; meta: ImportedMeta } | { ok: false; message: string };

export interface ImportLimits {
  /** Longest text accepted, in characters; a file's byte size is checked before it is read. */
  maxChars?: number;
}

const FIX_HINT = "Export the capture again from the playground, or correct the file and import it again.";
const ATTR_NAMES = ["to", "from", "id", "type"] as const satisfies readonly (keyof EntryAttrs)[];
const KIND_SET = new Set<string>(ENTRY_KINDS);
const DIRECTION_SET = new Set<string>(DIRECTIONS);
const VIOLATIONS = new Set<string>(["restricted-xml", "not-well-formed", "policy-violation", "unsupported-encoding"] satisfies StreamViolation[]);
const HEX_BYTES = /^[0-9a-f]{2}( [0-9a-f]{2}){0,3}$/;

/** A problem in the file; thrown only inside this module and turned into a result. */
class Invalid extends Error {}

type Fields = Record<string, unknown>;

export function tooLargeMessage(limitBytes: number): string {
  return `This file is larger than ${Math.round(limitBytes / (1024 * 1024))} MB, the most the playground imports. Split the capture or export a shorter session.`;
}

export function parseTranscriptFile(text: string, limits: ImportLimits = {}): ImportResult {
  const maxChars = limits.maxChars ?? MAX_TRANSCRIPT_FILE_BYTES;
  if (text.length > maxChars) return { ok: false, message: tooLargeMessage(maxChars) };
  if (text.trim() === "") return { ok: false, message: "The file is empty. Choose a transcript exported by the playground (.json)." };
  if (text.trimStart().startsWith("<")) {
    return {
      ok: false,
      message: "This looks like an XML stream file, not a JSON transcript. Import the client and server stream files together, or choose the .json export.",
    };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `This file is not valid JSON (${reason}). ${FIX_HINT}` };
  }
  try {
    return readDocument(document);
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, message: error.message };
    // Never let an unexpected failure escape as an exception into the page.
    return { ok: false, message: `The file could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function readDocument(document: unknown): ImportResult {
  if (!isRecord(document)) throw new Invalid(`The file holds ${describe(document)}, not a transcript object. ${FIX_HINT}`);
  const format = own(document, "format");
  if (format !== TRANSCRIPT_FORMAT) {
    throw new Invalid(`This is not an XMPP Playground transcript: \`format\` is ${describe(format)}, expected "${TRANSCRIPT_FORMAT}". Choose a file exported by the playground.`);
  }
  const version = own(document, "version");
  if (typeof version === "number" && Number.isInteger(version) && version > TRANSCRIPT_VERSION_ACCOUNTS) {
    throw new Invalid(`This transcript is format version ${version}, newer than this playground reads (${TRANSCRIPT_VERSION_ACCOUNTS}). Update the playground, or export again from the same version.`);
  }
  if (version !== TRANSCRIPT_VERSION && version !== TRANSCRIPT_VERSION_ACCOUNTS) {
    throw new Invalid(`\`version\` is ${describe(version)}; this playground reads versions ${TRANSCRIPT_VERSION} and ${TRANSCRIPT_VERSION_ACCOUNTS}. ${FIX_HINT}`);
  }
  const meta = readMeta(own(document, "meta"), own(document, "exportedAt"));
  const accounts = version === TRANSCRIPT_VERSION_ACCOUNTS ? readAccounts(own(document, "accounts")) : undefined;
  if (accounts !== undefined) meta.accounts = accounts;
  const entries = own(document, "entries");
  if (!Array.isArray(entries)) throw new Invalid(`\`entries\` must be a list of entries, found ${describe(entries)}. ${FIX_HINT}`);
  const result: ExportedEntry[] = new Array<ExportedEntry>(entries.length);
  // seq increases within each account (one timeline of several sessions).
  const previousSeq = new Map<string, number>();
  for (let index = 0; index < entries.length; index++) {
    const where = `entry ${index + 1}`;
    const account = accounts === undefined ? undefined : readAccountOf(entries[index], accounts, where);
    const entry = readEntry(entries[index], where, previousSeq.get(account ?? "") ?? 0);
    if (account !== undefined) entry.account = account;
    previousSeq.set(account ?? "", entry.seq);
    result[index] = entry;
  }
  return { ok: true, entries: result, meta };
}

function readAccounts(value: unknown): AccountMeta[] {
  if (!Array.isArray(value) || value.length === 0) throw new Invalid(`\`accounts\` must be a list of accounts, found ${describe(value)}. ${FIX_HINT}`);
  return value.map((item: unknown, index) => {
    const id = isRecord(item) ? own(item, "id") : undefined;
    if (typeof id !== "string" || !ACCOUNT_ID.test(id)) throw new Invalid(`accounts[${index}]: \`id\` must be a short name such as "a", found ${describe(id)}. ${FIX_HINT}`);
    const { timing: _timing, ...meta } = readMeta(item, undefined);
    void _timing;
    return { id, ...meta };
  });
}

function readAccountOf(value: unknown, accounts: readonly AccountMeta[], where: string): string {
  const account = isRecord(value) ? own(value, "account") : undefined;
  if (typeof account !== "string" || !accounts.some((known) => known.id === account)) {
    throw new Invalid(`${where}: \`account\` must be one of ${accounts.map((known) => known.id).join(", ")}, found ${describe(account)}. ${FIX_HINT}`);
  }
  return account;
}

function readMeta(value: unknown, exportedAt: unknown): ImportedMeta {
  const meta: ImportedMeta = { timing: "recorded" };
  if (exportedAt !== undefined) {
    if (typeof exportedAt !== "string" || Number.isNaN(Date.parse(exportedAt))) {
      throw new Invalid(`\`exportedAt\` must be a date such as "2025-01-01T12:00:00.000Z", found ${describe(exportedAt)}. ${FIX_HINT}`);
    }
    meta.exportedAt = exportedAt;
  }
  if (value === undefined) return meta;
  if (!isRecord(value)) throw new Invalid(`\`meta\` must be an object, found ${describe(value)}. ${FIX_HINT}`);
  for (const key of ["jid", "target", "mode"] as const) {
    const field = own(value, key);
    if (field === undefined) continue;
    if (typeof field !== "string") throw new Invalid(`meta: \`${key}\` must be text, found ${describe(field)}. ${FIX_HINT}`);
    meta[key] = field;
  }
  const anonymized = own(value, "anonymized");
  if (anonymized !== undefined && typeof anonymized !== "boolean") throw new Invalid(`meta: \`anonymized\` must be true or false, found ${describe(anonymized)}. ${FIX_HINT}`);
  if (anonymized === true) meta.anonymized = true;
  return meta;
}

function readEntry(value: unknown, where: string, previousSeq: number): ExportedEntry {
  if (!isRecord(value)) throw new Invalid(`${where}: must be an object, found ${describe(value)}. ${FIX_HINT}`);
  const fail = (problem: string): never => {
    throw new Invalid(`${where}: ${problem}. ${FIX_HINT}`);
  };

  const seq = own(value, "seq");
  if (!isPositiveInteger(seq)) fail(`\`seq\` must be a whole number from 1 up, found ${describe(seq)}`);
  if ((seq as number) <= previousSeq) fail(`\`seq\` must increase from one entry to the next, but ${seq as number} follows ${previousSeq}`);
  const dir = own(value, "dir");
  if (typeof dir !== "string" || !DIRECTION_SET.has(dir)) fail(`\`dir\` must be in, out or event, found ${describe(dir)}`);
  const at = own(value, "at");
  if (!isNonNegativeNumber(at)) fail(`\`at\` must be milliseconds since the session started (a number, 0 or more), found ${describe(at)}`);
  const wall = own(value, "wall");
  if (!isNonNegativeNumber(wall)) fail(`\`wall\` must be epoch milliseconds (a number, 0 or more), found ${describe(wall)}`);
  const raw = own(value, "raw");
  if (typeof raw !== "string") fail(`\`raw\` must be text, found ${describe(raw)}`);
  const kind = own(value, "kind");
  if (typeof kind !== "string" || !KIND_SET.has(kind)) fail(`\`kind\` must be one of ${ENTRY_KINDS.join(", ")}, found ${describe(kind)}`);

  // A fresh object with known fields only: nothing else from the file comes along.
  const entry: ExportedEntry = { seq: seq as number, dir: dir as Direction, at: at as number, wall: wall as number, raw: raw as string, kind: kind as EntryKind };

  for (const key of ["name", "ns", "error"] as const) {
    const field = own(value, key);
    if (field === undefined) continue;
    if (typeof field !== "string") fail(`\`${key}\` must be text, found ${describe(field)}`);
    entry[key] = field as string;
  }
  for (const key of ["redacted", "revealedOnExport", "auto", "injected"] as const) {
    const field = own(value, key);
    if (field === undefined) continue;
    if (typeof field !== "boolean") fail(`\`${key}\` must be true or false, found ${describe(field)}`);
    entry[key] = field as boolean;
  }
  const pair = own(value, "pair");
  if (pair !== undefined) {
    if (!isPositiveInteger(pair) || pair >= entry.seq) fail(`\`pair\` must be the seq of an earlier entry, found ${describe(pair)}`);
    entry.pair = pair as number;
  }
  const rttMs = own(value, "rttMs");
  if (rttMs !== undefined) {
    if (!isNonNegativeNumber(rttMs)) fail(`\`rttMs\` must be a number of milliseconds, 0 or more, found ${describe(rttMs)}`);
    entry.rttMs = rttMs as number;
  }
  const attrs = own(value, "attrs");
  if (attrs !== undefined) entry.attrs = readAttrs(attrs, fail);
  const violation = own(value, "violation");
  if (violation !== undefined) {
    if (typeof violation !== "string" || !VIOLATIONS.has(violation)) fail(`\`violation\` must be one of ${[...VIOLATIONS].join(", ")}, found ${describe(violation)}`);
    entry.violation = violation as StreamViolation;
  }
  const code = own(value, "code");
  if (code !== undefined) {
    if (entry.dir !== "event" || !isEventCode(code)) fail(`\`code\` belongs to events and must be one of ${EVENT_CODES.join(", ")}, found ${describe(code)}`);
    entry.code = code as EventCode;
  }
  const invalidBytes = own(value, "invalidBytes");
  if (invalidBytes !== undefined) entry.invalidBytes = readInvalidBytes(invalidBytes, entry.raw, fail);
  return entry;
}

function readAttrs(value: unknown, fail: (problem: string) => never): EntryAttrs {
  if (!isRecord(value)) return fail(`\`attrs\` must be an object, found ${describe(value)}`);
  const attrs: EntryAttrs = {};
  for (const name of ATTR_NAMES) {
    const field = own(value, name);
    if (field === undefined) continue;
    if (typeof field !== "string") fail(`\`attrs.${name}\` must be text, found ${describe(field)}`);
    attrs[name] = field as string;
  }
  return attrs;
}

/** Where bytes that were not UTF-8 stood in `raw`: each a U+FFFD there, with the bytes in hex. */
function readInvalidBytes(value: unknown, raw: string, fail: (problem: string) => never): InvalidBytes[] {
  if (!Array.isArray(value)) return fail(`\`invalidBytes\` must be a list, found ${describe(value)}`);
  return value.map((item: unknown, index) => {
    const at = isRecord(item) ? own(item, "at") : undefined;
    const hex = isRecord(item) ? own(item, "hex") : undefined;
    if (typeof at !== "number" || !Number.isSafeInteger(at) || raw[at] !== "\uFFFD" || typeof hex !== "string" || !HEX_BYTES.test(hex)) {
      return fail(`\`invalidBytes[${index}]\` must be { at, hex } with a U+FFFD of \`raw\` at \`at\` and one to four bytes in hex, found ${describe(item)}`);
    }
    return { at, hex };
  });
}

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own properties only: an inherited value (from a polluted prototype, say) is not the file's. */
function own(record: Fields, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** A short, safe description of a value for a message. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return String(value);
}
