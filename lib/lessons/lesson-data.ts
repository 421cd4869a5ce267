import type { Transport } from "../bridge/protocol";
import type { Lesson, LessonMode, LessonStep, SpecRef } from "./types";
import { renderInert, renderLessonMarkdown, type LessonSegment } from "./lesson-markdown";

/**
 * What a lesson page hands the browser: plain data made on the server at build time, with
 * Markdown already turned into inert HTML (variables stay as {{name}} in the text; the
 * page fills them in text nodes, never as HTML).
 */

/** A step as the page gets it: hints and failure as inert HTML, the prose in rendered segments. */
export interface StepData extends Omit<LessonStep, "prose" | "solutionIsMalformed"> {
  prose: LessonSegment[];
  solutionIsMalformed: boolean;
}

export interface LessonLink {
  slug: string;
  number: number;
  title: string;
}

export interface LessonData {
  slug: string;
  number: number;
  title: string;
  summary: string;
  mode: LessonMode;
  transport: Transport;
  peer: "scripted" | "none";
  /** Guided sessions send initial presence unless the lesson says `initialPresence: false`. */
  initialPresence: boolean;
  specs: SpecRef[];
  intro: LessonSegment[];
  steps: StepData[];
  previous: LessonLink | null;
  next: LessonLink | null;
  /** The {{variables}} the lesson's files use, so the page can show their values. */
  mentioned: string[];
  /** The scripted peer waits in {{room}} when the session opens. */
  peerInRoom: boolean;
  /** The learner's account is also online from a scripted second device ({{me}}/phone). */
  otherDevice: boolean;
  /** The account lives on the server's stream management domain (XEP-0198 lesson). */
  streamManagement: boolean;
  /** What the finish screen lists: each point as inert HTML, with its section. */
  learned: { html: string; spec: SpecRef }[];
}

/** A lesson as its page ships it: what the finish screen lists comes later (`learned` route). */
export type PageLesson = Omit<LessonData, "learned">;

export function pageLesson(lesson: LessonData): PageLesson {
  const shipped: Partial<LessonData> = { ...lesson };
  delete shipped.learned;
  return shipped as PageLesson;
}

/** What the finish screen lists: each point as inert HTML, with its section. */
export type LearnedPoint = LessonData["learned"][number];

/** The index's view of a lesson. */
export interface LessonCard {
  slug: string;
  number: number;
  title: string;
  summary: string;
  mode: LessonMode;
  peer: "scripted" | "none";
  steps: { slug: string; title: string }[];
}

export function lessonData(lesson: Lesson, neighbours: { previous: Lesson | undefined; next: Lesson | undefined }): LessonData {
  return {
    slug: lesson.slug,
    number: lesson.number,
    title: lesson.title,
    summary: lesson.summary,
    mode: lesson.mode,
    transport: lesson.transport,
    peer: lesson.accounts.peer,
    initialPresence: lesson.initialPresence !== false,
    specs: lesson.specs,
    intro: renderLessonMarkdown(lesson.intro),
    steps: lesson.steps.map((step) => ({
      ...step,
      hints: step.hints.map(renderInert),
      failure: renderInert(step.failure),
      prose: renderLessonMarkdown(step.prose),
      solutionIsMalformed: step.solutionIsMalformed === true,
    })),
    mentioned: mentionedVariables(lesson),
    peerInRoom: lesson.peerInRoom === true,
    otherDevice: lesson.otherDevice === true,
    streamManagement: lesson.streamManagement === true,
    learned: (lesson.learned ?? []).map((point) => ({ html: renderInert(point.text), spec: point.spec })),
    previous: neighbours.previous ? linkTo(neighbours.previous) : null,
    next: neighbours.next ? linkTo(neighbours.next) : null,
  };
}

export function lessonCard(lesson: Lesson): LessonCard {
  return {
    slug: lesson.slug,
    number: lesson.number,
    title: lesson.title,
    summary: lesson.summary,
    mode: lesson.mode,
    peer: lesson.accounts.peer,
    steps: lesson.steps.map((step) => ({ slug: step.slug, title: step.title })),
  };
}

function linkTo(lesson: Lesson): LessonLink {
  return { slug: lesson.slug, number: lesson.number, title: lesson.title };
}

function mentionedVariables(lesson: Lesson): string[] {
  const texts = [lesson.intro, ...lesson.steps.flatMap((step) => [step.prose, step.starter, step.solution, ...step.hints, JSON.stringify(step.check)])];
  const names = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(/\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g)) names.add(match[1]!);
  return [...names].sort();
}
