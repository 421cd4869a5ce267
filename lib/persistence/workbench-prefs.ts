import { TRANSPORTS, type SaslMechanism, type OpenMode, type Transport } from "../bridge/protocol";

/**
 * What the workbench remembers across reloads: the connection form and the layout. Read
 * back field by field, so a stale or hand-edited value falls back to the default instead of
 * reaching the form. The password is not among the fields: it is never written anywhere.
 */

export const CONNECTION_PREFS_KEY = "xmpp-playground:connection";
export const LAYOUT_PREFS_KEY = "xmpp-playground:layout";

export interface ConnectionPrefs {
  jid: string;
  mode: OpenMode;
  transport: Transport;
  mechanism: SaslMechanism;
  initialPresence: boolean;
  otherServer: boolean;
  host: string;
  port: string;
  websocketField: string;
}

export type PaneId = "a" | "b";

export interface LayoutPrefs {
  twoAccounts: boolean;
  /** With two accounts: the pane that fills the workbench (the other stays connected, hidden). */
  maximized: PaneId | null;
  /** The explanation beside the lanes, or hidden for a wider list. */
  explanation: boolean;
  /** The lanes' filter row, or only the search row. */
  filters: boolean;
  /** The editor column's share of the pane's width, in percent (the splitter keeps it within 20 to 60). */
  sideWidth: number;
}

export const DEFAULT_LAYOUT: LayoutPrefs = { twoAccounts: false, maximized: null, explanation: true, filters: true, sideWidth: 32 };

const MODES: readonly OpenMode[] = ["guided", "raw"];
const MECHANISMS: readonly SaslMechanism[] = ["PLAIN", "SCRAM-SHA-1"];
/** Far beyond a JID or host name: anything longer is not one. */
const MAX_TEXT = 1024;

type Fields<T> = { [K in keyof T]: (value: unknown) => T[K] | undefined };

const text = (value: unknown) => (typeof value === "string" && value.length <= MAX_TEXT ? value : undefined);
const flag = (value: unknown) => (typeof value === "boolean" ? value : undefined);
const oneOf =
  <T>(options: readonly T[]) =>
  (value: unknown) =>
    options.includes(value as T) ? (value as T) : undefined;

const CONNECTION_FIELDS: Fields<ConnectionPrefs> = {
  jid: text,
  mode: oneOf(MODES),
  transport: oneOf(TRANSPORTS.map((option) => option.id)),
  mechanism: oneOf(MECHANISMS),
  initialPresence: flag,
  otherServer: flag,
  host: text,
  port: text,
  websocketField: text,
};

const LAYOUT_FIELDS: Fields<LayoutPrefs> = {
  twoAccounts: flag,
  maximized: (value) => (value === null ? null : oneOf<PaneId>(["a", "b"])(value)),
  explanation: flag,
  filters: flag,
  sideWidth: (value) => (typeof value === "number" && value >= 20 && value <= 60 ? value : undefined),
};

/** The known, valid fields of `value`; nothing else, whatever else it holds. */
function pick<T extends object>(fields: Fields<T>, value: unknown): Partial<T> {
  const picked: Partial<T> = {};
  if (typeof value !== "object" || value === null) return picked;
  for (const name of Object.keys(fields) as (keyof T)[]) {
    const read = fields[name]((value as Record<string, unknown>)[name as string]);
    if (read !== undefined) picked[name] = read;
  }
  return picked;
}

function parse(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}

/** The remembered connection fields (a partial form: the rest keeps its defaults). */
export function parseConnectionPrefs(json: string | null): Partial<ConnectionPrefs> {
  return pick(CONNECTION_FIELDS, parse(json));
}

/** What is stored for the form: its known fields only, so a password handed in by mistake is dropped. */
export function serializeConnectionPrefs(form: ConnectionPrefs): string {
  return JSON.stringify(pick(CONNECTION_FIELDS, form));
}

export function parseLayoutPrefs(json: string | null): LayoutPrefs {
  return { ...DEFAULT_LAYOUT, ...pick(LAYOUT_FIELDS, parse(json)) };
}

export function serializeLayoutPrefs(layout: LayoutPrefs): string {
  return JSON.stringify(pick(LAYOUT_FIELDS, layout));
}
