import type { TranscriptEntry } from "../xmpp/entry";

/** How a lesson session starts, and where its own login traffic ends and the learner's begins. */

export interface SessionShape {
  mode: "guided" | "raw";
  initialPresence: boolean;
}

/**
 * Where the session's own traffic ends and the learner's begins. Guided: after the library's
 * login (the "online" event) and, when it sends one, the initial presence (RFC 6121 §4.2), as
 * the headless runner opens its first window once connected. Raw: the learner types it all.
 */
export function loginEndSeq(entries: readonly TranscriptEntry[], session: SessionShape): number | null {
  if (session.mode === "raw") return 0;
  const online = entries.findIndex((entry) => entry.code === "online");
  if (online === -1) return null;
  if (!session.initialPresence) return entries[online]!.seq;
  const presence = entries.slice(online + 1).find((entry) => entry.dir === "out" && entry.name === "presence");
  return presence ? presence.seq : null;
}
