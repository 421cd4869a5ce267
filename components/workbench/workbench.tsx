"use client";

import { useState } from "react";
import { AccountPane } from "./account-pane";
import { ExportBothAccounts, PaneCapturesProvider } from "./pane-captures";
import type { DemoAccount } from "@/lib/demo-accounts";

/** One account, or two side by side to watch a stanza leave one and arrive at the other. */
export function Workbench({ accounts, domain }: { accounts: readonly DemoAccount[]; domain: string }) {
  const [twoAccounts, setTwoAccounts] = useState(false);
  return (
    <PaneCapturesProvider>
    <main className={`workbench ${twoAccounts ? "two-accounts" : ""}`}>
      <div className="workbench-toolbar">
        <label className="checkbox">
          <input type="checkbox" checked={twoAccounts} onChange={(event) => setTwoAccounts(event.target.checked)} />
          Two accounts
        </label>
        {twoAccounts && <ExportBothAccounts />}
      </div>
      <AccountPane paneId="a" label="First account" accounts={accounts} domain={domain} suggested={0} />
      {twoAccounts && <AccountPane paneId="b" label="Second account" accounts={accounts} domain={domain} suggested={1} />}
    </main>
    </PaneCapturesProvider>
  );
}
