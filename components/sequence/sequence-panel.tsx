"use client";

import dynamic from "next/dynamic";
import { useId, useState } from "react";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import type { SequenceDiagramProps } from "./sequence-diagram";
import styles from "./sequence-panel.module.css";

// The diagram and its model load after first paint: the lesson pages' initial JS has little margin.
const SequenceDiagram = dynamic(() => import("./sequence-diagram").then((module) => module.SequenceDiagram), {
  ssr: false,
  loading: () => <p className="hint">Loading the diagram…</p>,
});

interface SequencePanelProps extends SequenceDiagramProps {
  /** Open on arrival (lessons) or one click away (workbench, captures). */
  defaultOpen: boolean;
  className?: string;
  /** Where the page keeps the closed toggle elsewhere (a lesson puts it beside Send): Hide calls this. */
  onHide?: () => void;
}

/** A toggle and, when on, the session's sequence diagram. */
export function SequencePanel({ defaultOpen, className, onHide, ...diagram }: SequencePanelProps) {
  const [open, setOpen] = useState(defaultOpen);
  const regionId = useId();
  return (
    <section className={`${styles.panel} ${open ? styles.open : ""} ${className ?? ""}`} aria-label="Sequence diagram panel">
      <div className={styles.bar}>
        <button type="button" className="button small" aria-expanded={open} aria-controls={regionId} onClick={() => (open && onHide ? onHide() : setOpen(!open))}>
          {open ? "Hide diagram" : "Show diagram"}
        </button>
        <span className={styles.title}>Who talks to whom</span>
      </div>
      <div id={regionId} className={styles.region} hidden={!open}>
        {open && (
          <PanelBoundary name="The sequence diagram">
            <SequenceDiagram {...diagram} />
          </PanelBoundary>
        )}
      </div>
    </section>
  );
}
