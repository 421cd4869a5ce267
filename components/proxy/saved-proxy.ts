/**
 * The proxy this tab started, kept in sessionStorage (per tab, gone with it; the token never
 * leaves the tab) so a reload takes it back. Tiny on purpose: the workbench reads it at first
 * paint to open the proxy panel again, without loading the panel itself.
 */
export interface SavedProxy {
  proxyId: string;
  token: string;
  /** The bridge process it runs in: another one after a reload means it is gone. */
  instance: string | null;
}

const KEY = "xmpp-playground:proxy";

export function loadSavedProxy(storage: Storage = sessionStorage): SavedProxy | null {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? "null") as SavedProxy | null;
    return saved !== null && typeof saved.proxyId === "string" && typeof saved.token === "string" ? saved : null;
  } catch {
    return null;
  }
}

export function saveProxy(saved: SavedProxy, storage: Storage = sessionStorage): void {
  storage.setItem(KEY, JSON.stringify(saved));
}

export function forgetSavedProxy(storage: Storage = sessionStorage): void {
  storage.removeItem(KEY);
}
