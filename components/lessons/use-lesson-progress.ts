"use client";

import { useSyncExternalStore } from "react";
import { emptyProgress, type CourseProgress } from "@/lib/lessons/progress";
import { PROGRESS_STORAGE_KEY, loadProgress, saveProgress } from "@/lib/lessons/progress-storage";

/**
 * This browser's lesson progress, shared by every component and tab: one snapshot,
 * re-read when another tab writes (the "storage" event), replaced through `update`.
 */

const listeners = new Set<() => void>();
let snapshot: CourseProgress | null = null;
let lastProblem: string | null = null;
const SERVER_SNAPSHOT = emptyProgress();

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function read(): CourseProgress {
  snapshot ??= loadProgress(storage());
  return snapshot;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key !== PROGRESS_STORAGE_KEY) return;
    snapshot = null;
    listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** Applies a change, stores it, and tells every reader; returns a message when storing failed. */
export function updateProgress(change: (progress: CourseProgress) => CourseProgress): string | null {
  const next = change(read());
  if (next === snapshot) return lastProblem;
  snapshot = next;
  lastProblem = saveProgress(storage(), next);
  for (const listener of listeners) listener();
  return lastProblem;
}

export function useLessonProgress(): { progress: CourseProgress; update: typeof updateProgress; storageProblem: string | null } {
  // The server renders no progress; the browser fills it in on hydration.
  const progress = useSyncExternalStore(subscribe, read, () => SERVER_SNAPSHOT);
  return { progress, update: updateProgress, storageProblem: lastProblem };
}
