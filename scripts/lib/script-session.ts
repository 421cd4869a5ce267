import type { OpenRequest, Transport } from "../../lib/bridge/protocol";
import { registerDisposableAccount, removeAccount } from "../../lib/xmpp/in-band-registration";
import type { XmppSession } from "../../lib/xmpp/session";
import type { Allowlist } from "../../server/allowlist";
import type { BundledServer } from "../../server/config";
import { openSession } from "../../server/open-session";

/**
 * Opens a stanza script's session the way the bridge opens a tab's (server/open-session.ts):
 * the allowlist admits the server first, then a guided session logs in and binds. A `fresh`
 * account is registered in-band (XEP-0077 §3.1) on that server and removed afterwards
 * (XEP-0077 §3.2), as lesson sessions do (server/lesson-session.ts).
 */

export interface ScriptTarget {
  host: string;
  port: number;
  domain: string;
  transport: Exclude<Transport, "websocket">;
}

export type ScriptAccount = { kind: "fresh" } | { kind: "given"; jid: string; password: string };

export interface OpenedScriptSession {
  session: XmppSession;
  /** The full JID the server bound (RFC 6120 §7.6.1). */
  jid: string;
  close(): Promise<void>;
}

export async function openScriptSession(target: ScriptTarget, account: ScriptAccount, allowlist: Allowlist): Promise<OpenedScriptSession> {
  const admission = await allowlist.admit(target.host, target.port);
  if (!admission.ok) throw new Error(admission.reason);
  const address = { host: admission.target.host, port: admission.target.port, addresses: admission.target.addresses };
  let credentials = account.kind === "given" ? { jid: account.jid, password: account.password } : undefined;
  let cleanup = async () => undefined as void;
  if (credentials === undefined) {
    if (target.transport === "tls") throw new Error("fresh accounts are registered over plain or STARTTLS; run with --tls plain or --tls starttls, or give an account");
    const registration = { server: address, domain: target.domain, transport: target.transport, prefix: "script" };
    const made = await registerDisposableAccount(registration);
    credentials = { jid: `${made.username}@${target.domain}`, password: made.password };
    cleanup = () => removeAccount({ ...registration, ...made });
  }
  const request: OpenRequest = {
    op: "open",
    ref: "script",
    mode: "guided",
    transport: target.transport,
    mechanism: "PLAIN",
    initialPresence: true,
    account: { kind: "existing", ...credentials },
    server: { host: target.host, port: target.port },
  };
  // openSession reads `bundled` only for requests without a server; this one always names it.
  const bundled: BundledServer = { host: target.host, domain: target.domain, ports: { plain: target.port, starttls: target.port, tls: target.port, websocket: target.port }, internalTransport: "plain" };
  try {
    const opened = await openSession(request, bundled, allowlist);
    const jid = await opened.session.connect().catch(async (error: unknown) => {
      await opened.session.close().catch(() => undefined);
      throw error;
    });
    return {
      session: opened.session,
      jid,
      close: async () => {
        await opened.session.close().catch(() => undefined);
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}
