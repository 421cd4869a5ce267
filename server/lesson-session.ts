import type { LessonSessionDetails, OpenRequest } from "../lib/bridge/protocol";
import { removeAccount as removeRegistered } from "../lib/xmpp/in-band-registration";
import { buildLessonVariables } from "../lib/lessons/variables";
import type { XmppSession } from "../lib/xmpp/session";
import type { Allowlist } from "./allowlist";
import { internalAccountServer, streamManagementDomain, type BundledServer } from "./config";
import { openSession, type OpenedSession, type SessionLimits } from "./open-session";
import { startScriptedDevice, type ScriptedDevice } from "./scripted-device";
import { startScriptedPeer } from "./scripted-peer";
import { boundJid } from "../lib/xmpp/raw-session";

/**
 * A lesson's session: a disposable account registered for it (XEP-0077), the lesson's mode
 * and transport, and, when the lesson asks, a scripted peer run by this server and a second
 * device of the learner's own account. Everything it made is undone when the session ends:
 * the device and the peer stop and both accounts are removed.
 */

type PeerHandle = { jid: string; enterRoom(room: string): Promise<void>; say(to: string, body: string): Promise<void>; stop(): Promise<void> };

/** What the scripted peer says while a stream management lesson's connection is down (XEP-0198 §5). */
export const WHILE_AWAY = "peer: I sent this while your connection was down";

/** Details only the tab that opened (or reattached with the token) ever receives. */
const detailsBySession = new WeakMap<XmppSession, LessonSessionDetails>();

export async function openLessonSession(request: OpenRequest, bundled: BundledServer, allowlist: Allowlist, limits?: SessionLimits): Promise<OpenedSession> {
  const lesson = request.lesson;
  if (lesson === undefined) throw new Error("not a lesson session");
  // SASL PLAIN: fast on the loopback listener; the lesson is about the stanzas, not the login.
  const internal = internalAccountServer(bundled);
  // The stream management lesson's account lives on the one host that offers XEP-0198; the peer stays on the main one.
  const home = lesson.streamManagement === true ? { ...bundled, domain: streamManagementDomain(bundled.domain) } : bundled;
  const accountRequest: OpenRequest = { ...request, account: { kind: "fresh" }, mechanism: "PLAIN" };
  delete accountRequest.server;
  const [opened, peer] = await settleBoth(
    openSession(accountRequest, home, allowlist, limits),
    lesson.peer === "scripted" ? startScriptedPeer(internal) : Promise.resolve(null),
  );
  if (opened.account === undefined) throw new Error("the lesson session has no account of its own");
  const username = opened.account.jid.split("@")[0] ?? "";
  // Fresh values per session, so a class shares one server without colliding (lessons/README.md, Variables).
  const variables = buildLessonVariables({ username, password: opened.account.password, domain: home.domain, ...(peer ? { peer: peer.jid } : {}) });
  detailsBySession.set(opened.session, { variables });
  const removeAccount = opened.cleanup;
  let device: ScriptedDevice | null = null;
  const cleanup = async () => {
    await device?.stop().catch(() => undefined);
    // The peer first: it leaves rooms and unsubscribes while the student's account still exists.
    await peer?.stop().catch(() => undefined);
    await removeAccount?.();
    // The registration lesson makes {{newuser}}; a learner who leaves halfway must not leave it behind.
    // Removal of an account that does not exist resolves quietly (XEP-0077 §3.2 is never reached).
    await removeRegistered({ ...internal, domain: home.domain, username: variables.newuser, password: variables.newpass }).catch(() => undefined);
  };
  if (lesson.streamManagement === true && peer !== null) {
    // A stanza in flight when the connection is lost, every time: the server queues it for the
    // pending session and sends it again on <resumed/> (XEP-0198 §5). To the full JID: with no
    // presence sent, a message to the bare JID would go to offline storage (RFC 6121 §8.5.2.1).
    let fullJid: string | undefined;
    opened.session.transcript.onEntry((entry) => {
      if (entry.kind === "bind" && entry.attrs?.type === "result") fullJid = boundJid(entry.raw) ?? fullJid;
      if (entry.code === "dropped" && fullJid !== undefined) void peer.say(fullJid, WHILE_AWAY).catch(() => undefined);
    });
  }
  if (lesson.peerInRoom && peer !== null) {
    // The room exists, with the peer in it, before the learner's session connects (XEP-0045 §7.2.1, §10.1.2).
    await peer.enterRoom(variables.room).catch(async (error: unknown) => {
      await cleanup().catch(() => undefined);
      throw new Error(`The scripted peer could not enter the lesson's room: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  if (lesson.otherDevice === true && peer !== null) {
    // The account exists now (registered by openSession); the device logs in to it before the learner does.
    device = await startScriptedDevice({ server: internal.server, domain: internal.domain, username, password: opened.account.password, peer: peer.jid }).catch(async (error: unknown) => {
      await cleanup().catch(() => undefined);
      throw new Error(`The lesson's other device could not start: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  return { ...opened, cleanup };
}

/** The lesson details of a session, for its opened and attached replies (undefined for other sessions). */
export function lessonDetailsOf(session: XmppSession): LessonSessionDetails | undefined {
  return detailsBySession.get(session);
}

/** Runs both; when one fails, undoes the other before rethrowing, so no account is left behind. */
async function settleBoth(opening: Promise<OpenedSession>, peering: Promise<PeerHandle | null>): Promise<[OpenedSession, PeerHandle | null]> {
  const [opened, peer] = await Promise.allSettled([opening, peering]);
  if (opened.status === "fulfilled" && peer.status === "fulfilled") return [opened.value, peer.value];
  if (opened.status === "fulfilled") await opened.value.cleanup?.().catch(() => undefined);
  if (peer.status === "fulfilled") await peer.value?.stop().catch(() => undefined);
  const reason = opened.status === "rejected" ? opened.reason : (peer as PromiseRejectedResult).reason;
  const message = reason instanceof Error ? reason.message : String(reason);
  throw new Error(opened.status === "rejected" ? message : `The scripted peer could not start: ${message}`);
}
