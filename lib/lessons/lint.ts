import { Transcript } from "../xmpp/transcript";
import { renderInert, renderLessonMarkdown } from "./lesson-markdown";
import { markdownLeftovers } from "./markdown-leftovers";
import { findSpecSection } from "./spec-sections";
import type { Course, Lesson, LessonStep } from "./types";
import { EXPECTATION_FIELDS } from "./validate-check";
import { STREAM_MANAGEMENT_VARIABLES } from "./stream-management";
import { buildLessonVariables, expandLessonText, unknownVariables } from "./variables";

/**
 * Checks a loaded course beyond its format (lessons/README.md): the XML a step gives the
 * editor is well-formed once its variables are filled in, every {{variable}} exists,
 * every spec citation in the text names a real section, and the Markdown renders as
 * meant (no table row, `**` or link left as literal text). The unit tests and the build
 * both run it.
 */

export interface LintProblem {
  /** "lessons/03-message/01-chat.md" style: the file to open. */
  file: string;
  field: string;
  message: string;
}

const CLIENT_HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
/** Fully qualified citations in prose: "RFC 6121 §5.2.2", "XEP-0045 §7.2.1". */
const CITATION = /\b(?:RFC \d{4}|XEP-\d{4}) §[0-9A-Z]+(?:\.\d+)*/g;
/** Sample values: the lint never talks to a server. */
const SAMPLE_VARIABLES = buildLessonVariables({ username: "learner", password: "secret", domain: "localhost", peer: "peer@localhost", random: () => "x1" });

export function lintCourse(course: Course, root = "lessons"): LintProblem[] {
  return course.lessons.flatMap((lesson) => lintLesson(lesson, root));
}

export function lintLesson(lesson: Lesson, root = "lessons"): LintProblem[] {
  const folder = `${root}/${String(lesson.number).padStart(2, "0")}-${lesson.slug}`;
  const problems: LintProblem[] = [];
  const index = `${folder}/index.md`;
  checkText(problems, lesson, index, "introduction", lesson.intro);
  // The finish screen says what the lesson taught: every lesson must say it.
  if (lesson.learned === undefined || lesson.learned.length === 0) {
    problems.push({ file: index, field: "learned", message: "missing; list what the learner now knows, as - text: ... with spec: \"RFC ... §...\" (the finish screen shows them)" });
  }
  lesson.learned?.forEach((point, position) => checkText(problems, lesson, index, `learned[${position}].text`, point.text));
  checkMarkdown(problems, index, "introduction", lesson.intro, "document");
  for (const step of lesson.steps) {
    const base = `${folder}/${String(step.number).padStart(2, "0")}-${step.slug}`;
    problems.push(...lintStep(lesson, step, base));
  }
  return problems;
}

function lintStep(lesson: Lesson, step: LessonStep, base: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const file = `${base}.md`;
  step.hints.forEach((hint, index) => {
    if (hint.trim() === "") problems.push({ file, field: `hints[${index}]`, message: "is empty; write a hint or remove it" });
    checkText(problems, lesson, file, `hints[${index}]`, hint);
    checkMarkdown(problems, file, `hints[${index}]`, hint, "short");
  });
  checkText(problems, lesson, file, "prose", step.prose);
  checkMarkdown(problems, file, "prose", step.prose, "document");
  checkText(problems, lesson, file, "failure", step.failure);
  // A pass that teaches (issue 12): each step names one thing to notice in what passed it.
  if (step.notice === undefined || step.notice.trim() === "") problems.push({ file, field: "notice", message: "missing; write one thing the learner should notice in the entries that pass this step" });
  else {
    checkText(problems, lesson, file, "notice", step.notice);
    // The page shows a notice as plain text with `code` spans (verdict-details.tsx).
    if (step.notice.split("`").length % 2 === 0) problems.push({ file, field: "notice", message: "has an odd number of backticks; close each `code` span" });
  }
  checkMarkdown(problems, file, "failure", step.failure, "short");
  checkText(problems, lesson, file, "check", JSON.stringify(step.check), { citations: false });
  step.check.forEach((expectation, index) => {
    for (const key of Object.keys(expectation)) {
      if (!(EXPECTATION_FIELDS as readonly string[]).includes(key)) problems.push({ file, field: `check[${index}].${key}`, message: `"${key}" is not a matcher the check engine knows` });
    }
  });
  for (const spec of step.specs) {
    if (findSpecSection(spec.label) === undefined) problems.push({ file, field: "specs", message: `"${spec.label}" is not in lib/lessons/spec-sections.ts` });
  }

  const starterFile = `${base}.start.xml`;
  checkText(problems, lesson, starterFile, "", step.starter, { citations: false });
  const starterError = wellFormednessError(step.starter);
  if (starterError !== undefined) problems.push({ file: starterFile, field: "", message: `is not well-formed XML once its variables are filled in: ${starterError}` });

  const solutionFile = `${base}.solution.xml`;
  // A stream management step's answer counts this session's stanzas: Solve fills {{sm.h}} and {{sm.id}} from the wire.
  const wireValues = step.calculator === "stream-management" ? STREAM_MANAGEMENT_VARIABLES : [];
  checkText(problems, lesson, solutionFile, "", step.solution, { citations: false, allowed: wireValues });
  const solutionError = wellFormednessError(step.solution);
  if (step.solutionIsMalformed) {
    if (solutionError === undefined) problems.push({ file, field: "solutionIsMalformed", message: "is true, but the solution is well-formed XML; remove the flag or make the solution malformed on purpose" });
  } else if (solutionError !== undefined) {
    problems.push({ file: solutionFile, field: "", message: `is not well-formed XML once its variables are filled in: ${solutionError} (set solutionIsMalformed: true in ${file} if that is the point)` });
  }
  return problems;
}

function checkText(problems: LintProblem[], lesson: Lesson, file: string, field: string, text: string, options: { citations?: boolean; allowed?: readonly string[] } = {}): void {
  for (const name of unknownVariables(text)) {
    if (options.allowed?.includes(name)) continue;
    problems.push({ file, field, message: `{{${name}}} is not a lesson variable; the variables are listed in lessons/README.md` });
  }
  if (lesson.accounts.peer === "none" && /\{\{\s*peer\s*\}\}/.test(text)) {
    problems.push({ file, field, message: "uses {{peer}}, but the lesson has accounts.peer: none; set peer: scripted in index.md or remove it" });
  }
  if (options.citations === false) return;
  for (const match of text.matchAll(CITATION)) {
    if (findSpecSection(match[0]) === undefined) {
      problems.push({ file, field, message: `cites "${match[0]}", which is not in lib/lessons/spec-sections.ts; cite a real section (and add it there)` });
    }
  }
}

/** Renders the text as the page will (build time, lib/lessons/lesson-markdown.ts) and reports syntax left showing. */
function checkMarkdown(problems: LintProblem[], file: string, field: string, markdown: string, kind: "document" | "short"): void {
  const html = kind === "short" ? renderInert(markdown) : renderLessonMarkdown(markdown).flatMap((segment) => (segment.kind === "html" ? [segment.html] : [])).join("\n");
  for (const leftover of markdownLeftovers(html)) problems.push({ file, field, message: `${leftover.message}: "${leftover.text}"` });
}

/**
 * What the server would make of the text, framed and parsed exactly as the transcript does
 * it, inside an open client stream: several top-level elements are fine, and so are a
 * stream header (a restart) and the stream's closing tag.
 */
export function wellFormednessError(xml: string): string | undefined {
  const transcript = new Transcript({ writesAreWhole: false });
  transcript.record("out", CLIENT_HEADER);
  transcript.record("out", expandLessonText(xml, SAMPLE_VARIABLES, () => "id1"));
  transcript.end();
  const malformed = transcript.since(1).find((entry) => entry.kind === "malformed");
  if (malformed === undefined) return undefined;
  // The framer's words are about a live connection; here the text simply ends too early.
  return malformed.error === "the connection ended in the middle of an element" ? "an element is never closed, or a closing tag does not match its start tag" : malformed.error ?? "not well-formed";
}
