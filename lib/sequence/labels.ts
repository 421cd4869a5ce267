import type { ElementOutline } from "../xml/parse-element";
import { NS_BIND, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_MUC, NS_MUC_ADMIN, NS_MUC_OWNER, NS_PING, NS_REGISTER, NS_ROSTER, NS_SESSION, NS_VCARD, NS_VERSION } from "../xml/namespaces";
import type { TranscriptEntry } from "../xmpp/entry";

/** Payloads named by what they are for rather than by their element ("query" says little). */
const PAYLOAD_NAMES: Record<string, string> = {
  [NS_ROSTER]: "roster",
  [NS_DISCO_INFO]: "disco#info",
  [NS_DISCO_ITEMS]: "disco#items",
  [NS_PING]: "ping",
  [NS_VERSION]: "version",
  [NS_VCARD]: "vcard",
  [NS_REGISTER]: "register",
  [NS_BIND]: "bind",
  [NS_SESSION]: "session",
  [NS_MUC_OWNER]: "muc#owner",
  [NS_MUC_ADMIN]: "muc#admin",
};

/** Labels stay short: a label is one line on an arrow. */
const MAX_LABEL = 48;

/**
 * A short label for an arrow: the kind, the type and what the stanza carries, such as
 * "iq get ping", "message chat", "presence subscribe", "sasl auth PLAIN".
 * `outline` is the entry's parsed outline when it could be parsed.
 */
export function arrowLabel(entry: TranscriptEntry, outline: ElementOutline | null): string {
  const type = entry.attrs?.type;
  const payload = outline?.children.find((child) => child.name !== "error");
  let label: string;
  switch (entry.kind) {
    case "stream-open":
      label = "stream open";
      break;
    case "stream-close":
      label = "stream close";
      break;
    case "features":
      label = "stream features";
      break;
    case "stream-error":
      label = "stream error";
      break;
    case "tls":
      label = entry.name === "starttls" ? "starttls" : `tls ${entry.name ?? ""}`;
      break;
    case "sasl":
      label = `sasl ${entry.name ?? ""}${entry.name === "auth" && outline?.attrs.mechanism ? ` ${outline.attrs.mechanism}` : ""}`;
      break;
    case "sm":
      label = `sm ${entry.name ?? ""}`;
      break;
    case "iq":
    case "bind": {
      const what = payload === undefined ? "" : ` ${PAYLOAD_NAMES[payload.ns] ?? payload.name}`;
      label = `iq ${type ?? "(no type)"}${what}`;
      break;
    }
    case "message":
      // RFC 6121 section 5.2.2: a message with no type is "normal".
      label = `message ${type ?? "normal"}${messageHint(outline)}`;
      break;
    case "presence":
      // RFC 6121 section 4.7.1: a presence with no type says the sender is available.
      label = `presence${type ? ` ${type}` : ""}${entry.dir === "out" && outline?.children.some((child) => child.ns === NS_MUC) ? " (join)" : ""}`;
      break;
    default:
      label = entry.name ?? entry.kind;
  }
  if (entry.auto) label += " (auto)";
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

/** What a message carries when it is not a body: a subject, a chat state, an invitation. */
function messageHint(outline: ElementOutline | null): string {
  if (outline === null || outline.children.some((child) => child.name === "body")) return "";
  const first = outline.children.find((child) => child.name !== "thread" && child.name !== "error");
  return first === undefined ? "" : ` · ${first.name}`;
}
