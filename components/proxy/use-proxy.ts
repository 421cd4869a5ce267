"use client";

import { useCallback, useEffect, useReducer, useRef } from "react";
import { BRIDGE_RESTARTED_MESSAGE, bridgeOfThisTab, type ProxyEvents, type SessionEvents } from "@/lib/bridge/client";
import type { SessionState, SessionSummary } from "@/lib/bridge/protocol";
import type { ProxyInfo, ProxyStartRequest } from "@/lib/bridge/protocol-proxy";
import type { HeldStanza, InterceptFilter, ProxyDirection } from "@/lib/proxy/intercept";
import { TranscriptStore } from "@/lib/transcript/transcript-store";
import { forgetSavedProxy, loadSavedProxy, saveProxy } from "./saved-proxy";

/** One client's connection through the proxy: a session of this tab, with its own lanes. */
export interface ProxiedConnection {
  sessionId: string;
  /** 1 for the first client, and so on: how the page names it. */
  number: number;
  status: SessionState;
  message: string | null;
  held: HeldStanza[];
  revealed: boolean;
  secrets: Map<number, string> | null;
  /** Outside React, as for every session (a flood must not be copied per batch). */
  store: TranscriptStore;
}

export interface ProxyView {
  phase: "idle" | "starting" | "running" | "stopped";
  info: ProxyInfo | null;
  /** Why the proxy could not start, or why it stopped. */
  message: string | null;
  connections: ProxiedConnection[];
  filter: InterceptFilter | null;
}

type Action =
  | { type: "starting" }
  | { type: "started"; info: ProxyInfo; filter: InterceptFilter | null }
  | { type: "failed"; message: string }
  | { type: "closed"; message: string }
  | { type: "connection"; connection: ProxiedConnection }
  | { type: "update"; sessionId: string; change: Partial<ProxiedConnection> }
  | { type: "filter"; filter: InterceptFilter | null };

const INITIAL: ProxyView = { phase: "idle", info: null, message: null, connections: [], filter: null };

function reducer(view: ProxyView, action: Action): ProxyView {
  switch (action.type) {
    case "starting":
      return { ...INITIAL, phase: "starting" };
    case "started":
      return { ...view, phase: "running", info: action.info, message: null, filter: action.filter };
    case "failed":
      return { ...view, phase: "idle", message: action.message };
    case "closed":
      return { ...view, phase: "stopped", message: action.message };
    case "connection":
      return { ...view, connections: [...view.connections, action.connection] };
    case "update":
      return { ...view, connections: view.connections.map((connection) => (connection.sessionId === action.sessionId ? { ...connection, ...action.change } : connection)) };
    case "filter":
      return { ...view, filter: action.filter };
  }
}

const bridge = bridgeOfThisTab;

/**
 * A proxy this tab runs through the bridge, and every client connection through it. A reload
 * takes the proxy back (saved-proxy.ts): it ran on meanwhile, and every connection's lanes
 * come back whole from the bridge.
 */
export function useProxy() {
  const [view, dispatch] = useReducer(reducer, INITIAL);
  const count = useRef(0);

  const proxyEvents = useCallback((): ProxyEvents => {
    count.current = 0;
    const onConnection = (summary: SessionSummary): SessionEvents => {
      const store = new TranscriptStore();
      const sessionId = summary.sessionId;
      const update = (change: Partial<ProxiedConnection>) => dispatch({ type: "update", sessionId, change });
      dispatch({ type: "connection", connection: { sessionId, number: ++count.current, status: summary.state, message: summary.message ?? null, held: [], revealed: false, secrets: null, store } });
      return {
        onEntries: (entries) => store.append(entries),
        onState: (status, detail) => update({ status, message: detail.message ?? null }),
        onHeld: (held) => update({ held }),
      };
    };
    return {
      onConnection,
      onClosed: (message) => {
        forgetSavedProxy();
        dispatch({ type: "closed", message });
      },
    };
  }, []);

  const start = useCallback(
    async (request: Omit<ProxyStartRequest, "op" | "ref">) => {
      dispatch({ type: "starting" });
      try {
        const info = await bridge().startProxy(request, proxyEvents());
        saveProxy({ proxyId: info.proxyId, token: info.token, instance: bridge().instance });
        dispatch({ type: "started", info, filter: null });
      } catch (error) {
        dispatch({ type: "failed", message: error instanceof Error ? error.message : String(error) });
      }
    },
    [proxyEvents],
  );

  // After a reload: take back the proxy this tab started, if it still runs.
  useEffect(() => {
    const saved = loadSavedProxy();
    if (saved === null) return;
    dispatch({ type: "starting" });
    void (async () => {
      try {
        const attached = await bridge().attachProxy(saved.proxyId, saved.token, proxyEvents());
        dispatch({ type: "started", info: attached.proxy, filter: attached.intercept });
        if (attached.stopped !== null) {
          forgetSavedProxy();
          dispatch({ type: "closed", message: attached.stopped });
        }
      } catch (error) {
        forgetSavedProxy();
        const restarted = saved.instance !== null && bridge().instance !== null && bridge().instance !== saved.instance;
        dispatch({ type: "failed", message: restarted ? BRIDGE_RESTARTED_MESSAGE : `The proxy this page started has ended: ${error instanceof Error ? error.message : String(error)}` });
      }
    })();
  }, [proxyEvents]);

  const stop = useCallback(async () => {
    if (view.info !== null) await bridge().stopProxy(view.info.proxyId);
  }, [view.info]);

  const setFilter = useCallback(
    async (filter: InterceptFilter | null) => {
      if (view.info === null) return;
      await bridge().setIntercept(view.info.proxyId, filter);
      dispatch({ type: "filter", filter });
    },
    [view.info],
  );

  const inject = useCallback((sessionId: string, direction: ProxyDirection, xml: string) => bridge().inject(sessionId, direction, xml), []);
  const release = useCallback((sessionId: string, heldId: number, action: "forward" | "drop", xml?: string) => bridge().release(sessionId, heldId, action, xml), []);
  const closeConnection = useCallback((sessionId: string) => bridge().close(sessionId), []);

  const toggleSecrets = useCallback(async (sessionId: string, revealed: boolean) => {
    dispatch({ type: "update", sessionId, change: { revealed, ...(revealed ? {} : { secrets: null }) } });
    if (revealed) dispatch({ type: "update", sessionId, change: { secrets: await bridge().reveal(sessionId) } });
  }, []);

  return { view, start, stop, setFilter, inject, release, closeConnection, toggleSecrets };
}
