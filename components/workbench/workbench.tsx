"use client";

import { useEffect, useState } from "react";
import dynamic from "next/dynamic";
import { AccountPane } from "./account-pane";
import { ExportBothAccounts, PaneCapturesProvider } from "./pane-captures";
import { useLayoutPrefs } from "./use-workbench-prefs";
import { loadSavedProxy } from "@/components/proxy/saved-proxy";
import type { DemoAccount } from "@/lib/demo-accounts";
import type { PaneId } from "@/lib/persistence/workbench-prefs";

/** The address of the workbench with its proxy panel open: /playground#proxy, for a link (the home page's). */
const PROXY_HASH = "#proxy";

// Proxy mode is for some visits only: its panel loads on first use, not with the workbench.
const ProxyPanel = dynamic(() => import("@/components/proxy/proxy-panel").then((module) => module.ProxyPanel), {
  ssr: false,
  loading: () => <p className="hint">Loading the proxy…</p>,
});

/** One account, or two side by side to watch a stanza leave one and arrive at the other. */
export function Workbench({ accounts, domain }: { accounts: readonly DemoAccount[]; domain: string }) {
  const [layout, changeLayout] = useLayoutPrefs();
  // Once opened, the proxy panel stays mounted while hidden: its proxy and lanes go on.
  const [proxy, setProxy] = useState<"never" | "shown" | "hidden">("never");
  const proxyShown = proxy === "shown";
  // A reload of a tab that runs a proxy opens its panel again, which takes the proxy back; so
  // does an arrival at /playground#proxy.
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- sessionStorage and the address exist only after hydration
    if (loadSavedProxy() !== null || window.location.hash === PROXY_HASH) setProxy("shown");
  }, []);
  // The address says which view is open, so a reload or a copied link opens the same one. Replaced,
  // not pushed: Back leaves the workbench, as before. Another hash (a shared stanza) is left alone.
  function showProxy(shown: boolean) {
    setProxy(shown ? "shown" : "hidden");
    const { hash, pathname, search } = window.location;
    if (shown && hash === "") window.history.replaceState(window.history.state, "", `${pathname}${search}${PROXY_HASH}`);
    if (!shown && hash === PROXY_HASH) window.history.replaceState(window.history.state, "", `${pathname}${search}`);
  }
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
    hidden: proxyShown || (maximized !== null && maximized !== paneId),
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
          <button type="button" className="button small" aria-pressed={proxyShown} onClick={() => showProxy(!proxyShown)}>
            {proxyShown ? "Back to accounts" : "Proxy a client"}
          </button>
        </div>
        <AccountPane {...paneProps("a")} label="First account" suggested={0} />
        {twoAccounts && <AccountPane {...paneProps("b")} label="Second account" suggested={1} />}
        {proxy !== "never" && (
          <div className="proxy-slot" hidden={!proxyShown}>
            <ProxyPanel />
          </div>
        )}
      </main>
    </PaneCapturesProvider>
  );
}
