import { emptyProgress, parseProgressFile, serializeProgress, type CourseProgress } from "./progress";

/**
 * Progress lives in the browser's localStorage: a few hundred bytes, read synchronously so
 * the index shows it on first render, and shared by every tab of the origin (the "storage"
 * event tells the others). Transcripts, which can be huge, stay in IndexedDB.
 */

export const PROGRESS_STORAGE_KEY = "xmpp-playground:lesson-progress";

export type ProgressStorage = Pick<Storage, "getItem" | "setItem">;

/** What this browser kept; nothing (or something unreadable) reads as no progress. */
export function loadProgress(storage: ProgressStorage | null): CourseProgress {
  const text = readSafely(storage);
  if (text === null) return emptyProgress();
  const parsed = parseProgressFile(text);
  return parsed.ok ? parsed.progress : emptyProgress();
}

/** Returns a message when the browser refuses (storage disabled or full); the page goes on. */
export function saveProgress(storage: ProgressStorage | null, progress: CourseProgress): string | null {
  if (storage === null) return "This browser does not allow storage here: progress lasts until you leave the page. Export it to keep it.";
  try {
    storage.setItem(PROGRESS_STORAGE_KEY, serializeProgress(progress));
    return null;
  } catch {
    return "The browser refused to store your progress (storage full or disabled). Export it to keep it.";
  }
}

function readSafely(storage: ProgressStorage | null): string | null {
  try {
    return storage?.getItem(PROGRESS_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}
