import { parse as parseJid, type JID } from "@xmpp/jid";
import { registerDisposableAccount, removeAccount } from "../lib/xmpp/in-band-registration";
import type { OpenRequest } from "../lib/bridge/protocol";
import type { ServerAddress } from "../lib/xmpp/server-address";
import type { XmppSession } from "../lib/xmpp/session";
import { plainRemoteAllowed } from "../lib/xmpp/transport-policy";
import type { Allowlist } from "./allowlist";
import { addressFor, internalAccountServer, type BundledServer } from "./config";
import { SESSION_KINDS } from "./session-kinds";

export interface OpenedSession {
  session: XmppSession;
  target: string;
  account?: { jid: string; password: string };
  cleanup?: () => Promise<void>;
}

/**
 * Turns a tab's open request into a session: which server (the bundled one, or another
 * on the allowlist), which account (given, or a disposable one registered now), which mode.
 */
/** What the operator set for every session (server/session-registry.ts reads it from the environment). */
export interface SessionLimits {
  maxStanzaChars: number;
}

export async function openSession(request: OpenRequest, bundled: BundledServer, allowlist: Allowlist, limits?: SessionLimits): Promise<OpenedSession> {
  const requested: ServerAddress = request.server ?? addressFor(bundled, request.transport);
  if (request.mode === "raw" && request.transport === "websocket") {
    throw new Error("Raw mode speaks XMPP over a TCP socket; choose plain TCP, STARTTLS or direct TLS.");
  }
  // Resolved and checked once; the session dials exactly the checked addresses.
  const admission = await allowlist.admit(requested.host, requested.port);
  if (!admission.ok) throw new Error(admission.reason);
  const { host, port, addresses } = admission.target;
  const address: ServerAddress = { ...requested, host, port, addresses };

  const { jid, password, account, cleanup } = await resolveAccount(request, bundled);
  const transcript = limits === undefined ? {} : { transcript: { maxFrameLength: limits.maxStanzaChars, limitHint: " (BRIDGE_MAX_STANZA_CHARS)" } };
  const core = { server: address, transport: request.transport, domain: jid.domain, allowPlainRemote: plainRemoteAllowed(), bundledServer: request.server === undefined, ...transcript };
  const kind = SESSION_KINDS[request.mode];
  const session = kind.create({ request, core, jid, password });
  const how = kind.describe(request);
  const target = `${how} · ${request.transport} · ${address.host}:${address.port}`;
  return { session, target, ...(account ? { account } : {}), ...(cleanup ? { cleanup } : {}) };
}

async function resolveAccount(request: OpenRequest, bundled: BundledServer) {
  if (request.account.kind === "existing") {
    return { jid: parseAccountJid(request.account.jid, bundled.domain), password: request.account.password };
  }
  if (request.server !== undefined) {
    throw new Error("Fresh accounts are made on the bundled server; to use another server, log in with an existing account.");
  }
  // In-band registration (XEP-0077) over the app's own connection to the server; removed when the session ends.
  const registration = internalAccountServer(bundled);
  const { username, password } = await registerDisposableAccount(registration);
  const bareJid = `${username}@${bundled.domain}`;
  return {
    jid: parseAccountJid(bareJid, bundled.domain),
    password,
    account: { jid: bareJid, password },
    cleanup: () => removeAccount({ ...registration, username, password }),
  };
}

function parseAccountJid(text: string, defaultDomain: string): JID {
  const withDomain = text.includes("@") ? text.trim() : `${text.trim()}@${defaultDomain}`;
  let jid: JID;
  try {
    jid = parseJid(withDomain);
  } catch {
    throw new Error(`"${text}" is not a JID; write it as user@domain, for example alice@localhost.`);
  }
  if (!jid.local) throw new Error(`"${text}" has no username; write it as user@domain.`);
  return jid;
}
