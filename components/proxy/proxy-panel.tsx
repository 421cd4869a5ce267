"use client";

import { useState } from "react";
import { StreamLanes } from "@/components/stream/stream-lanes";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { ExportMenu } from "@/components/files/transcript-files";
import { useTranscriptStore } from "@/components/stream/use-transcript-store";
import { ProxyDetails, ProxyStartForm } from "./proxy-start";
import { HeldStanzas, InjectForm, InterceptForm } from "./proxy-tools";
import { useProxy, type ProxiedConnection } from "./use-proxy";
import styles from "./proxy.module.css";

/**
 * Proxy mode in the workbench (issue 15): start a proxy, point a real client at it, and read
 * each client's connection in its own lanes; inject into it, intercept what it carries.
 * Loaded on first use (the workbench's first paint does not need it).
 */
export function ProxyPanel() {
  const proxy = useProxy();
  const { view } = proxy;
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const current = view.connections.find((connection) => connection.sessionId === selected) ?? view.connections.at(-1) ?? null;
  const running = view.phase === "running" && view.info !== null;

  return (
    <section className={`account-pane ${styles.pane}`} aria-label="Proxy" data-testid="proxy-panel">
      <div className="workbench-side">
        {running ? <ProxyDetails info={view.info!} onStop={() => void proxy.stop()} /> : <ProxyStartForm busy={view.phase === "starting"} onStart={(request) => void proxy.start(request)} />}
        {view.message && (
          <p role="alert" className={`error-text ${styles.message}`} data-testid="proxy-message">
            {view.message}
          </p>
        )}
        {running && <InterceptForm active={view.filter} onApply={proxy.setFilter} />}
        {current && <HeldStanzas held={current.held} onRelease={(id, action, xml) => proxy.release(current.sessionId, id, action, xml)} />}
        {current && (
          <InjectForm disabled={current.status !== "online"} draft={draft} onDraft={setDraft} onInject={(direction, xml) => proxy.inject(current.sessionId, direction, xml)} />
        )}
      </div>
      <div className="lanes-column">
        <div className="lanes-actions" role="tablist" aria-label="Client connections">
          {view.connections.length === 0 && <span className="hint">{running ? "Waiting for a client to connect…" : "Start a proxy, then connect a client through it."}</span>}
          {view.connections.map((connection) => (
            <button
              key={connection.sessionId}
              type="button"
              role="tab"
              aria-selected={connection === current}
              className="button small"
              onClick={() => setSelected(connection.sessionId)}
              data-testid="proxy-connection-tab"
            >
              Client #{connection.number} · {connection.status}
              {connection.held.length > 0 ? ` · ${connection.held.length} held` : ""}
            </button>
          ))}
        </div>
        {current && <ConnectionLanes key={current.sessionId} connection={current} onToggleSecrets={(reveal) => void proxy.toggleSecrets(current.sessionId, reveal)} onLoad={setDraft} onClose={() => void proxy.closeConnection(current.sessionId)} />}
      </div>
    </section>
  );
}

function ConnectionLanes({ connection, onToggleSecrets, onLoad, onClose }: { connection: ProxiedConnection; onToggleSecrets(reveal: boolean): void; onLoad(raw: string): void; onClose(): void }) {
  const { store } = connection;
  useTranscriptStore(store);
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const meta = { mode: "proxy", target: `proxied client #${connection.number}` };
  return (
    <div className={`lanes-main ${styles.lanes}`}>
      <div className="lanes-actions">
        <span className={`status status-${connection.status}`} data-testid="proxy-connection-status">
          Client #{connection.number}: {connection.message ?? connection.status}
        </span>
        <ExportMenu entries={() => store.all()} count={store.totalSize} meta={meta} secrets={connection.revealed ? connection.secrets : null} />
        {connection.status !== "closed" && (
          <button type="button" className="button small" onClick={onClose}>
            Close this connection
          </button>
        )}
      </div>
      <PanelBoundary name="The stream lanes">
        <StreamLanes
          store={store}
          revealed={connection.revealed}
          secrets={connection.secrets}
          onToggleSecrets={onToggleSecrets}
          onLoadIntoEditor={onLoad}
          selectedSeq={selectedSeq}
          onSelect={setSelectedSeq}
        />
      </PanelBoundary>
    </div>
  );
}
