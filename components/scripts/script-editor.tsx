"use client";

import styles from "./scripts.module.css";
import { forwardRef, useImperativeHandle, useRef } from "react";
import { countNoun } from "@/lib/count-noun";
import type { Parsed } from "./use-parsed-script";

export interface ScriptEditorHandle {
  goToLine(line: number): void;
}

/**
 * The script's text. A plain text area: a script is YAML the command line reads, and the
 * parser's message (file, line, field) says where it is wrong, with a button to go there.
 */
export const ScriptEditor = forwardRef<ScriptEditorHandle, { text: string; onChange(text: string): void; parsed: Parsed; onRun(): void; loading: boolean }>(function ScriptEditor({ text, onChange, parsed, onRun, loading }, ref) {
  const area = useRef<HTMLTextAreaElement>(null);
  const goToLine = (line: number) => {
    const element = area.current;
    if (!element) return;
    const lines = element.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((sum, current) => sum + current.length + 1, 0);
    element.focus();
    element.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    // Scroll the line into view: about one line height per line above it.
    const lineHeight = Number.parseFloat(getComputedStyle(element).lineHeight) || 18;
    element.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };
  useImperativeHandle(ref, () => ({ goToLine }));
  return (
    <section className={styles.editor}>
      <label htmlFor="script-text" className="panel-title">
        <h2>Script (YAML)</h2>
        <span className="hint">the format of npm run script</span>
      </label>
      <textarea
        id="script-text"
        ref={area}
        data-testid="script-text"
        value={text}
        // Until the kept script has loaded from IndexedDB: what someone typed meanwhile would
        // be lost, or end up beside the script that then arrives.
        readOnly={loading}
        aria-busy={loading}
        spellCheck={false}
        aria-invalid={parsed.state === "error"}
        aria-describedby="script-parse"
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            onRun();
          }
        }}
      />
      <div id="script-parse" data-testid="script-parse" data-state={parsed.state} aria-live="polite">
        {parsed.state === "ok" && (
          <p className="hint">
            Reads well: {countNoun(parsed.script.steps.length, "step")}, {parsed.script.accounts.length === 1 ? "account" : "accounts"} {parsed.script.accounts.map((account) => `${account.name} (${account.kind})`).join(", ")}. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs it.
          </p>
        )}
        {parsed.state === "error" && (
          <p className="error-text">
            {parsed.line !== undefined ? `Line ${parsed.line}` : "The script"}
            {parsed.field ? `, ${parsed.field}` : ""}: {parsed.problem}{" "}
            {parsed.line !== undefined && (
              <button type="button" className="button small" onClick={() => goToLine(parsed.line!)}>
                Go to line {parsed.line}
              </button>
            )}
          </p>
        )}
      </div>
    </section>
  );
});
