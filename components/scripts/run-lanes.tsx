"use client";

import styles from "./scripts.module.css";
import { StreamLanes } from "@/components/stream/stream-lanes";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { handOffToEditor } from "@/components/files/editor-handoff";
import type { RunAccount } from "./use-script-run";

const NO_SECRETS = () => undefined;

/** "Load into editor" opens the workbench with the stanza, as from a capture. */
function loadIntoEditor(text: string): void {
  handOffToEditor(text);
  window.open("/playground", "_blank");
}

/** Each account's stream in the workbench's own lanes, live while the script runs. */
export function RunLanes({ accounts, target, selected, onSelect }: { accounts: readonly RunAccount[]; target: string | null; selected: Readonly<Record<string, number | null>>; onSelect(account: string, seq: number | null): void }) {
  if (accounts.length === 0) {
    return (
      <section className={`${styles.lanes} ${styles.lanesEmpty}`} aria-label="Run">
        <p className="hint">Nothing has run yet. Run all or Step opens a session for each of the script&apos;s accounts through the playground&apos;s server, and their streams show here as they cross the wire.</p>
      </section>
    );
  }
  return (
    <section className={`${styles.lanes} ${accounts.length > 1 ? styles.lanesMany : ""}`} aria-label="Run">
      {accounts.map((account) => (
        <section key={account.name} className={styles.account} aria-label={`${account.name}'s stream`} data-run-account={account.name}>
          <h2 className={styles.accountTitle}>
            {account.name} · {account.jid ?? "connecting…"} · {account.state}
            {target ? <span className="hint"> · {target}</span> : null}
          </h2>
          <PanelBoundary name="The stream lanes">
            <StreamLanes compact store={account.store} revealed={false} secrets={null} canReveal={false} onToggleSecrets={NO_SECRETS} onLoadIntoEditor={loadIntoEditor} selectedSeq={selected[account.name] ?? null} onSelect={(seq) => onSelect(account.name, seq)} />
          </PanelBoundary>
        </section>
      ))}
    </section>
  );
}
