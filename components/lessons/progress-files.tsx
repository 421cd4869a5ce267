"use client";

import { useId, useState, type ChangeEvent } from "react";
import { PROGRESS_FILE_MAX_BYTES, mergeProgress, parseProgressFile, serializeProgress } from "@/lib/lessons/progress";
import { countNoun } from "@/lib/count-noun";
import { updateProgress, useLessonProgress } from "./use-lesson-progress";
import styles from "./lessons.module.css";

type Notice = { kind: "ok" | "error"; text: string } | null;

/** Export this browser's progress as a JSON file; import one (it is merged: nothing here is lost). */
export function ProgressFiles() {
  const { progress } = useLessonProgress();
  const [notice, setNotice] = useState<Notice>(null);
  const inputId = useId();

  function exportProgress() {
    const blob = new Blob([serializeProgress(progress)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `xmpp-lesson-progress-${new Date().toISOString().slice(0, 10)}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
    setNotice({ kind: "ok", text: "Progress exported. Import the file in another browser to carry on there." });
  }

  async function importProgress(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (file === undefined) return;
    if (file.size > PROGRESS_FILE_MAX_BYTES) {
      setNotice({ kind: "error", text: `${file.name} is too big to be lesson progress. Choose a file made by Export progress.` });
      return;
    }
    const parsed = parseProgressFile(await file.text());
    if (!parsed.ok) {
      setNotice({ kind: "error", text: `${file.name} was not imported: ${parsed.message} Your progress here is unchanged.` });
      return;
    }
    const steps = Object.values(parsed.progress.lessons).reduce((sum, lesson) => sum + lesson.passed.length, 0);
    const problem = updateProgress((mine) => mergeProgress(mine, parsed.progress));
    setNotice(
      problem
        ? { kind: "error", text: problem }
        : { kind: "ok", text: `Imported ${file.name}: ${countNoun(steps, "passed step")} merged with this browser's progress.` },
    );
  }

  return (
    <div className={styles.progressFiles} role="group" aria-label="Progress file">
      <button type="button" className="button small" onClick={exportProgress}>
        Export progress
      </button>
      <label htmlFor={inputId} className="button small">
        Import progress…
      </label>
      <input id={inputId} type="file" accept="application/json,.json" className={styles.visuallyHidden} aria-label="Import progress" onChange={(event) => void importProgress(event)} />
      {notice && (
        <p role={notice.kind === "error" ? "alert" : "status"} className={notice.kind === "error" ? "error-text" : "hint"} data-testid="progress-notice">
          {notice.text}
        </p>
      )}
    </div>
  );
}
