"use client";

import styles from "./scripts.module.css";
import { useRef } from "react";
import { ShareLink } from "@/components/files/share-link";
import type { ExampleScript } from "./scripts-page";
import type { useKeptScripts } from "./use-kept-scripts";

const NEW_SCRIPT = `name: My script
accounts:
  alice: fresh
steps:
  - name: ping the server
    send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { dir: in, stanza: iq, type: result, answers: ping }
`;

/** Keep and share: the scripts kept in this browser, files in and out, and a link that carries the script itself. */
export function ScriptFiles({ kept, text, title, examples, disabled }: { kept: ReturnType<typeof useKeptScripts>; text: string; title: string; examples: readonly ExampleScript[]; disabled: boolean }) {
  const fileInput = useRef<HTMLInputElement>(null);

  function exportFile() {
    const url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "script"}.yaml`;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  async function importFile(file: File) {
    await kept.openNew(await file.text(), { kind: "file", name: file.name });
  }

  return (
    <section className={styles.files} aria-label="Kept scripts">
      <div className={`row ${styles.fileActions}`}>
        <select aria-label="Kept scripts" value={kept.current?.id ?? ""} disabled={disabled} onChange={(event) => void kept.open(event.target.value)}>
            {kept.current && !kept.kept.some((script) => script.id === kept.current!.id) && <option value={kept.current.id}>{kept.current.title}</option>}
            {kept.kept.map((script) => (
              <option key={script.id} value={script.id}>
                {script.title}
              </option>
            ))}
          </select>
        <button type="button" className="button small" disabled={disabled} onClick={() => void kept.openNew(NEW_SCRIPT, { kind: "example", name: "new script" })}>
          New
        </button>
        <button type="button" className="button small" disabled={disabled} onClick={() => fileInput.current?.click()}>
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,text/yaml,application/yaml"
          hidden
          data-testid="script-import"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void importFile(file);
            event.target.value = "";
          }}
        />
        <button type="button" className="button small" onClick={exportFile}>
          Export
        </button>
        <details className={styles.examples}>
          <summary>Examples</summary>
          <ul>
            {examples.map((example) => (
              <li key={example.file}>
                <button type="button" className="button small" disabled={disabled} onClick={() => void kept.openNew(example.text, { kind: "example", name: example.file })}>
                  {example.file}
                </button>
              </li>
            ))}
          </ul>
        </details>
        {/* Last in the row: the link it makes takes a row of its own below the buttons. */}
        <ShareLink kind="script" text={() => text} testId="script-link" />
      </div>
    </section>
  );
}
