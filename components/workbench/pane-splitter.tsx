"use client";

import { useRef, type KeyboardEvent, type PointerEvent } from "react";

export const SIDE_MIN = 20;
export const SIDE_MAX = 60;
const STEP = 2;

interface PaneSplitterProps {
  /** The side column's share of the pane's width, in percent. */
  value: number;
  onChange(value: number): void;
}

/**
 * The handle between the editor column and the lanes: dragged with a pointer, or moved
 * with the arrow keys (Home and End for the extremes), as a WAI-ARIA window splitter.
 */
export function PaneSplitter({ value, onChange }: PaneSplitterProps) {
  const dragging = useRef(false);
  const clamp = (next: number) => Math.min(SIDE_MAX, Math.max(SIDE_MIN, Math.round(next)));

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const moves: Record<string, number> = { ArrowLeft: value - STEP, ArrowRight: value + STEP, Home: SIDE_MIN, End: SIDE_MAX };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    onChange(clamp(next));
  }

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    dragging.current = true;
    event.currentTarget.setPointerCapture(event.pointerId);
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    if (!dragging.current) return;
    const pane = event.currentTarget.parentElement?.getBoundingClientRect();
    if (!pane || pane.width === 0) return;
    onChange(clamp(((event.clientX - pane.left) / pane.width) * 100));
  }

  return (
    <div
      className="pane-splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the editor column (arrow keys)"
      aria-valuenow={value}
      aria-valuemin={SIDE_MIN}
      aria-valuemax={SIDE_MAX}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (dragging.current = false)}
    />
  );
}
