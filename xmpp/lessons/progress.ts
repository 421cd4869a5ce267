/**
 * A learner's progress through the course, per browser: which steps of which lesson passed
 * their check, and where they were. Plain data, so it can be stored, exported as a file and
 * imported again (in another browser, say). Keys are lesson and step slugs, not numbers, so
 * inserting a step later does not shift what was passed.
 */

export const PROGRESS_FORMAT = "xmpp-playground-lesson-progress";
export const PROGRESS_VERSION = 1;
/** Bigger than any honest progress file by orders of magnitude. */
export const PROGRESS_FILE_MAX_BYTES = 1024 * 1024;

export interface LessonProgress {
  /** Slugs of the steps whose check passed, in the order they passed. */
  passed: string[];
  /** The step the learner had open last. */
  current: string | null;
  /** Epoch ms of the last change, to find where to continue. */
  updatedAt: number;
}

export interface CourseProgress {
  lessons: Record<string, LessonProgress>;
}

/** What the index needs of a lesson: its slug and its steps' slugs, in order. */
export interface LessonOutline {
  slug: string;
  steps: readonly { slug: string }[];
}

export interface LessonStanding {
  passed: number;
  total: number;
  done: boolean;
  started: boolean;
  /** The step to open: the last one open, else the first not passed. */
  resumeStep: string | null;
}

export type ProgressParse = { ok: true; progress: CourseProgress } | { ok: false; message: string };

const SLUG = /^[a-z0-9][a-z0-9-]{0,79}$/;
const FIX = "Choose a file made by Export progress on the lessons page.";

export function emptyProgress(): CourseProgress {
  return { lessons: {} };
}

export function markStepPassed(progress: CourseProgress, lesson: string, step: string, now = Date.now()): CourseProgress {
  const current = progress.lessons[lesson] ?? { passed: [], current: null, updatedAt: now };
  if (current.passed.includes(step)) return progress;
  return { lessons: { ...progress.lessons, [lesson]: { ...current, passed: [...current.passed, step], updatedAt: now } } };
}

export function openStep(progress: CourseProgress, lesson: string, step: string, now = Date.now()): CourseProgress {
  const current = progress.lessons[lesson] ?? { passed: [], current: null, updatedAt: now };
  if (current.current === step) return progress;
  return { lessons: { ...progress.lessons, [lesson]: { ...current, current: step, updatedAt: now } } };
}

/** How far the learner got in one lesson, counting only steps the lesson still has. */
export function standingOf(progress: CourseProgress, lesson: LessonOutline): LessonStanding {
  const record = progress.lessons[lesson.slug];
  const slugs = lesson.steps.map((step) => step.slug);
  const passedSet = new Set(record?.passed ?? []);
  const passed = slugs.filter((slug) => passedSet.has(slug)).length;
  const lastOpen = record?.current && slugs.includes(record.current) ? record.current : null;
  const firstOpen = slugs.find((slug) => !passedSet.has(slug)) ?? null;
  return {
    passed,
    total: slugs.length,
    done: slugs.length > 0 && passed === slugs.length,
    started: record !== undefined,
    resumeStep: lastOpen ?? firstOpen ?? slugs[0] ?? null,
  };
}

/** The lesson to continue: the one touched last that is not done, else the first not done. */
export function lessonToContinue(progress: CourseProgress, lessons: readonly LessonOutline[]): string | null {
  const unfinished = lessons.filter((lesson) => !standingOf(progress, lesson).done);
  const touched = unfinished
    .filter((lesson) => progress.lessons[lesson.slug] !== undefined)
    .sort((a, b) => progress.lessons[b.slug]!.updatedAt - progress.lessons[a.slug]!.updatedAt);
  return touched[0]?.slug ?? unfinished[0]?.slug ?? null;
}

/** Both sides' passed steps are kept: importing never loses what this browser had. */
export function mergeProgress(mine: CourseProgress, theirs: CourseProgress): CourseProgress {
  const lessons: Record<string, LessonProgress> = { ...mine.lessons };
  for (const [slug, incoming] of Object.entries(theirs.lessons)) {
    const existing = lessons[slug];
    if (existing === undefined) {
      lessons[slug] = incoming;
      continue;
    }
    const newer = incoming.updatedAt > existing.updatedAt ? incoming : existing;
    lessons[slug] = {
      passed: [...existing.passed, ...incoming.passed.filter((step) => !existing.passed.includes(step))],
      current: newer.current ?? existing.current ?? incoming.current,
      updatedAt: Math.max(existing.updatedAt, incoming.updatedAt),
    };
  }
  return { lessons };
}

export function serializeProgress(progress: CourseProgress, now = Date.now()): string {
  return `${JSON.stringify({ format: PROGRESS_FORMAT, version: PROGRESS_VERSION, exportedAt: new Date(now).toISOString(), lessons: progress.lessons }, null, 2)}\n`;
}

/** Reads an exported file (or stored text) strictly; every refusal says what is wrong and what to do. */
export function parseProgressFile(text: string): ProgressParse {
  if (text.length > PROGRESS_FILE_MAX_BYTES) return { ok: false, message: `This file is too big to be lesson progress (over ${PROGRESS_FILE_MAX_BYTES / 1024} KB). ${FIX}` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `This file is not JSON (${error instanceof Error ? error.message : String(error)}). ${FIX}` };
  }
  if (!isRecord(value) || value.format !== PROGRESS_FORMAT) {
    return { ok: false, message: `This JSON file is not lesson progress: it has no "format": "${PROGRESS_FORMAT}". ${FIX}` };
  }
  if (value.version !== PROGRESS_VERSION) {
    return { ok: false, message: `This progress file has version ${JSON.stringify(value.version)}; this playground reads version ${PROGRESS_VERSION}. Export it again from this version.` };
  }
  if (!isRecord(value.lessons)) return { ok: false, message: `This progress file has no "lessons" object. ${FIX}` };
  const lessons: Record<string, LessonProgress> = {};
  for (const [slug, record] of Object.entries(value.lessons)) {
    const where = `lessons.${slug}`;
    if (!SLUG.test(slug)) return { ok: false, message: `"${slug.slice(0, 80)}" is not a lesson name (lowercase letters, digits and "-"). ${FIX}` };
    if (!isRecord(record)) return { ok: false, message: `${where} must be an object. ${FIX}` };
    const { passed, current, updatedAt } = record;
    if (!Array.isArray(passed) || !passed.every((step) => typeof step === "string" && SLUG.test(step))) {
      return { ok: false, message: `${where}.passed must be a list of step names. ${FIX}` };
    }
    if (current !== null && current !== undefined && (typeof current !== "string" || !SLUG.test(current))) {
      return { ok: false, message: `${where}.current must be a step name or null. ${FIX}` };
    }
    if (typeof updatedAt !== "number" || !Number.isFinite(updatedAt)) return { ok: false, message: `${where}.updatedAt must be a time in milliseconds. ${FIX}` };
    lessons[slug] = { passed: [...new Set(passed as string[])], current: (current as string | null | undefined) ?? null, updatedAt };
  }
  return { ok: true, progress: { lessons } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
