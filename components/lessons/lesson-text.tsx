"use client";

import dynamic from "next/dynamic";
import { useLayoutEffect, useRef } from "react";
import { LESSON_VARIABLE_NAMES, expandPlainText, type LessonVariables } from "@/lib/lessons/variables";
import type { LessonSegment } from "@/lib/lessons/lesson-markdown";
import styles from "./lessons.module.css";

// @xmpp/jid and the explorer load only on the lesson that asks for them.
const JidExplorer = dynamic(() => import("./jid-explorer").then((module) => module.JidExplorer), {
  ssr: false,
  loading: () => <p className="hint">Loading the JID explorer…</p>,
});

/** Before the first session has its values, prose shows an ellipsis where each value will be, never a {{name}}. */
const PENDING = Object.fromEntries(LESSON_VARIABLE_NAMES.map((name) => [name, "…"])) as unknown as LessonVariables;

/** Lesson prose: inert HTML made at build time, with {{variables}} filled into its text nodes. */
export function LessonText({ segments, variables, label }: { segments: readonly LessonSegment[]; variables: LessonVariables | null; label?: string }) {
  return (
    <div className={styles.prose} aria-label={label}>
      {segments.map((segment, index) =>
        segment.kind === "html" ? <LessonHtml key={index} html={segment.html} variables={variables} /> : <JidExplorer key={index} />,
      )}
    </div>
  );
}

/** One block of lesson HTML. Variables only ever become text (node.data), never markup. */
export function LessonHtml({ html, variables, className }: { html: string; variables: LessonVariables | null; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const originals = useRef(new WeakMap<Text, string>());

  useLayoutEffect(() => {
    const root = ref.current;
    if (root === null) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node !== null; node = walker.nextNode() as Text | null) {
      const original = originals.current.get(node) ?? node.data;
      if (!original.includes("{{")) continue;
      originals.current.set(node, original);
      // {{id}} stays a name in prose: the editor draws a fresh one at each send.
      const expanded = expandPlainText(original, variables ?? PENDING, () => "{{id}}");
      if (node.data !== expanded) node.data = expanded;
    }
    for (const link of root.querySelectorAll<HTMLAnchorElement>("a[href^='http']")) {
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
  }, [html, variables]);

  return <div ref={ref} className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
