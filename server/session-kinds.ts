import type { JID } from "@xmpp/jid";
import { GuidedSession } from "../lib/xmpp/guided-session";
import { RawSession } from "../lib/xmpp/raw-session";
import type { OpenMode, OpenRequest } from "../lib/bridge/protocol";
import type { SessionCoreOptions } from "../lib/xmpp/session-core";
import type { XmppSession } from "../lib/xmpp/session";

/** Everything a kind needs to build its session, resolved and checked by openSession. */
export interface SessionSetup {
  request: OpenRequest;
  /** Target, transport, domain, limits and what the operator allows: the same for every kind. */
  core: SessionCoreOptions;
  jid: JID;
  password: string;
}

export interface SessionKind {
  create(setup: SessionSetup): XmppSession;
  /** How the session list names the way it talks, such as "guided, SASL PLAIN". */
  describe(request: OpenRequest): string;
}

/**
 * Every kind of session the bridge opens, by the mode a tab asks for. A new kind (a script
 * runner) is one more entry here and one more mode in lib/bridge/protocol.ts; the type makes a
 * mode without a kind a compile error. Proxied connections are not opened but announced, when
 * a client connects through a tab's proxy (server/proxy/proxy-hub.ts, mode "proxy").
 */
export const SESSION_KINDS: Record<OpenMode, SessionKind> = {
  guided: {
    create: ({ request, core, jid, password }) =>
      new GuidedSession({
        ...core,
        username: jid.local,
        password,
        mechanism: request.mechanism,
        initialPresence: request.initialPresence,
        ...(jid.resource ? { resource: jid.resource } : {}),
      }),
    describe: (request) => `guided, SASL ${request.mechanism}`,
  },
  raw: {
    create: ({ core }) => new RawSession(core),
    describe: () => "raw",
  },
};
