"use client";

import { Fragment, type ReactNode } from "react";
import styles from "./step-verdict.module.css";

/** "#12", as a button that selects entry 12 in the lanes (the selection a click on its row makes). */
export function EntryLink({ seq, onSelect }: { seq: number; onSelect(seq: number): void }) {
  return (
    <button
      type="button"
      className={styles.entryLink}
      data-testid="step-entry-link"
      data-seq={seq}
      aria-label={`Show entry ${seq} in the lanes`}
      onClick={() => {
        onSelect(seq);
        // The lanes select it; bring its row into view too (they render a lesson's short transcript whole).
        requestAnimationFrame(() => document.querySelector(`[data-seq="${seq}"][data-testid^="entry-"]`)?.scrollIntoView({ block: "nearest" }));
      }}
    >
      #{seq}
    </button>
  );
}

/** A sentence with each "#12" in it made an EntryLink. */
export function withEntryLinks(text: string, onSelect: (seq: number) => void): ReactNode[] {
  return text.split(/(#\d+)/).map((part, index) => (/^#\d+$/.test(part) ? <EntryLink key={index} seq={Number(part.slice(1))} onSelect={onSelect} /> : <Fragment key={index}>{part}</Fragment>));
}
