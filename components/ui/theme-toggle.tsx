"use client";

import { useSyncExternalStore } from "react";

export type Theme = "dark" | "light";
export const THEME_STORAGE_KEY = "xmpp-playground:theme";

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}

const readTheme = (): Theme => (document.documentElement.dataset.theme === "light" ? "light" : "dark");

/** The page's theme, following the data-theme attribute on <html>. */
export function usePageTheme(): Theme {
  return useSyncExternalStore(subscribe, readTheme, () => "dark");
}

/** Switches light and dark; the choice is kept per browser (the system's is the default). */
export function ThemeToggle() {
  const theme = usePageTheme();

  function toggle() {
    const next: Theme = theme === "light" ? "dark" : "light";
    document.documentElement.dataset.theme = next;
    localStorage.setItem(THEME_STORAGE_KEY, next);
  }

  return (
    <button type="button" className="button small theme-toggle" onClick={toggle} aria-pressed={theme === "light"}>
      Light theme
    </button>
  );
}

/**
 * Runs before first paint (inline in <head>) so the page never flashes the wrong theme.
 * Kept as a string: it must not depend on any bundle.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem("${THEME_STORAGE_KEY}");if(t!=="light"&&t!=="dark")t=matchMedia("(prefers-color-scheme: light)").matches?"light":"dark";document.documentElement.dataset.theme=t}catch(e){}`;
