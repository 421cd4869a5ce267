"use client";

import { useMemo } from "react";
import type { TranscriptEntry } from "@/lib/xmpp/entry";
import { explainEntry, type ElementExplanation, type ErrorExplanation } from "@/lib/xmpp-schema/explain";
import { specName } from "@/lib/xmpp-schema/markdown";
import styles from "./explanation-panel.module.css";

/**
 * What the selected transcript entry means, element by element, with the spec behind it.
 * Everything taken from the wire is rendered as text: a server's bytes are data, never
 * markup. Links come from the curated schema only.
 */
export function ExplanationPanel({ entry }: { entry: TranscriptEntry | null }) {
  const explanation = useMemo(() => (entry ? explainEntry(entry) : null), [entry]);

  if (!entry || !explanation) {
    return (
      <section className={styles.panel} aria-label="Explanation" data-testid="explanation-panel">
        <p className={styles.empty}>Select an entry in the lanes to see what it means.</p>
      </section>
    );
  }

  return (
    <section className={styles.panel} aria-label="Explanation" data-testid="explanation-panel">
      <h2 className={styles.title}>
        #{entry.seq} <span className={styles.kind}>{entry.kind}</span>
      </h2>
      <p className={styles.summary}>{explanation.summary}</p>
      {explanation.error && <ErrorBox error={explanation.error} />}
      {/* Before the elements: "nested deeper than…" must not hide below sixty of them. */}
      {explanation.notes.map((note) => (
        <p key={note} className={styles.note}>
          {note}
        </p>
      ))}
      {explanation.elements.length > 0 && (
        <ol className={styles.elements} aria-label="Elements">
          {explanation.elements.map((element, index) => (
            <ElementItem key={index} element={element} />
          ))}
        </ol>
      )}
    </section>
  );
}

function ErrorBox({ error }: { error: ErrorExplanation }) {
  const label = { "stanza-error": "Stanza error", "stream-error": "Stream error", "sasl-failure": "Authentication failure", "not-well-formed": "Not well-formed" }[error.kind];
  return (
    <div className={styles.error} role="note" data-testid="explanation-error">
      <p className={styles.errorHead}>
        {label}: <code>{error.condition}</code>
        {error.type && (
          <>
            {" "}
            (type <code>{error.type.value}</code>: {error.type.doc})
          </>
        )}
      </p>
      <p>{error.meaning}</p>
      {error.text && (
        <p>
          The sender says: <q className={styles.serverText}>{error.text}</q>
        </p>
      )}
      <p>
        <strong>Likely fix:</strong> {error.fix}
      </p>
      <SpecLink url={error.spec} />
    </div>
  );
}

function ElementItem({ element }: { element: ElementExplanation }) {
  return (
    <li className={styles.element} style={{ marginLeft: `${Math.min(element.depth, 8) * 14}px` }}>
      <div className={styles.elementHead}>
        <code>&lt;{element.qname}&gt;</code>
        {element.ns && <span className={styles.ns}>{element.ns}</span>}
        {element.spec && <SpecLink url={element.spec} />}
      </div>
      <p className={styles.doc}>{element.doc ?? "Not in this playground's schema: an extension it cannot explain."}</p>
      {element.attributes.length > 0 && (
        <dl className={styles.attributes}>
          {element.attributes.map((attribute) => (
            <div key={attribute.name} className={styles.attribute}>
              <dt>
                <code>
                  {attribute.name}=&quot;{attribute.value}&quot;
                </code>
              </dt>
              <dd>
                {attribute.doc ?? "Not described in the schema."}
                {attribute.valueDoc && <span className={styles.valueDoc}> {attribute.valueDoc}</span>}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {element.omittedAttributes !== undefined && <p className={styles.note}>…and {element.omittedAttributes.toLocaleString("en-US")} more attributes, not explained.</p>}
      {element.text && <p className={styles.text}>Text: {element.text}</p>}
    </li>
  );
}

function SpecLink({ url }: { url: string }) {
  return (
    <a className={styles.spec} href={url} target="_blank" rel="noreferrer noopener">
      {specName(url)}
    </a>
  );
}
