"use client";

import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import type { AccountCapture } from "@/lib/transcript-files/export";
import { ExportMenu } from "@/components/files/transcript-files";

/**
 * Each account pane lends the workbench a way to read its capture (entries, meta, revealed
 * credentials), so one export can hold both accounts. Read only when an export is chosen.
 */
type Registry = Map<string, () => AccountCapture>;

const PaneCaptures = createContext<Registry | null>(null);

export function PaneCapturesProvider({ children }: { children: ReactNode }) {
  const [registry] = useState<Registry>(() => new Map());
  return <PaneCaptures.Provider value={registry}>{children}</PaneCaptures.Provider>;
}

export function useRegisterPaneCapture(paneId: string, capture: () => AccountCapture): void {
  const registry = useContext(PaneCaptures);
  const latest = useRef(capture);
  useLayoutEffect(() => {
    latest.current = capture;
  });
  useEffect(() => {
    if (registry === null) return;
    registry.set(paneId, () => latest.current());
    return () => void registry.delete(paneId);
  }, [registry, paneId]);
}

/** Export both panes as one capture with one timeline (file format version 2). */
export function ExportBothAccounts() {
  const registry = useContext(PaneCaptures);
  const captures = () => [...(registry?.values() ?? [])].map((read) => read()).sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  return <ExportMenu entries={() => []} count={1} meta={{}} accounts={captures} label="Export both accounts" />;
}
