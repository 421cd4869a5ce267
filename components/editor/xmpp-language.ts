import type * as MonacoModule from "monaco-editor/editor";
import { prepareSendOnce, tooLargeDiagnostic } from "@/lib/editor/prepare-send";
import type { TemplateVariables } from "@/lib/xml/templates";
import type { Diagnostic, EditorMode, EditorSession } from "@/lib/editor/validate-stanza";
import { suggest, type Suggestion } from "@/lib/xmpp-schema/completion";
import { hoverAt } from "@/lib/xmpp-schema/hover";

/**
 * Teaches Monaco's XML mode about XMPP: completion and hovers from the schema, markers
 * from the validator. Monaco arrives as a parameter and is only imported for its types,
 * so this module adds nothing to the page until the lazily loaded editor brings it.
 */

type Monaco = typeof MonacoModule;
type Editor = MonacoModule.editor.IStandaloneCodeEditor;
type Model = MonacoModule.editor.ITextModel;

const LANGUAGE = "xml";
const MARKER_OWNER = "xmpp-playground";
const VALIDATE_DELAY_MS = 150;

/**
 * Providers are global to a Monaco instance, not to one editor: two panes must not get
 * every suggestion twice. Count the editors that asked and dispose with the last one.
 */
const registrations = new WeakMap<Monaco, { editors: number; providers: MonacoModule.IDisposable[] }>();

export function registerXmppLanguage(monaco: Monaco): MonacoModule.IDisposable {
  let registration = registrations.get(monaco);
  if (!registration) {
    registration = { editors: 0, providers: [registerCompletion(monaco), registerHover(monaco)] };
    registrations.set(monaco, registration);
  }
  registration.editors++;
  const held = registration;
  let disposed = false;
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      held.editors--;
      if (held.editors === 0) {
        for (const provider of held.providers) provider.dispose();
        registrations.delete(monaco);
      }
    },
  };
}

function registerCompletion(monaco: Monaco): MonacoModule.IDisposable {
  const kinds: Record<Suggestion["kind"], MonacoModule.languages.CompletionItemKind> = {
    element: monaco.languages.CompletionItemKind.Class,
    attribute: monaco.languages.CompletionItemKind.Property,
    value: monaco.languages.CompletionItemKind.EnumMember,
    namespace: monaco.languages.CompletionItemKind.Module,
    "end-tag": monaco.languages.CompletionItemKind.Keyword,
    variable: monaco.languages.CompletionItemKind.Variable,
  };
  return monaco.languages.registerCompletionItemProvider(LANGUAGE, {
    triggerCharacters: ["<", " ", '"', "'", "/"],
    provideCompletionItems(model, position) {
      const suggestions = suggest(model.getValue(), model.getOffsetAt(position)).map((suggestion) => ({
        label: suggestion.label,
        kind: kinds[suggestion.kind],
        insertText: suggestion.insertText,
        ...(suggestion.snippet ? { insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
        // Filter on what is typed (the element name), not on the namespace in the label.
        filterText: suggestion.kind === "element" ? suggestion.label.split(" ")[0] : suggestion.label,
        detail: suggestion.detail,
        documentation: { value: suggestion.documentation },
        sortText: suggestion.sortText,
        range: rangeOf(monaco, model, suggestion.replaceFrom, suggestion.replaceTo),
        ...(suggestion.retrigger ? { command: { id: "editor.action.triggerSuggest", title: "Suggest values" } } : {}),
      }));
      return { suggestions };
    },
  });
}

function registerHover(monaco: Monaco): MonacoModule.IDisposable {
  return monaco.languages.registerHoverProvider(LANGUAGE, {
    provideHover(model, position) {
      const hover = hoverAt(model.getValue(), model.getOffsetAt(position));
      if (!hover) return null;
      // Plain Markdown: no HTML, no command links (isTrusted stays off).
      return { contents: [{ value: hover.markdown }], range: rangeOf(monaco, model, hover.offset, hover.offset + hover.length) };
    },
  });
}

export interface DiagnosticsSettings {
  mode: EditorMode | EditorSession;
  variables: TemplateVariables;
  /** The bridge's send limit (BRIDGE_MAX_SEND_CHARS): longer text is flagged, not checked. */
  maxSendChars: number;
}

export interface DiagnosticsHandle extends MonacoModule.IDisposable {
  /** Validate now, without waiting for the debounce: before a send, say. */
  refresh(): void;
}

/**
 * Live markers for one editor: validated as the person types (debounced), with the same
 * decision `prepareSend` takes, so what is marked is exactly what would block a send.
 */
export function attachDiagnostics(monaco: Monaco, editor: Editor, settings: () => DiagnosticsSettings, onDiagnostics: (diagnostics: Diagnostic[]) => void): DiagnosticsHandle {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Whether the last check found nothing: a clean text after a clean text changes no marker
  // and no status, so it costs Monaco no decoration pass and React no render.
  let clean: boolean | null = null;
  const run = () => {
    clearTimeout(timer);
    timer = undefined;
    const model = editor.getModel();
    if (!model) return;
    const { mode, variables, maxSendChars } = settings();
    // A 10 MB paste is not read at all (getValue would copy it): its length says enough.
    const length = model.getValueLength();
    // A fixed id: live checks must not consume ids, and the id's value never matters to them.
    const { diagnostics } = length > maxSendChars ? { diagnostics: [tooLargeDiagnostic(length, maxSendChars)] } : prepareSendOnce(model.getValue(), mode, variables, () => "id", maxSendChars);
    const shown = diagnostics.filter((diagnostic) => diagnostic.code !== "empty");
    if (shown.length === 0 && clean === true) return;
    clean = shown.length === 0;
    monaco.editor.setModelMarkers(model, MARKER_OWNER, shown.map((diagnostic) => toMarker(monaco, model, diagnostic)));
    onDiagnostics(shown);
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, VALIDATE_DELAY_MS);
  };
  const listeners = [editor.onDidChangeModelContent(schedule), editor.onDidChangeModel(schedule)];
  run();
  return {
    refresh: run,
    dispose() {
      clearTimeout(timer);
      for (const listener of listeners) listener.dispose();
      const model = editor.getModel();
      if (model && !model.isDisposed()) monaco.editor.setModelMarkers(model, MARKER_OWNER, []);
    },
  };
}

function toMarker(monaco: Monaco, model: Model, diagnostic: Diagnostic): MonacoModule.editor.IMarkerData {
  const length = model.getValueLength();
  const start = model.getPositionAt(Math.min(diagnostic.offset, length));
  // A zero-length problem still needs one character to be visible.
  const end = model.getPositionAt(Math.min(diagnostic.offset + Math.max(diagnostic.length, 1), length));
  const severity = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info }[diagnostic.severity];
  return {
    severity,
    message: diagnostic.message,
    code: diagnostic.code,
    source: "XMPP",
    startLineNumber: start.lineNumber,
    startColumn: start.column,
    endLineNumber: end.lineNumber,
    endColumn: end.column,
  };
}

function rangeOf(monaco: Monaco, model: Model, from: number, to: number): MonacoModule.IRange {
  const start = model.getPositionAt(from);
  const end = model.getPositionAt(to);
  return new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
}
