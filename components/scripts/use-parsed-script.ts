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
export function useParsedScript(text: string, file: string): Parsed {
  const [parsed, setParsed] = useState<Parsed>({ state: "loading" });
  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      void import("@/lib/scripts/parse").then(({ parseScript, ScriptFormatError }) => {
        if (stale) return;
        try {
          setParsed({ state: "ok", script: parseScript(text, file) });
        } catch (error) {
          if (error instanceof ScriptFormatError) setParsed({ state: "error", line: error.line, field: error.field, problem: error.problem, message: error.message });
          else setParsed({ state: "error", line: undefined, field: "", problem: String(error), message: String(error) });
        }
      });
    }, PARSE_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text, file]);
  return parsed;
}
