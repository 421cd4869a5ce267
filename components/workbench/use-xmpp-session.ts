"use client";

import { useCallback, useEffect, useReducer, useRef } from "react";
import { BridgeClient } from "@/lib/bridge/client";
import type { OpenRequest } from "@/lib/bridge/protocol";
import type { TranscriptEntry } from "@/lib/xmpp/entry";

export type ConnectionStatus = "idle" | "connecting" | "online" | "closed";

export interface SessionView {
  status: ConnectionStatus;
  sessionId: string | null;
  jid: string | null;
  /** Why the session closed or failed, in words a person can act on. */
  message: string | null;
  entries: TranscriptEntry[];
}

type Action =
  | { type: "connecting" }
  | { type: "opened"; sessionId: string }
  | { type: "entries"; entries: TranscriptEntry[] }
  | { type: "state"; status: ConnectionStatus; jid?: string; message?: string }
  | { type: "failed"; message: string };

const INITIAL: SessionView = { status: "idle", sessionId: null, jid: null, message: null, entries: [] };

function reducer(view: SessionView, action: Action): SessionView {
  switch (action.type) {
    case "connecting":
      return { ...INITIAL, status: "connecting" };
    case "opened":
      return { ...view, sessionId: action.sessionId };
    case "entries":
      return { ...view, entries: [...view.entries, ...action.entries] };
    case "state":
      return { ...view, status: action.status, jid: action.jid ?? view.jid, message: action.message ?? null };
    case "failed":
      return { ...view, status: "closed", message: action.message };
  }
}

/** One XMPP session driven through the bridge, as React state. */
export function useXmppSession() {
  const [view, dispatch] = useReducer(reducer, INITIAL);
  const bridgeRef = useRef<BridgeClient | null>(null);
  const sessionIdRef = useRef<string | null>(null);

  useEffect(() => {
    bridgeRef.current = new BridgeClient();
    return () => bridgeRef.current?.dispose();
  }, []);

  const connect = useCallback(async (request: Omit<OpenRequest, "op" | "ref">) => {
    const bridge = bridgeRef.current;
    if (bridge === null) return;
    dispatch({ type: "connecting" });
    try {
      const sessionId = await bridge.open(request, {
        onEntries: (entries) => dispatch({ type: "entries", entries }),
        onState: (status, detail) => dispatch({ type: "state", status, ...detail }),
      });
      sessionIdRef.current = sessionId;
      dispatch({ type: "opened", sessionId });
    } catch (error) {
      dispatch({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  }, []);

  const send = useCallback(async (xml: string) => {
    const bridge = bridgeRef.current;
    const sessionId = sessionIdRef.current;
    if (bridge === null || sessionId === null) throw new Error("Connect first, then send.");
    await bridge.send(sessionId, xml);
  }, []);

  const disconnect = useCallback(async () => {
    const bridge = bridgeRef.current;
    const sessionId = sessionIdRef.current;
    if (bridge === null || sessionId === null) return;
    await bridge.close(sessionId);
  }, []);

  return { view, connect, send, disconnect };
}
