"use client";

import { useEffect, useState } from "react";
import type { Script } from "@/lib/scripts/types";

export type Parsed =
  | { state: "loading" }
  | { state: "ok"; script: Script }
  /** The same fields the command line prints (lib/scripts/parse.ts): line, field, problem. */
  | { state: "error"; line: number | undefined; field: string; problem: string; message: string };

const PARSE_DELAY_MS = 150;

/**
 * The script as the command line reads it (lib/scripts/parse.ts), parsed as it is typed. The
 * parser (with its YAML reader) loads after first paint: the page shows before it is needed.
 */
export function useParsedScript(text: string, file: string): Parsed & { current: boolean } {
  const [parsed, setParsed] = useState<{ text: string; file: string; result: Parsed } | null>(null);
  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      void import("@/lib/scripts/parse").then(({ parseScript, ScriptFormatError }) => {
        if (stale) return;
        try {
          setParsed({ text, file, result: { state: "ok", script: parseScript(text, file) } });
        } catch (error) {
          const result: Parsed =
            error instanceof ScriptFormatError
              ? { state: "error", line: error.line, field: error.field, problem: error.problem, message: error.message }
              : { state: "error", line: undefined, field: "", problem: String(error), message: String(error) };
          setParsed({ text, file, result });
        }
      });
    }, PARSE_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text, file]);
  if (parsed === null) return { state: "loading", current: false };
  // The last reading stays on view while the next is pending (no flicker as one types), but it
  // is marked: Run must never start the previous text's steps in the moment after an edit.
  return { ...parsed.result, current: parsed.text === text && parsed.file === file };
}
