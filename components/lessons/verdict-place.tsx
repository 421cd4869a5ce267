"use client";

import { createContext, useContext, type ReactNode } from "react";
import { createPortal } from "react-dom";

/**
 * Where the step's verdict shows. The lesson page puts it right under the editor's Send
 * button, so the result of a send is in view beside what was sent, whatever the length of
 * the step's text; the verdict still belongs to the step (its state, its Next step button).
 * undefined: no page slot, the verdict stays in place; null: the slot is not mounted yet.
 */
export const VerdictHost = createContext<HTMLElement | null | undefined>(undefined);

export function VerdictPlace({ children }: { children: ReactNode }) {
  const host = useContext(VerdictHost);
  if (host === undefined) return children;
  return host === null ? null : createPortal(children, host);
}
