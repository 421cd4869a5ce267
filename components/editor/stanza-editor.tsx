"use client";

import dynamic from "next/dynamic";
import { useCallback, useImperativeHandle, useMemo, useRef, useState, type ChangeEvent, type Ref } from "react";
import { TEMPLATES, findTemplate, type StanzaTemplate, type TemplateVariables } from "@/lib/xml/templates";
import type { Diagnostic, EditorMode, EditorSession } from "@/lib/editor/validate-stanza";
import type { Transport } from "@/lib/bridge/protocol";
import { DEFAULT_MAX_SEND_CHARS } from "@/lib/bridge/protocol";
import { countNoun } from "@/lib/count-noun";
import type { MonacoEditorApi } from "./monaco-stanza-editor";
import { useHistoryWalk } from "./use-history-walk";
import styles from "./stanza-editor.module.css";

export interface SendOptions {
  /** The person chose "Send anyway" despite errors (to watch the server answer them). */
  force: boolean;
}

/** For a Send button outside the editor: the same checks as Ctrl+Enter. */
export interface StanzaEditorHandle {
  send(options?: SendOptions): void;
  focus(): void;
}

export interface StanzaEditorProps {
  value: string;
  onChange(value: string): void;
  /**
   * Called with the expanded text (variables filled in, a fresh {{id}}), only when allowed or
   * forced; `typed` is the text as written, for the history: a resend expands it afresh.
   */
  onSubmit(text: string, options: SendOptions & { typed: string }): void;
  /** Guided: the library owns the stream. Raw: stream headers are typed by hand. */
  mode?: EditorMode;
  /** How the session reaches its server: over WebSocket every stanza declares its own namespace (RFC 7395 section 3.3.3). */
  transport?: Transport;
  /** Values for {{me}}, {{domain}} and {{peer}}. */
  variables?: TemplateVariables;
  /** Texts sent so far, oldest first, for Ctrl+Up and Ctrl+Down. */
  history?: readonly string[];
  /** The bridge's limit for one send (BRIDGE_MAX_SEND_CHARS). */
  maxSendChars?: number;
  ref?: Ref<StanzaEditorHandle>;
}

/** Errors no "Send anyway" can override: the bridge refuses to send such text at all. */
const UNSENDABLE = new Set(["restricted-xml", "too-large"]);

const NO_VARIABLES: TemplateVariables = { me: "", domain: "", peer: "" };
const NO_HISTORY: readonly string[] = [];
const TEMPLATE_GROUPS = [...new Set(TEMPLATES.map((template) => template.group))];

/** Monaco is several megabytes: it loads after first paint, only in the browser. */
const MonacoStanzaEditor = dynamic(() => import("./monaco-stanza-editor").then((module) => module.MonacoStanzaEditor), {
  ssr: false,
  loading: () => <div className="editor-loading">Loading the editor…</div>,
});

export function StanzaEditor({ value, onChange, onSubmit, mode: editorMode = "guided", transport = "starttls", variables = NO_VARIABLES, history = NO_HISTORY, maxSendChars = DEFAULT_MAX_SEND_CHARS, ref }: StanzaEditorProps) {
  const apiRef = useRef<MonacoEditorApi | null>(null);
  const mode = useMemo<EditorSession>(() => ({ mode: editorMode, transport }), [editorMode, transport]);
  const [live, setLive] = useState<Diagnostic[]>([]);
  const [blocked, setBlocked] = useState<Diagnostic[] | null>(null);
  const walkHistory = useHistoryWalk(history);

  const attemptSend = useCallback(
    async (text: string, force: boolean) => {
      // The validator and its XMPP schema load with the first send (Monaco brings them for markers anyway).
      const { prepareSendOnce } = await import("@/lib/editor/prepare-send");
      const prepared = prepareSendOnce(text, mode, variables, undefined, maxSendChars);
      const unsendable = prepared.diagnostics.some((diagnostic) => UNSENDABLE.has(diagnostic.code));
      if (prepared.blocked && (!force || unsendable)) {
        apiRef.current?.validateNow();
        setBlocked(prepared.diagnostics.filter((diagnostic) => diagnostic.severity === "error"));
        return;
      }
      setBlocked(null);
      onSubmit(prepared.text, { force, typed: text });
    },
    [mode, variables, onSubmit, maxSendChars],
  );

  const currentText = useCallback(() => apiRef.current?.getText() ?? value, [value]);
  useImperativeHandle(ref, () => ({ send: (options) => void attemptSend(currentText(), options?.force ?? false), focus: () => apiRef.current?.focus() }), [attemptSend, currentText]);

  function insertTemplate(event: ChangeEvent<HTMLSelectElement>) {
    const template = findTemplate(event.target.value);
    if (!template) return;
    // The editor applies a new value as one undoable edit: Ctrl+Z brings the old text back.
    onChange(template.text);
    apiRef.current?.focus();
  }

  const errors = live.filter((diagnostic) => diagnostic.severity === "error");
  const showBlocked = blocked !== null && errors.length > 0;
  const unsendable = errors.find((diagnostic) => UNSENDABLE.has(diagnostic.code));

  return (
    <div className={styles.root}>
      <div className={styles.toolbar}>
        <label className={styles.template}>
          Template
          <select value="" onChange={insertTemplate}>
            <option value="">Insert a template…</option>
            {TEMPLATE_GROUPS.map((group) => (
              <optgroup key={group} label={group}>
                {TEMPLATES.filter((template: StanzaTemplate) => template.group === group).map((template) => (
                  <option key={template.id} value={template.id}>
                    {template.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <span className={styles.variables} title="Filled in when you send; {{id}} is fresh each time">
          {"{{id}} {{me}} {{domain}} {{peer}}"}
        </span>
      </div>
      <div className="stanza-editor" data-testid="stanza-editor" data-history-length={history.length}>
        <MonacoStanzaEditor
          value={value}
          onChange={onChange}
          onSend={(text) => attemptSend(text, false)}
          onHistory={walkHistory}
          mode={mode}
          variables={variables}
          maxSendChars={maxSendChars}
          onDiagnostics={setLive}
          apiRef={apiRef}
        />
      </div>
      <p className={styles.keys} data-testid="editor-shortcuts">
        <kbd>Ctrl</kbd>+<kbd>Enter</kbd> send · <kbd>Ctrl</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> history · <kbd>Ctrl</kbd>+<kbd>Space</kbd> suggestions · <kbd>Ctrl</kbd>+<kbd>M</kbd> then
        <kbd>Tab</kbd> leaves the editor · hover a
        tag for its spec · a template replaces the text (<kbd>Ctrl</kbd>+<kbd>Z</kbd> undoes)
      </p>
      {showBlocked ? (
        <div className={styles.blocked} role="alert" data-testid="editor-status">
          {unsendable ? (
            // The bridge would refuse it: offering "Send anyway" would only fail a second time.
            <span>Not sent: {unsendable.message}</span>
          ) : (
            <>
              <span>
                Not sent: {countNoun(errors.length, "error")}. {firstProblem(errors, value)} Fix {errors.length === 1 ? "it" : "them"}, or send anyway to watch
                the server answer.
              </span>
              <button type="button" className="button small" onClick={() => attemptSend(currentText(), true)}>
                Send anyway
              </button>
            </>
          )}
        </div>
      ) : (
        <p className={styles.status} role="status" data-testid="editor-status">
          {summary(live)}
        </p>
      )}
    </div>
  );
}

function summary(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return "No problems found.";
  const tooLarge = diagnostics.find((diagnostic) => diagnostic.code === "too-large");
  if (tooLarge) return tooLarge.message;
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const parts = [errors > 0 ? countNoun(errors, "error") : "", warnings > 0 ? countNoun(warnings, "warning") : ""].filter(Boolean);
  return `${parts.join(", ")}: hover the underlined text.${errors > 0 ? " Errors block sending." : ""}`;
}

function firstProblem(errors: readonly Diagnostic[], text: string): string {
  const first = errors[0];
  if (!first) return "";
  const line = text.slice(0, first.offset).split("\n").length;
  return `Line ${line}: ${first.message}`;
}

