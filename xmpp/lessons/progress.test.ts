import { describe, expect, it } from "vitest";
import { PROGRESS_STORAGE_KEY, loadProgress, saveProgress } from "./progress-storage";
import { emptyProgress, lessonToContinue, markStepPassed, mergeProgress, openStep, parseProgressFile, serializeProgress, standingOf } from "./progress";

const jids = { slug: "01-jids", steps: [{ slug: "01-parts" }, { slug: "02-escaping" }] };
const message = { slug: "03-message", steps: [{ slug: "01-chat" }, { slug: "02-headline" }, { slug: "03-error" }] };

describe("lesson progress", () => {
  it("counts passed steps per lesson and resumes where the learner was", () => {
    let progress = openStep(emptyProgress(), "03-message", "02-headline", 10);
    progress = markStepPassed(progress, "03-message", "01-chat", 11);
    progress = markStepPassed(progress, "03-message", "01-chat", 12);
    expect(standingOf(progress, message)).toEqual({ passed: 1, total: 3, done: false, started: true, resumeStep: "02-headline" });
    expect(standingOf(progress, jids)).toEqual({ passed: 0, total: 2, done: false, started: false, resumeStep: "01-parts" });
  });

  it("ignores steps a lesson no longer has, and is done only when all of its steps passed", () => {
    let progress = markStepPassed(emptyProgress(), "01-jids", "00-removed", 1);
    progress = markStepPassed(progress, "01-jids", "01-parts", 2);
    expect(standingOf(progress, jids).passed).toBe(1);
    progress = markStepPassed(progress, "01-jids", "02-escaping", 3);
    expect(standingOf(progress, jids).done).toBe(true);
  });

  it("continues the unfinished lesson touched last, else the first unfinished", () => {
    expect(lessonToContinue(emptyProgress(), [jids, message])).toBe("01-jids");
    let progress = openStep(emptyProgress(), "03-message", "01-chat", 5);
    progress = openStep(progress, "01-jids", "01-parts", 4);
    expect(lessonToContinue(progress, [jids, message])).toBe("03-message");
    progress = markStepPassed(markStepPassed(progress, "03-message", "01-chat", 6), "03-message", "02-headline", 7);
    progress = markStepPassed(progress, "03-message", "03-error", 8);
    expect(lessonToContinue(progress, [jids, message])).toBe("01-jids");
  });

  it("round-trips through the exported file, and merging keeps both sides' passed steps", () => {
    const mine = markStepPassed(emptyProgress(), "01-jids", "01-parts", 1);
    const theirs = openStep(markStepPassed(emptyProgress(), "01-jids", "02-escaping", 2), "01-jids", "02-escaping", 3);
    const parsed = parseProgressFile(serializeProgress(theirs));
    expect(parsed).toEqual({ ok: true, progress: theirs });
    const merged = mergeProgress(mine, theirs);
    expect(merged.lessons["01-jids"]).toEqual({ passed: ["01-parts", "02-escaping"], current: "02-escaping", updatedAt: 3 });
  });

  it.each([
    ["not JSON", "{oops", /not JSON.*Export progress/],
    ["another JSON file", JSON.stringify({ entries: [] }), /not lesson progress/],
    ["a newer version", JSON.stringify({ format: "xmpp-playground-lesson-progress", version: 9, lessons: {} }), /version 9/],
    ["a bad step list", JSON.stringify({ format: "xmpp-playground-lesson-progress", version: 1, lessons: { "01-jids": { passed: "all", current: null, updatedAt: 1 } } }), /lessons\.01-jids\.passed/],
    ["a hostile lesson name", JSON.stringify({ format: "xmpp-playground-lesson-progress", version: 1, lessons: { "<img src=x>": { passed: [], current: null, updatedAt: 1 } } }), /not a lesson name/],
    ["a huge file", " ".repeat(1024 * 1024 + 1), /too big/],
  ])("refuses %s with a message saying what to do", (_name, text, reason) => {
    const parsed = parseProgressFile(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.message).toMatch(reason);
  });

  it("stores in and loads from a Storage, reading garbage as no progress", () => {
    const data = new Map<string, string>();
    const storage = { getItem: (key: string) => data.get(key) ?? null, setItem: (key: string, value: string) => void data.set(key, value) };
    const progress = markStepPassed(emptyProgress(), "01-jids", "01-parts", 1);
    expect(saveProgress(storage, progress)).toBeNull();
    expect(loadProgress(storage)).toEqual(progress);
    data.set(PROGRESS_STORAGE_KEY, "garbage");
    expect(loadProgress(storage)).toEqual(emptyProgress());
    const full = { getItem: () => null, setItem: () => { throw new Error("QuotaExceededError"); } };
    expect(saveProgress(full, progress)).toMatch(/Export it/);
    expect(saveProgress(null, progress)).toMatch(/Export it/);
  });
});
