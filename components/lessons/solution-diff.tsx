"use client";

import { diffLines } from "diff";
import styles from "./lessons.module.css";

/** The solution against the starter, line by line, as the lesson files write them ({{variables}} unexpanded). */
export function SolutionDiff({ starter, solution }: { starter: string; solution: string }) {
  const changes = diffLines(withFinalNewline(starter), withFinalNewline(solution));
  const lines = changes.flatMap((change) =>
    change.value
      .replace(/\n$/, "")
      .split("\n")
      .map((text) => ({ text, kind: change.added ? "added" : change.removed ? "removed" : "same" }) as const),
  );
  return (
    <figure className={styles.diff} data-testid="solution-diff">
      <figcaption>The solution is in the editor. What changed from the starter:</figcaption>
      <pre aria-label="Diff of the solution against the starter">
        {lines.map((line, index) => (
          <div key={index} className={styles[`diff-${line.kind}`]} data-kind={line.kind}>
            <span aria-hidden="true" className={styles.diffMark}>
              {line.kind === "added" ? "+" : line.kind === "removed" ? "−" : " "}
            </span>
            <span className={styles.visuallyHidden}>{line.kind === "added" ? "added: " : line.kind === "removed" ? "removed: " : ""}</span>
            {line.text}
          </div>
        ))}
      </pre>
    </figure>
  );
}

function withFinalNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
