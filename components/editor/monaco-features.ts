/**
 * The Monaco features the stanza editor offers, instead of `features/register.all`. Every page
 * that shows the editor parses and compiles the whole Monaco chunk on its main thread, so a
 * feature that can never act on a stanza only costs load time (issue 17). Left out, each for
 * its reason: nothing provides it for XML here (code actions and lenses, inlay hints, inline
 * completions, colour picker, rename, go to definition and references, outline and document
 * symbols, formatting, signature help, linked editing, semantic tokens, sticky scroll's
 * outline, section headers), or it is a tool for Monaco's own developers or for a diff editor
 * (inspect tokens, force retokenize, GPU rendering, diff editor, floating menu), or for an
 * option this editor never sets (read-only message, placeholder, in-place replace's values).
 *
 * Kept: what the README promises (completion with snippets, hover docs, the markers and F8 to
 * walk them, Ctrl+M) and what a person editing XML reaches for by habit. Some `features/*`
 * entries miss a module the full build (`editor/editor.main.js`) imports beside them: the
 * suggest entry brings only inline suggestions, without the suggest widget. Those modules are
 * imported by path below, next to their feature.
 */
import "monaco-editor/features/codicon/register";
// Completion from the XMPP schema (its items may be snippets), hover docs, markers.
import "monaco-editor/features/suggest/register";
import "monaco-editor/editor/contrib/suggest/browser/suggestController.js";
import "monaco-editor/features/snippet/register";
import "monaco-editor/features/hover/register";
import "monaco-editor/features/gotoError/register";
import "monaco-editor/editor/contrib/gotoError/browser/markerSelectionStatus.js";
// Ctrl+M: Tab leaves the editor (the page's key help says so).
import "monaco-editor/features/toggleTabFocusMode/register";
// Links (namespaces are URLs) and invisible or confusable characters, both computed in
// Monaco's worker: hostile text shows for what it is.
import "monaco-editor/features/links/register";
import "monaco-editor/features/unicodeHighlighter/register";
import "monaco-editor/features/unusualLineTerminators/register";
// Editing by habit: clipboard and its paste pipeline, context menu, find and replace,
// folding, brackets, comments, lines, words, cursors, selection, drag and drop.
import "monaco-editor/features/clipboard/register";
import "monaco-editor/features/dropOrPasteInto/register";
import "monaco-editor/editor/contrib/dropOrPasteInto/browser/copyPasteContribution.js";
import "monaco-editor/features/contextmenu/register";
import "monaco-editor/features/find/register";
import "monaco-editor/features/folding/register";
import "monaco-editor/features/bracketMatching/register";
import "monaco-editor/features/comment/register";
import "monaco-editor/features/indentation/register";
import "monaco-editor/features/linesOperations/register";
import "monaco-editor/features/lineSelection/register";
import "monaco-editor/features/wordOperations/register";
import "monaco-editor/features/wordPartOperations/register";
import "monaco-editor/features/wordHighlighter/register";
import "monaco-editor/features/multicursor/register";
import "monaco-editor/features/cursorUndo/register";
import "monaco-editor/features/anchorSelect/register";
import "monaco-editor/features/smartSelect/register";
import "monaco-editor/features/caretOperations/register";
import "monaco-editor/editor/contrib/caretOperations/browser/caretOperations.js";
import "monaco-editor/features/insertFinalNewLine/register";
import "monaco-editor/features/dnd/register";
import "monaco-editor/features/middleScroll/register";
import "monaco-editor/features/longLinesHelper/register";
import "monaco-editor/features/iPadShowKeyboard/register";
// The command palette (F1), its help, go to line, zoom, high contrast.
import "monaco-editor/features/quickCommand/register";
import "monaco-editor/features/quickHelp/register";
import "monaco-editor/features/gotoLine/register";
import "monaco-editor/features/fontZoom/register";
import "monaco-editor/features/toggleHighContrast/register";
