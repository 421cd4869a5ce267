"use client";

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { bridgeOfThisTab, type SessionEvents } from "@/lib/bridge/client";
import type { SessionSummary, Transport } from "@/lib/bridge/protocol";
import type { LessonMode } from "@/lib/lessons/types";
import type { LessonVariables } from "@/lib/lessons/variables";
import { TranscriptStore } from "@/lib/transcript/transcript-store";

export type LessonSessionStatus = "idle" | "connecting" | "online" | "closed";

export interface LessonSessionView {
  status: LessonSessionStatus;
  sessionId: string | null;
  link: "up" | "down";
  /** The full JID once bound (guided: at once; raw: when your bind iq succeeds). */
  jid: string | null;
  variables: LessonVariables | null;
  target: string | null;
  message: string | null;
  /** Counts sessions in this page, so a new one restarts the step's window. */
  generation: number;
}

export interface LessonSessionSetup {
  slug: string;
  mode: LessonMode;
  transport: Transport;
  peer: "scripted" | "none";
  /** Guided lessons announce availability once bound unless the lesson teaches it (RFC 6121 §4.2). */
  initialPresence: boolean;
  /** The scripted peer is already in {{room}} when the session opens. */
  peerInRoom?: boolean;
  /** The learner's account is also online from a scripted second device. */
  otherDevice?: boolean;
  streamManagement?: boolean;
}

type Action =
  | { type: "connecting" }
  | { type: "opened"; summary: SessionSummary }
  | { type: "state"; status: LessonSessionStatus; jid?: string; message?: string }
  | { type: "link"; link: "up" | "down" }
  | { type: "dropped" }
  | { type: "failed"; message: string };

const INITIAL: LessonSessionView = { status: "idle", sessionId: null, link: "up", jid: null, variables: null, target: null, message: null, generation: 0 };

function reducer(view: LessonSessionView, action: Action): LessonSessionView {
  switch (action.type) {
    case "connecting":
      return { ...INITIAL, status: "connecting", generation: view.generation + 1 };
    case "opened": {
      const { summary } = action;
      return {
        ...view,
        sessionId: summary.sessionId,
        status: summary.state,
        jid: summary.jid ?? view.jid,
        variables: summary.lesson?.variables ?? null,
        target: summary.target,
        message: summary.message ?? null,
      };
    }
    case "state":
      return { ...view, status: action.status, jid: action.jid ?? view.jid, message: action.message ?? null };
    case "link":
      return { ...view, link: action.link };
    case "dropped":
      // A new connection: nothing is bound on it until the learner binds or resumes (XEP-0198 §5).
      return { ...view, jid: null };
    case "failed":
      return { ...view, status: "closed", message: action.message };
  }
}

const bridge = bridgeOfThisTab;

const storageKey = (slug: string) => `xmpp-playground:lesson-session:${slug}`;
/** Sessions whose page unmounted; closed unless the same lesson mounts again at once (React's strict mode does). */
const pendingCloses = new Map<string, ReturnType<typeof setTimeout>>();
/** Sessions given to the workbench (Continue in the workbench): leaving the lesson must not close them. */
const handedOver = new Set<string>();

/**
 * Gives the lesson's current session away: the lesson forgets it (a later visit opens a new
 * one) and leaving the page no longer closes it. Returns its id and token for the new owner.
 */
export function handOverLessonSession(slug: string): { sessionId: string; token: string } | null {
  const saved = sessionStorage.getItem(storageKey(slug));
  if (saved === null) return null;
  const session = JSON.parse(saved) as { sessionId: string; token: string };
  handedOver.add(session.sessionId);
  sessionStorage.removeItem(storageKey(slug));
  return session;
}

/**
 * The lesson's own session through the bridge: a fresh account (and a scripted peer when
 * the lesson has one), opened when the page opens, reattached after a reload, closed when
 * the learner leaves the lesson (the server then removes the accounts).
 */
export function useLessonSession(setup: LessonSessionSetup) {
  const { slug, mode, transport, peer, initialPresence, peerInRoom = false, otherDevice = false, streamManagement = false } = setup;
  const [view, dispatch] = useReducer(reducer, INITIAL);
  const [store] = useState(() => new TranscriptStore());
  const sessionIdRef = useRef<string | null>(null);
  /** Turned off when the session is replaced: the old one's last entries and its "closed" must not land in the new one. */
  const liveRef = useRef<{ live: boolean }>({ live: false });
  const eventsForNewSession = useCallback((): SessionEvents => {
    liveRef.current.live = false;
    const current = { live: true };
    liveRef.current = current;
    return {
      onEntries: (entries) => {
        if (current.live) store.append(entries);
      },
      onState: (status, detail) => {
        if (current.live) dispatch({ type: "state", status, ...detail });
      },
      onLink: (link) => {
        if (current.live) dispatch({ type: "link", link });
      },
    };
  }, [store]);

  /** An open in flight: React's strict mode mounts twice, and one page must not open two sessions. */
  const openingRef = useRef(false);
  /** The page left: a session that opens after that is closed at once (its accounts removed). */
  const abandonedRef = useRef(false);

  const start = useCallback(async () => {
    const previous = sessionIdRef.current;
    openingRef.current = true;
    const events = eventsForNewSession();
    if (previous !== null) void bridge().close(previous).catch(() => undefined);
    sessionIdRef.current = null;
    sessionStorage.removeItem(storageKey(slug));
    dispatch({ type: "connecting" });
    store.reset();
    try {
      const summary = await bridge().open(
        { mode, transport, mechanism: "PLAIN", initialPresence, account: { kind: "fresh" }, lesson: { peer, ...(peerInRoom ? { peerInRoom } : {}), ...(otherDevice ? { otherDevice } : {}), ...(streamManagement ? { streamManagement } : {}) } },
        events,
      );
      if (abandonedRef.current) {
        void bridge().close(summary.sessionId).catch(() => undefined);
        return;
      }
      sessionIdRef.current = summary.sessionId;
      // Per tab, gone with it: the token (and with it the variables) never leaves this tab.
      sessionStorage.setItem(storageKey(slug), JSON.stringify({ sessionId: summary.sessionId, token: summary.token }));
      dispatch({ type: "opened", summary });
    } catch (error) {
      dispatch({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    } finally {
      openingRef.current = false;
    }
  }, [slug, mode, transport, peer, initialPresence, peerInRoom, otherDevice, streamManagement, store, eventsForNewSession]);

  useEffect(() => {
    const pending = pendingCloses.get(slug);
    if (pending !== undefined) {
      clearTimeout(pending);
      pendingCloses.delete(slug);
    }
    if (sessionIdRef.current === null && !openingRef.current) {
      const saved = sessionStorage.getItem(storageKey(slug));
      if (saved === null) {
        void start();
      } else {
        // A reload: pick the same session up again, its transcript resent from the start.
        const { sessionId, token } = JSON.parse(saved) as { sessionId: string; token: string };
        sessionIdRef.current = sessionId;
        dispatch({ type: "connecting" });
        bridge()
          .attach(sessionId, token, 0, eventsForNewSession())
          .then((summary) => dispatch({ type: "opened", summary }))
          .catch(() => {
            sessionIdRef.current = null;
            void start();
          });
      }
    }
    return () => {
      pendingCloses.set(
        slug,
        setTimeout(() => {
          pendingCloses.delete(slug);
          abandonedRef.current = true;
          const sessionId = sessionIdRef.current;
          if (sessionId === null || handedOver.has(sessionId)) return;
          sessionIdRef.current = null;
          sessionStorage.removeItem(storageKey(slug));
          void bridge().close(sessionId).catch(() => undefined);
        }, 0),
      );
    };
  }, [slug, start, eventsForNewSession]);

  const send = useCallback(async (xml: string) => {
    const sessionId = sessionIdRef.current;
    if (sessionId === null) throw new Error("The lesson's session is not open: start a new session.");
    await bridge().send(sessionId, xml);
  }, []);

  /** The unmasked text of this session's redacted entries (SASL payloads), for Reveal. */
  const reveal = useCallback(async () => {
    const sessionId = sessionIdRef.current;
    return sessionId === null ? new Map<number, string>() : bridge().reveal(sessionId);
  }, []);

  /** Raw mode: drops the connection without ending the stream and dials again (a step's `action: drop-connection`). */
  const reconnect = useCallback(async () => {
    const sessionId = sessionIdRef.current;
    if (sessionId === null) throw new Error("The lesson's session is not open: start a new session.");
    await bridge().reconnect(sessionId);
    dispatch({ type: "dropped" });
  }, []);

  return { view, store, send, reveal, reconnect, restart: start };
}
