/**
 * Where the open step's window starts, per tab (sessionStorage), tied to the session it
 * counts in: a reload reattaches to the same session and the step goes on where it was.
 */

export type SavedWindow = { sessionId: string; step: string; start: number };
const windowKeyFor = (slug: string) => `xmpp-playground:lesson-window:${slug}`;

export function readSavedWindow(slug: string): SavedWindow | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(windowKeyFor(slug)) ?? "null") as SavedWindow | null;
    return saved && typeof saved.sessionId === "string" && typeof saved.step === "string" && Number.isInteger(saved.start) ? saved : null;
  } catch {
    return null;
  }
}

export function saveWindow(slug: string, saved: SavedWindow): void {
  try {
    sessionStorage.setItem(windowKeyFor(slug), JSON.stringify(saved));
  } catch {
    // Storage refused: after a reload the window starts at the session's beginning, which is all this costs.
  }
}
