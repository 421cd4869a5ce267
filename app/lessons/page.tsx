import { LessonIndex } from "@/components/lessons/lesson-index";
import { courseForPages } from "@/lib/lessons/course-for-pages";

export const metadata = { title: "Lessons · XMPP Playground" };

/** Read from lessons/ (once per production server); the browser gets plain data and adds its own progress. */
export default function LessonsPage() {
  return <LessonIndex lessons={courseForPages().cards} />;
}
