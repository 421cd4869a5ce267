"use client";

import { useEffect, useRef, useState } from "react";
import type { LinkKind } from "@/lib/scripts/link";

/**
 * Opens text from a link's fragment (#stanza=..., #at=STEP&step=...; lib/scripts/link.ts,
 * loaded only when the address carries one) once, when the page opens. The fragment is then
 * dropped from the address, so a reload does not open it a second time. `onOpen` puts the text
 * where it belongs and sends nothing; it may return a problem to show instead.
 */
export function useLinkedText(kind: LinkKind, onOpen: (text: string, params: Record<string, string>) => string | void, enabled = true): { opened: boolean; problem: string | null; dismiss(): void } {
  const [state, setState] = useState<{ opened: boolean; problem: string | null }>({ opened: false, problem: null });
  const handler = useRef(onOpen);
  useEffect(() => {
    handler.current = onOpen;
  });
  useEffect(() => {
    if (!enabled || !new URLSearchParams(window.location.hash.replace(/^#/, "")).has(kind)) return;
    void import("@/lib/scripts/link").then(async ({ fromFragment }) => {
      const link = await fromFragment(window.location.hash, kind);
      if (link === null) return;
      history.replaceState(history.state, "", window.location.pathname + window.location.search);
      const problem = link.ok ? handler.current(link.text, link.params) : link.problem;
      setState(problem ? { opened: false, problem } : { opened: true, problem: null });
    });
  }, [kind, enabled]);
  return { ...state, dismiss: () => setState({ opened: false, problem: null }) };
}
