import path from "node:path";
import { lintCourse } from "./lint";
import { LessonFormatError, loadCourse } from "./load-course";

/**
 * What `next build` runs first (next.config.ts): the course must load (every field valid)
 * and pass the lint (well-formed XML, known variables, real spec sections). Throws one error
 * listing every problem, each naming its file and field.
 */
export function validateCourseForBuild(root = path.join(process.cwd(), "lessons")): void {
  let problems: string[];
  try {
    // Relative paths, so each message names the file as the author sees it: lessons/03-message/index.md.
    const relative = path.relative(process.cwd(), root) || ".";
    problems = lintCourse(loadCourse(relative), relative).map((problem) => `${problem.file}: ${problem.field === "" ? "" : `${problem.field}: `}${problem.message}`);
  } catch (error) {
    if (!(error instanceof LessonFormatError)) throw error;
    problems = [error.message];
  }
  if (problems.length > 0) {
    throw new Error(`The lessons in ${path.relative(process.cwd(), root) || "."} are not valid, so the build stops:\n${problems.map((problem) => `  - ${problem}`).join("\n")}\nSee lessons/README.md for the format.`);
  }
}
