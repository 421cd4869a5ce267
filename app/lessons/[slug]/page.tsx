import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { lessonData } from "@/lib/lessons/lesson-data";
import { LessonWorkbench } from "@/components/lessons/lesson-workbench";
import { loadCourse } from "@/lib/lessons/load-course";

/** Every lesson is a static page made at build time; an unknown slug is a 404. */
export const dynamicParams = false;

export function generateStaticParams(): { slug: string }[] {
  return loadCourse().lessons.map((lesson) => ({ slug: lesson.slug }));
}

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { slug } = await params;
  const lesson = loadCourse().lessons.find((candidate) => candidate.slug === slug);
  return { title: lesson ? `${lesson.number}. ${lesson.title} · Lessons · XMPP Playground` : "Lessons · XMPP Playground" };
}

export default async function LessonPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const lessons = loadCourse().lessons;
  const index = lessons.findIndex((lesson) => lesson.slug === slug);
  const lesson = lessons[index];
  if (lesson === undefined) notFound();
  return <LessonWorkbench key={lesson.slug} lesson={lessonData(lesson, { previous: lessons[index - 1], next: lessons[index + 1] })} />;
}
