"use client";

import { useEffect, useRef } from "react";
import Editor, { loader, type OnMount } from "@monaco-editor/react";
import * as monaco from "monaco-editor/editor";
import "monaco-editor/features/register.all";
import "monaco-editor/languages/definitions/xml/register";
import type { StanzaEditorProps } from "./stanza-editor";

// Monaco comes from the local package, never a CDN: the playground works offline.
self.MonacoEnvironment = {
  getWorker: () => new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), { type: "module" }),
};
loader.config({ monaco });

export function MonacoStanzaEditor({ value, onChange, onSubmit }: StanzaEditorProps) {
  // The command is registered once; it must call the latest onSubmit, not the first one.
  const submitRef = useRef(onSubmit);
  useEffect(() => {
    submitRef.current = onSubmit;
  }, [onSubmit]);

  const handleMount: OnMount = (editor, api) => {
    editor.addAction({
      id: "xmpp.send",
      label: "Send to the server",
      keybindings: [api.KeyMod.CtrlCmd | api.KeyCode.Enter],
      // Read the model now: React state may not have caught up with the last keystroke.
      run: (target) => submitRef.current(target.getValue()),
    });
  };

  return (
    <Editor
      language="xml"
      theme="vs-dark"
      value={value}
      onChange={(text) => onChange(text ?? "")}
      onMount={handleMount}
      options={{
        minimap: { enabled: false },
        fontSize: 13,
        lineNumbers: "on",
        scrollBeyondLastLine: false,
        wordWrap: "on",
        automaticLayout: true,
        tabSize: 2,
        ariaLabel: "Stanza editor: type XML, then press Ctrl+Enter to send",
      }}
    />
  );
}
