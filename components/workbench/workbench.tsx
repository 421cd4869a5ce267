"use client";

import { AccountPane } from "./account-pane";
import { ExportBothAccounts, PaneCapturesProvider } from "./pane-captures";
import { useLayoutPrefs } from "./use-workbench-prefs";
import type { DemoAccount } from "@/lib/demo-accounts";
import type { PaneId } from "@/lib/persistence/workbench-prefs";

/** One account, or two side by side to watch a stanza leave one and arrive at the other. */
export function Workbench({ accounts, domain }: { accounts: readonly DemoAccount[]; domain: string }) {
  const [layout, changeLayout] = useLayoutPrefs();
  const { twoAccounts } = layout;
  // A maximized pane only means something beside another one.
  const maximized = twoAccounts ? layout.maximized : null;
  const paneProps = (paneId: PaneId) => ({
    paneId,
    accounts,
    domain,
    layout,
    onLayoutChange: changeLayout,
    // Hidden, not unmounted: the other account stays connected and its lanes keep recording.
    hidden: maximized !== null && maximized !== paneId,
    canMaximize: twoAccounts,
  });
  return (
    <PaneCapturesProvider>
      <main className={`workbench ${twoAccounts ? "two-accounts" : ""} ${maximized ? "one-maximized" : ""}`}>
        <div className="workbench-toolbar">
          <label className="checkbox">
            <input type="checkbox" checked={twoAccounts} onChange={(event) => changeLayout({ twoAccounts: event.target.checked, maximized: null })} />
            Two accounts
          </label>
          {twoAccounts && <ExportBothAccounts />}
        </div>
        <AccountPane {...paneProps("a")} label="First account" suggested={0} />
        {twoAccounts && <AccountPane {...paneProps("b")} label="Second account" suggested={1} />}
      </main>
    </PaneCapturesProvider>
  );
}
