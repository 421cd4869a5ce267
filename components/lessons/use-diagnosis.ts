"use client";

import { useEffect, useMemo, useState } from "react";
import type { Diagnosis } from "@/lib/lessons/diagnose";
import type { Expectation } from "@/lib/lessons/types";
import type { LessonVariables } from "@/lib/lessons/variables";
import type { StepCheckState } from "./use-step-check";

type DiagnoseModule = typeof import("@/lib/lessons/diagnose");

/**
 * The diagnosis of a "not yet" verdict. Its code loads with a dynamic import() the first
 * time a step is not yet passed after an attempt, so the lesson page's first paint does
 * not carry it (the page weighs close to its 200 KB budget).
 */
export function useDiagnosis(check: readonly Expectation[], variables: LessonVariables | null, state: StepCheckState, needed: boolean): Diagnosis | null {
  const [module, setModule] = useState<DiagnoseModule | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!needed || module !== null || failed) return;
    let current = true;
    import("@/lib/lessons/diagnose").then(
      (loaded) => current && setModule(loaded),
      // Offline after a deploy, say: the verdict keeps the authored text, without the details.
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [needed, module, failed]);

  const { result, window, entries } = state;
  return useMemo(() => {
    if (!needed || module === null || result === null || variables === null) return null;
    return module.diagnoseStep({ check, session: entries, window, variables, result });
  }, [needed, module, check, entries, window, variables, result]);
}
