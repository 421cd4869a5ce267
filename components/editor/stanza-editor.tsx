"use client";

import dynamic from "next/dynamic";

export interface StanzaEditorProps {
  value: string;
  onChange(value: string): void;
  /** Ctrl+Enter (Cmd+Enter on a Mac), with the editor's text at that moment. */
  onSubmit(value: string): void;
}

/** Monaco is several megabytes: it loads after first paint, only in the browser. */
const MonacoStanzaEditor = dynamic(() => import("./monaco-stanza-editor").then((module) => module.MonacoStanzaEditor), {
  ssr: false,
  loading: () => <div className="editor-loading">Loading the editor…</div>,
});

export function StanzaEditor(props: StanzaEditorProps) {
  return (
    <div className="stanza-editor" data-testid="stanza-editor">
      <MonacoStanzaEditor {...props} />
    </div>
  );
}
