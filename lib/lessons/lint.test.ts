import { describe, expect, it } from "vitest";
import { lintLesson, wellFormednessError } from "./lint";
import { findSpecSection } from "./spec-sections";
import type { Lesson, LessonStep } from "./types";

const step: LessonStep = {
  slug: "hello",
  number: 1,
  title: "Say hello",
  specs: [findSpecSection("RFC 6121 §5.2.2")!],
  check: [{ dir: "out", stanza: "message", to: "{{peer}}" }],
  hints: ["Address it to {{peer}} (RFC 6121 §5.2.1)."],
  failure: "Nothing sent yet.",
  notice: "The reply comes from {{peer}} with a resource (RFC 6121 §5.2.2).",
  prose: "Send a message (RFC 6121 §5).",
  starter: "<message to=''/>",
  solution: "<message to='{{peer}}' type='chat'><body>Hi</body></message>",
};
const lesson: Lesson = {
  slug: "message",
  number: 3,
  title: "Message",
  summary: "Messages.",
  mode: "guided",
  transport: "plain",
  accounts: { me: "fresh", peer: "scripted" },
  specs: [findSpecSection("RFC 6121 §5")!],
  intro: "Intro.",
  steps: [step],
  learned: [{ text: "Messages have a type.", spec: findSpecSection("RFC 6121 §5.2.2")! }],
};
const withStep = (changes: Partial<LessonStep>, lessonChanges: Partial<Lesson> = {}): Lesson => ({ ...lesson, ...lessonChanges, steps: [{ ...step, ...changes }] });

describe("lintLesson", () => {
  it("accepts a sound lesson", () => {
    expect(lintLesson(lesson)).toEqual([]);
  });

  it("refuses malformed starters and solutions, naming the file", () => {
    const problems = lintLesson(withStep({ starter: "<message><body>x</message>", solution: "<message><body>&nbsp;</body></message>" }));
    expect(problems.map((problem) => problem.file)).toEqual(["lessons/03-message/01-hello.start.xml", "lessons/03-message/01-hello.solution.xml"]);
    expect(problems[0]!.message).toContain("an element is never closed");
    expect(problems[1]!.message).toContain("set solutionIsMalformed: true");
  });

  it("requires a notice on every step, checked like the other texts", () => {
    expect(lintLesson(withStep({ notice: undefined }))).toEqual([{ file: "lessons/03-message/01-hello.md", field: "notice", message: expect.stringContaining("missing; write one thing") }]);
    expect(lintLesson(withStep({ notice: "  " })).map((problem) => problem.field)).toEqual(["notice"]);
    expect(lintLesson(withStep({ notice: "Note {{jid}}." })).map((problem) => `${problem.field}: ${problem.message}`)).toEqual([
      "notice: {{jid}} is not a lesson variable; the variables are listed in lessons/README.md",
    ]);
    expect(lintLesson(withStep({ notice: "Note its `from attribute." })).map((problem) => problem.message)).toEqual(["has an odd number of backticks; close each `code` span"]);
  });

  it("holds a solution marked malformed to being malformed", () => {
    expect(lintLesson(withStep({ solutionIsMalformed: true, solution: "<message><body>oops</message>" }))).toEqual([]);
    const problems = lintLesson(withStep({ solutionIsMalformed: true }));
    expect(problems).toEqual([expect.objectContaining({ field: "solutionIsMalformed" })]);
  });

  it("refuses unknown variables, {{peer}} without a peer, empty hints and unregistered citations", () => {
    const problems = lintLesson(withStep({ hints: [" "], prose: "See RFC 6121 §9.9 and {{jid}}." }));
    expect(problems.map((problem) => `${problem.field}: ${problem.message}`)).toEqual([
      "hints[0]: is empty; write a hint or remove it",
      "prose: {{jid}} is not a lesson variable; the variables are listed in lessons/README.md",
      'prose: cites "RFC 6121 §9.9", which is not in lib/lessons/spec-sections.ts; cite a real section (and add it there)',
    ]);
    const lonely = lintLesson({ ...lesson, accounts: { me: "fresh", peer: "none" } });
    expect(lonely.map((problem) => `${problem.file} ${problem.field}`)).toEqual([
      "lessons/03-message/01-hello.md hints[0]",
      "lessons/03-message/01-hello.md notice",
      "lessons/03-message/01-hello.md check",
      "lessons/03-message/01-hello.solution.xml ",
    ]);
  });
});

describe("wellFormednessError", () => {
  it("takes several elements, a stream header and the stream's closing tag as they would be sent", () => {
    expect(wellFormednessError("<presence/><message to='{{peer}}'><body>a &amp; b</body></message>")).toBeUndefined();
    expect(wellFormednessError("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='{{domain}}' version='1.0'>")).toBeUndefined();
    expect(wellFormednessError("</stream:stream>")).toBeUndefined();
    expect(wellFormednessError("<message><body>&xxe;</body></message>")).toMatch(/entity/i);
    expect(wellFormednessError("<a>")).toContain("never closed");
  });
});

describe("the Markdown lint", () => {
  const table = "| value | seen |\n|---|---|\n| `none` | no |";

  it("accepts a GitHub-flavoured table, emphasis, links and code that render", () => {
    expect(lintLesson(withStep({ prose: `Read it **from your side**:\n\n${table}\n\nSee [RFC 6121](https://www.rfc-editor.org/rfc/rfc6121).\n\n\`\`\`\n| not a table **\n\`\`\`` }))).toEqual([]);
  });

  it("refuses a table that does not render, a literal **, a broken link and an unknown widget, naming the field and the line", () => {
    const problems = lintLesson(withStep({ prose: "| value | seen |\n\n|---|---|\n| none | no |", hints: ["Send it **now."], failure: "See [the RFC] (https://example.com).\n\n:::roster-explorer" }));
    expect(problems.map((problem) => `${problem.field}: ${problem.message}`)).toEqual([
      'hints[0]: shows a literal ** or __: emphasis needs its closing marker, with no space just inside: "Send it **now."',
      'prose: shows a raw table row: a table needs a header row, then a delimiter row (|---|---|), with no blank line between its rows: "| value | seen |"',
      'failure: shows a literal ::: line: the only widget is :::jid-explorer, alone on its line: ":::roster-explorer"',
    ]);
    const intro = lintLesson({ ...lesson, intro: "An `unclosed code span." });
    expect(intro).toEqual([expect.objectContaining({ file: "lessons/03-message/index.md", field: "introduction", message: expect.stringContaining("literal backtick") })]);
  });
});
