"use client";

import { useEffect, useRef, useState, type RefObject } from "react";
import Editor, { loader, type OnMount } from "@monaco-editor/react";
import * as monaco from "monaco-editor/editor";
import "./monaco-features";
import "monaco-editor/languages/definitions/xml/register";
import { usePageTheme } from "@/components/ui/theme-toggle";
import type { TemplateVariables } from "@/lib/xml/templates";
import type { Diagnostic, EditorMode, EditorSession } from "@/lib/editor/validate-stanza";
import { attachDiagnostics, registerXmppLanguage, type DiagnosticsHandle } from "./xmpp-language";

// Monaco comes from the local package, never a CDN: the playground works offline.
self.MonacoEnvironment = {
  getWorker: () => new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), { type: "module" }),
};
loader.config({ monaco });

/** What the surrounding component may ask of the editor once it has loaded. */
export interface MonacoEditorApi {
  focus(): void;
  /** The model's text right now (React state may lag a keystroke behind). */
  getText(): string;
  /** Re-validate at once, so markers are current before a send decision is shown. */
  validateNow(): void;
}

export interface MonacoStanzaEditorProps {
  value: string;
  onChange(value: string): void;
  /** Ctrl+Enter, with the model's text at that moment. */
  onSend(text: string): void;
  /** Ctrl+Up (-1, older) or Ctrl+Down (+1, newer): the text to show, or null to stay. */
  onHistory(step: -1 | 1, current: string): string | null;
  mode: EditorMode | EditorSession;
  variables: TemplateVariables;
  maxSendChars: number;
  onDiagnostics(diagnostics: Diagnostic[]): void;
  apiRef: RefObject<MonacoEditorApi | null>;
}

type Mounted = { editor: monaco.editor.IStandaloneCodeEditor; api: typeof monaco };

/** Pastes at least this long go straight into the model (see pasteLargeText). */
const LARGE_PASTE_CHARS = 20_000;

/**
 * Monaco's own paste goes through its hidden textarea, and with a megabyte on one line that
 * path stalls the page for minutes (measured in Chromium here); an edit of the model takes
 * about 100 ms for the same megabyte. So long pastes are applied as one edit, undoable as one.
 */
function pasteLargeText(editor: monaco.editor.IStandaloneCodeEditor): (event: ClipboardEvent) => void {
  return (event) => {
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (text.length < LARGE_PASTE_CHARS) return;
    event.preventDefault();
    event.stopPropagation();
    const selections = editor.getSelections() ?? [];
    editor.pushUndoStop();
    editor.executeEdits("paste", selections.map((range) => ({ range, text, forceMoveMarkers: true })));
    editor.pushUndoStop();
  };
}

export function MonacoStanzaEditor({ value, onChange, onSend, onHistory, mode, variables, maxSendChars, onDiagnostics, apiRef }: MonacoStanzaEditorProps) {
  const [mounted, setMounted] = useState<Mounted | null>(null);
  // Commands and listeners are registered once; they must reach the latest props, not the first.
  const latest = useRef({ onSend, onHistory, onDiagnostics, mode, variables, maxSendChars });
  useEffect(() => {
    latest.current = { onSend, onHistory, onDiagnostics, mode, variables, maxSendChars };
  }, [onSend, onHistory, onDiagnostics, mode, variables, maxSendChars]);
  const diagnosticsRef = useRef<DiagnosticsHandle | null>(null);
  const monacoTheme = usePageTheme() === "light" ? "vs" : "vs-dark";

  // Everything registered here is disposed when the editor goes (and again under StrictMode's double run).
  useEffect(() => {
    if (!mounted) return;
    const { editor, api } = mounted;
    const diagnostics = attachDiagnostics(api, editor, () => latest.current, (found) => latest.current.onDiagnostics(found));
    diagnosticsRef.current = diagnostics;
    const walk = (step: -1 | 1) => {
      const next = latest.current.onHistory(step, editor.getValue());
      if (next === null) return;
      // One undoable edit, so Ctrl+Z brings back what was there.
      editor.pushUndoStop();
      editor.executeEdits("history", [{ range: editor.getModel()!.getFullModelRange(), text: next, forceMoveMarkers: true }]);
      editor.pushUndoStop();
      editor.setPosition(editor.getModel()!.getPositionAt(next.length));
    };
    const disposables = [
      registerXmppLanguage(api),
      diagnostics,
      editor.addAction({
        id: "xmpp.send",
        label: "Send to the server",
        keybindings: [api.KeyMod.CtrlCmd | api.KeyCode.Enter],
        // Read the model now: React state may not have caught up with the last keystroke. No
        // check of the markers first: the send checks the text itself, refreshes them when it
        // refuses, and the pending check after the last keystroke still runs (issue 17: the
        // stanza leaves before anything else is done).
        run: (target) => latest.current.onSend(target.getValue()),
      }),
      editor.addAction({ id: "xmpp.history.older", label: "Previous sent stanza", keybindings: [api.KeyMod.CtrlCmd | api.KeyCode.UpArrow], run: () => walk(-1) }),
      editor.addAction({ id: "xmpp.history.newer", label: "Next sent stanza", keybindings: [api.KeyMod.CtrlCmd | api.KeyCode.DownArrow], run: () => walk(1) }),
    ];
    apiRef.current = { focus: () => editor.focus(), getText: () => editor.getValue(), validateNow: () => diagnostics.refresh() };
    // Capture phase: before Monaco's textarea sees the paste.
    const dom = editor.getDomNode();
    const onPaste = pasteLargeText(editor);
    dom?.addEventListener("paste", onPaste, true);
    return () => {
      dom?.removeEventListener("paste", onPaste, true);
      apiRef.current = null;
      diagnosticsRef.current = null;
      for (const disposable of disposables) disposable.dispose();
    };
  }, [mounted, apiRef]);

  // A new mode or new variables change what is valid: re-check without waiting for a keystroke.
  useEffect(() => {
    diagnosticsRef.current?.refresh();
  }, [mode, variables.me, variables.domain, variables.peer, maxSendChars]);

  const handleMount: OnMount = (editor, api) => setMounted({ editor, api });

  // The editor owns its text. React hands back what the editor emitted, but possibly a few
  // keystrokes late; writing such a stale echo back would scramble fast typing. So texts the
  // editor emitted are remembered until they come back, and only a value that was never
  // emitted (a template, "load into editor") is pushed in, as one undoable edit.
  const emitted = useRef<string[]>([]);
  useEffect(() => {
    const editor = mounted?.editor;
    const model = editor?.getModel();
    if (!editor || !model) return;
    const echo = emitted.current.lastIndexOf(value);
    if (echo !== -1) {
      emitted.current.splice(0, echo + 1);
      return;
    }
    if (value === editor.getValue()) return;
    emitted.current.length = 0;
    editor.pushUndoStop();
    editor.executeEdits("outside", [{ range: model.getFullModelRange(), text: value, forceMoveMarkers: true }]);
    editor.pushUndoStop();
  }, [value, mounted]);

  return (
    <Editor
      language="xml"
      theme={monacoTheme}
      defaultValue={value}
      onChange={(text) => {
        emitted.current.push(text ?? "");
        if (emitted.current.length > 1000) emitted.current.splice(0, 500);
        onChange(text ?? "");
      }}
      onMount={handleMount}
      options={{
        minimap: { enabled: false },
        fontSize: 13,
        lineNumbers: "on",
        scrollBeyondLastLine: false,
        wordWrap: "on",
        automaticLayout: true,
        tabSize: 2,
        // Suggestions come from the XMPP schema; words from the text would only add noise.
        wordBasedSuggestions: "off",
        quickSuggestions: { other: true, strings: true, comments: false },
        suggestOnTriggerCharacters: true,
        acceptSuggestionOnCommitCharacter: false,
        // Monaco's "paste as" runs its paste providers after awaiting them, so a Ctrl+Enter in the
        // same moment sent the text from before the paste. Off, a paste is one edit in its own event
        // (the XML here has no other paste format to offer).
        pasteAs: { enabled: false },
        // The editor's box clips overflow: let hovers and suggestions draw outside it.
        fixedOverflowWidgets: true,
        ariaLabel: "Stanza editor: type XML. Ctrl+Enter sends, Ctrl+Up and Ctrl+Down walk the history, Ctrl+Space completes, Ctrl+M makes Tab leave the editor.",
      }}
    />
  );
}
