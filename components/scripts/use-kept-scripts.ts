"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { openScriptLibrary, titleOf, type KeptScript, type ScriptLibrary } from "@/lib/persistence/script-library";
import { scriptFromFragment } from "@/lib/scripts/link";
import { takeScriptHandOff } from "@/components/files/editor-handoff";

/**
 * The scripts kept in this browser (IndexedDB) and the one open in the editor, saved as it is
 * typed. A script from a link (#script=...) opens as a new kept script and the fragment is
 * dropped from the address, so a reload shows the kept copy rather than opening it again.
 */

const CURRENT_KEY = "xmpp-playground:scripts:current";
const SAVE_DELAY_MS = 300;

export interface OpenedFrom {
  kind: "link" | "file" | "example" | "record";
  name: string;
}

let library: Promise<{ ok: true; library: ScriptLibrary } | { ok: false; message: string }> | null = null;
/** This tab's one connection to the scripts database (kept scripts and kept runs). */
export const keptLibrary = () => (library ??= openScriptLibrary());
const libraryOnce = keptLibrary;

function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function useKeptScripts(fallback: { text: string; name: string }) {
  const [current, setCurrent] = useState<KeptScript | null>(null);
  const [kept, setKept] = useState<KeptScript[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [openedFrom, setOpenedFrom] = useState<OpenedFrom | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<KeptScript | null>(null);

  const refresh = useCallback(async () => {
    const opened = await libraryOnce();
    if (opened.ok) setKept(await opened.library.list());
  }, []);

  const save = useCallback(
    async (script: KeptScript) => {
      const opened = await libraryOnce();
      if (!opened.ok) {
        setNotice(opened.message);
        return;
      }
      await opened.library.put(script);
      localStorage.setItem(CURRENT_KEY, script.id);
      await refresh();
    },
    [refresh],
  );

  /** Opens text as a new kept script (a link, a file, an example, a recording): it never runs by itself. */
  const openNew = useCallback(
    async (text: string, from: OpenedFrom) => {
      const script = { id: newId(), title: titleOf(text, from.name), text, updatedAt: Date.now() };
      setCurrent(script);
      setOpenedFrom(from);
      await save(script);
    },
    [save],
  );

  useEffect(() => {
    void (async () => {
      const link = await scriptFromFragment(window.location.hash);
      if (link !== null) {
        // The fragment has done its work: a reload opens the kept copy, not a second one.
        history.replaceState(null, "", window.location.pathname + window.location.search);
        if (link.ok) {
          await openNew(link.text, { kind: "link", name: "a link" });
          return;
        }
        setNotice(link.problem);
      }
      const recorded = takeScriptHandOff();
      if (recorded !== null) {
        await openNew(recorded, { kind: "record", name: "a recording" });
        return;
      }
      const opened = await libraryOnce();
      if (!opened.ok) setNotice(opened.message);
      const id = localStorage.getItem(CURRENT_KEY);
      const stored = opened.ok && id !== null ? await opened.library.get(id) : undefined;
      if (stored) setCurrent(stored);
      else setCurrent({ id: newId(), title: titleOf(fallback.text, fallback.name), text: fallback.text, updatedAt: Date.now() });
      await refresh();
    })();
    // Once, when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** The person typed: the script is kept after a short pause. */
  const edit = useCallback(
    (text: string) => {
      setCurrent((script) => {
        if (script === null) return script;
        const next = { ...script, text, title: titleOf(text, script.title), updatedAt: Date.now() };
        pending.current = next;
        if (timer.current !== null) clearTimeout(timer.current);
        timer.current = setTimeout(() => {
          timer.current = null;
          if (pending.current) void save(pending.current);
        }, SAVE_DELAY_MS);
        return next;
      });
    },
    [save],
  );

  const open = useCallback(async (id: string) => {
    const opened = await libraryOnce();
    const script = opened.ok ? await opened.library.get(id) : undefined;
    if (!script) return;
    localStorage.setItem(CURRENT_KEY, id);
    setOpenedFrom(null);
    setCurrent(script);
  }, []);

  const remove = useCallback(
    async (id: string) => {
      const opened = await libraryOnce();
      if (!opened.ok) return;
      await opened.library.remove(id);
      await refresh();
    },
    [refresh],
  );

  return { current, kept, notice, openedFrom, edit, openNew, open, remove, dismissOpenedFrom: () => setOpenedFrom(null) };
}
