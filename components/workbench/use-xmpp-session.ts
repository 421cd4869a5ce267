"use client";

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { BRIDGE_RESTARTED_MESSAGE, bridgeOfThisTab, type SessionEvents } from "@/lib/bridge/client";
import type { OpenRequest, SessionMode, SessionSummary, Transport } from "@/lib/bridge/protocol";
import { TranscriptStore } from "@/lib/transcript/transcript-store";
import { transcriptWriter } from "@/lib/persistence/transcript-writer";
import { playgroundDb } from "./use-browser-storage";

export type ConnectionStatus = "idle" | "connecting" | "online" | "closed";

export interface SessionView {
  status: ConnectionStatus;
  /** The link to the bridge; "down" while it reconnects (the session itself lives on). */
  link: "up" | "down";
  sessionId: string | null;
  mode: SessionMode | null;
  /** How the session reaches its server, as asked when it opened (the editor's rules depend on it). */
  transport: Transport | null;
  target: string | null;
  jid: string | null;
  /** A disposable account made for this session, shown so it can be used by hand. */
  account: { jid: string; password: string } | null;
  /** Why the session closed or failed, in words a person can act on. */
  message: string | null;
  /** Something the person should know while the session goes on (entries that could not be restored). */
  notice: string | null;
  /** The person asked to see credentials; `secrets` holds them once fetched. */
  revealed: boolean;
  secrets: Map<number, string> | null;
  /** The bridge's limit for one send (BRIDGE_MAX_SEND_CHARS), once a session told us. */
  maxSendChars: number | null;
  /**
   * After a reload: this browser's stored entries are being read back before the page
   * reattaches. No new session may start meanwhile (its lanes would take the old entries).
   */
  restoring: boolean;
}

type Action =
  | { type: "connecting"; transport: Transport | null }
  | { type: "restoring"; transport: Transport | null }
  | { type: "opened"; summary: SessionSummary }
  | { type: "state"; status: ConnectionStatus; jid?: string; message?: string }
  | { type: "link"; link: "up" | "down" }
  | { type: "notice"; notice: string }
  | { type: "reveal"; revealed: boolean }
  | { type: "secrets"; secrets: Map<number, string> | null }
  | { type: "failed"; message: string };

const INITIAL: SessionView = {
  status: "idle",
  link: "up",
  sessionId: null,
  mode: null,
  transport: null,
  target: null,
  jid: null,
  account: null,
  message: null,
  notice: null,
  revealed: false,
  secrets: null,
  maxSendChars: null,
  restoring: false,
};

function reducer(view: SessionView, action: Action): SessionView {
  switch (action.type) {
    case "connecting":
      return { ...INITIAL, status: "connecting", transport: action.transport };
    case "restoring":
      return { ...INITIAL, status: "connecting", transport: action.transport, restoring: true };
    case "opened": {
      const { summary } = action;
      return {
        ...view,
        sessionId: summary.sessionId,
        mode: summary.mode,
        target: summary.target,
        status: summary.state,
        jid: summary.jid ?? view.jid,
        account: summary.account ?? null,
        message: summary.message ?? null,
        maxSendChars: summary.maxSendChars ?? view.maxSendChars,
        restoring: false,
      };
    }
    case "state":
      return { ...view, status: action.status, jid: action.jid ?? view.jid, message: action.message ?? null, restoring: false };
    case "link":
      return { ...view, link: action.link };
    case "notice":
      return { ...view, notice: action.notice };
    case "reveal":
      return { ...view, revealed: action.revealed, secrets: action.revealed ? view.secrets : null };
    case "secrets":
      return view.revealed ? { ...view, secrets: action.secrets } : view;
    case "failed":
      return { ...view, status: "closed", message: action.message, restoring: false };
  }
}

const bridge = bridgeOfThisTab;

const storageKey = (paneId: string) => `xmpp-playground:session:${paneId}`;

/**
 * Makes pane `paneId` reattach to an existing session of this tab when it next mounts,
 * exactly as after a reload: a lesson's finish screen hands its session over this way.
 */
export function adoptSession(paneId: string, session: { sessionId: string; token: string; transport: Transport }): void {
  sessionStorage.setItem(storageKey(paneId), JSON.stringify({ ...session, instance: bridge().instance }));
}

/**
 * One XMPP session driven through the bridge. Its state is React's; its transcript lives
 * in a TranscriptStore outside React (a million entries must not be copied per batch).
 * A reload reattaches to the same session.
 */
export function useXmppSession(paneId: string) {
  const [view, dispatch] = useReducer(reducer, INITIAL);
  const [store] = useState(() => new TranscriptStore());
  const sessionIdRef = useRef<string | null>(null);
  const [events] = useState<SessionEvents>(() => ({
    onEntries: (entries) => store.append(entries),
    // Stored off this thread, as the bridge sent it (lib/persistence/batch-writer.ts); usePersistedTranscript hears what was stored.
    onBatch: (text) => transcriptWriter().batch(text),
    onState: (status, detail) => dispatch({ type: "state", status, ...detail }),
    onLink: (link) => dispatch({ type: "link", link }),
    onGap: (from, to) =>
      dispatch({
        type: "notice",
        notice: `Entries #${from} to #${to} are missing: this browser's storage no longer has them, and the server had already let them go. Everything before and after is here.`,
      }),
  }));

  // After a reload, pick the session up again: what this browser stored comes from IndexedDB,
  // the rest (all of it, if nothing was stored) from the bridge, by seq.
  useEffect(() => {
    const saved = sessionStorage.getItem(storageKey(paneId));
    if (saved === null || sessionIdRef.current !== null) return;
    const { sessionId, token, instance, transport } = JSON.parse(saved) as { sessionId: string; token: string; instance?: string; transport?: Transport };
    sessionIdRef.current = sessionId;
    dispatch({ type: "restoring", transport: transport ?? null });
    void (async () => {
      const opened = await playgroundDb();
      // Slice by slice, each its own task: the lanes fill as it reads, and the page answers input meanwhile.
      // The last seq read back (seqs start at 1: 0 when nothing was).
      let keptThrough = 0;
      if (opened.ok) {
        try {
          for await (const slice of opened.db.readEntries(sessionId)) {
            store.append(slice);
            keptThrough = slice.at(-1)!.seq;
          }
        } catch {
          // What was read stays; the bridge sends the rest, if it still holds it.
        }
      }
      try {
        const summary = await bridge().attach(sessionId, token, keptThrough, events);
        dispatch({ type: "opened", summary });
      } catch {
        // The session is gone (ended, expired, or the server restarted): show what this browser kept.
        sessionIdRef.current = null;
        sessionStorage.removeItem(storageKey(paneId));
        const restarted = instance !== undefined && bridge().instance !== null && bridge().instance !== instance;
        if (keptThrough === 0) {
          dispatch(restarted ? { type: "failed", message: BRIDGE_RESTARTED_MESSAGE } : { type: "state", status: "idle" });
          return;
        }
        const why = restarted ? "The playground server restarted, so this session has ended" : "This session has ended";
        dispatch({ type: "failed", message: `${why}; its transcript was restored from this browser. Connect to start a new one.` });
      }
    })();
  }, [paneId, events, store]);

  const connect = useCallback(
    async (request: Omit<OpenRequest, "op" | "ref">) => {
      dispatch({ type: "connecting", transport: request.transport });
      store.reset();
      try {
        const summary = await bridge().open(request, events);
        sessionIdRef.current = summary.sessionId;
        // sessionStorage: per tab, gone with it; the token never leaves this tab.
        // The bridge instance tells a later reload whether the server restarted meanwhile.
        sessionStorage.setItem(storageKey(paneId), JSON.stringify({ sessionId: summary.sessionId, token: summary.token, instance: bridge().instance, transport: request.transport }));
        dispatch({ type: "opened", summary });
      } catch (error) {
        dispatch({ type: "failed", message: error instanceof Error ? error.message : String(error) });
      }
    },
    [paneId, store, events],
  );

  const send = useCallback(async (xml: string) => {
    const sessionId = sessionIdRef.current;
    if (sessionId === null) throw new Error("Connect first, then send.");
    await bridge().send(sessionId, xml);
  }, []);

  const disconnect = useCallback(async () => {
    const sessionId = sessionIdRef.current;
    if (sessionId !== null) await bridge().close(sessionId);
  }, []);

  /** Entries of `sessionId` up to `seq` are stored in this browser: the bridge need not keep them any more. */
  const acknowledge = useCallback((sessionId: string, seq: number) => bridge().acknowledge(sessionId, seq), []);

  const toggleSecrets = useCallback(async (reveal: boolean) => {
    dispatch({ type: "reveal", revealed: reveal });
    const sessionId = sessionIdRef.current;
    if (!reveal || sessionId === null) return;
    dispatch({ type: "secrets", secrets: await bridge().reveal(sessionId) });
  }, []);

  return { view, store, connect, send, disconnect, toggleSecrets, acknowledge };
}
