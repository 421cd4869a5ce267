"use client";

import styles from "./share-link.module.css";
import { useState } from "react";
import type { LinkKind } from "@/lib/scripts/link";

const WHAT: Record<LinkKind, string> = { script: "this script", stanza: "this stanza", step: "this step's XML" };

/**
 * "Link": the text itself packed in a link's fragment (lib/scripts/link.ts, loaded on first
 * use), shown to copy, or why it cannot be (past the size a link may carry). Nothing is stored
 * on the server; the page that opens the link shows the text and sends nothing by itself.
 */
export function ShareLink({ kind, text, params, testId }: { kind: LinkKind; text(): string; params?: Record<string, string>; testId: string }) {
  const [link, setLink] = useState<{ ok: true; url: string } | { ok: false; problem: string } | null>(null);
  const [status, setStatus] = useState("");

  async function share() {
    const { toFragment } = await import("@/lib/scripts/link");
    const made = await toFragment(kind, text(), params);
    setLink(made.ok ? { ok: true, url: `${window.location.origin}${window.location.pathname}#${made.fragment}` } : made);
    setStatus("");
  }

  return (
    <span className={styles.share}>
      <button type="button" className="button small" onClick={() => void share()} title={`A link that carries ${WHAT[kind]} itself`}>
        Link
      </button>
      {link && !link.ok && (
        <p className={`error-text ${styles.problem}`} role="alert">
          {link.problem}
        </p>
      )}
      {link?.ok && (
        <span className={styles.made}>
          <label>
            {`Link to ${WHAT[kind]} (it holds the text itself; nothing is stored on the server)`}
            <input readOnly value={link.url} data-testid={testId} onFocus={(event) => event.target.select()} />
          </label>
          <button
            type="button"
            className="button small"
            onClick={() =>
              (navigator.clipboard?.writeText(link.url) ?? Promise.reject(new Error("no clipboard"))).then(
                () => setStatus("Copied."),
                () => setStatus("The browser refused the clipboard: select the link and copy it."),
              )
            }
          >
            Copy
          </button>
          <span className="hint" role="status">
            {status}
          </span>
        </span>
      )}
    </span>
  );
}
