import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lintLesson } from "./lint";
import { LessonFormatError, loadCourse } from "./load-course";

/** The index.md fields about a lesson's ending (`learned:`) and its room (`peerInRoom:`), lessons/README.md. */

const LEARNED = `learned:
  - text: "A chat message has type \`chat\` and a \`<body/>\`."
    spec: RFC 6121 §5.2.2
  - text: A message without to goes to your own bare JID.
    spec: RFC 6120 §10.3.1
`;

function index(extra: string, peer = "scripted"): string {
  return `---
title: Message
summary: Send a chat message.
mode: guided
accounts:
  me: fresh
  peer: ${peer}
specs: [RFC 6121 §5]
${extra}---
Messages carry text (RFC 6121 §5).
`;
}

const STEP = `---
title: Say hello
specs: ["RFC 6121 §5.2.2"]
check:
  - dir: out
    stanza: message
hints:
  - Send one.
notice: The server stamps your full JID as its from.
failure: Nothing sent yet.
---
Send a chat message.
`;

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

function courseWith(indexText: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lessons-ending-"));
  roots.push(root);
  const folder = path.join(root, "01-message");
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, "index.md"), indexText);
  fs.writeFileSync(path.join(folder, "01-hello.md"), STEP);
  fs.writeFileSync(path.join(folder, "01-hello.start.xml"), "<message/>\n");
  fs.writeFileSync(path.join(folder, "01-hello.solution.xml"), "<message type='chat'><body>Hi</body></message>\n");
  return root;
}

function refusal(indexText: string): LessonFormatError {
  try {
    loadCourse(courseWith(indexText));
  } catch (error) {
    if (error instanceof LessonFormatError) return error;
    throw error;
  }
  throw new Error("the course loaded, but it should have been refused");
}

describe("learned: what the finish screen lists", () => {
  it("loads each point with its text and its resolved section", () => {
    const [lesson] = loadCourse(courseWith(index(LEARNED))).lessons;
    expect(lesson!.learned).toEqual([
      { text: "A chat message has type `chat` and a `<body/>`.", spec: { label: "RFC 6121 §5.2.2", title: "Type Attribute", url: "https://www.rfc-editor.org/rfc/rfc6121#section-5.2.2" } },
      { text: "A message without to goes to your own bare JID.", spec: { label: "RFC 6120 §10.3.1", title: "Message", url: "https://www.rfc-editor.org/rfc/rfc6120#section-10.3.1" } },
    ]);
  });

  it("refuses a section that is not in the registry, an unknown key, an empty text and a point that is not a mapping", () => {
    const unknownSection = refusal(index(LEARNED.replace("RFC 6120 §10.3.1", "RFC 6120 §10.9")));
    expect(unknownSection.field).toBe("learned[1].spec");
    expect(unknownSection.message).toContain('"RFC 6120 §10.9" is not in lib/lessons/spec-sections.ts');
    expect(refusal(index(LEARNED.replace("    spec: RFC 6121 §5.2.2", "    spec: RFC 6121 §5.2.2\n    specs: [RFC 6121 §5]"))).field).toBe("learned[0].specs");
    expect(refusal(index(LEARNED.replace("A message without to goes to your own bare JID.", '""'))).field).toBe("learned[1].text");
    expect(refusal(index("learned:\n  - just a sentence\n")).field).toBe("learned[0]");
    expect(refusal(index("learned: []\n")).field).toBe("learned");
  });

  it("is required by the lint, which also checks the points' variables and citations", () => {
    const [without] = loadCourse(courseWith(index(""))).lessons;
    expect(without!.learned).toBeUndefined();
    expect(lintLesson(without!).map((problem) => `${problem.file} ${problem.field}`)).toEqual(["lessons/01-message/index.md learned"]);
    const [sound] = loadCourse(courseWith(index(LEARNED))).lessons;
    expect(lintLesson(sound!)).toEqual([]);
    const [careless] = loadCourse(courseWith(index(LEARNED.replace("your own bare JID.", "{{nobody}}, see RFC 6120 §10.9.")))).lessons;
    expect(lintLesson(careless!).map((problem) => problem.field)).toEqual(["learned[1].text", "learned[1].text"]);
  });
});

describe("peerInRoom: the scripted peer waits in {{room}}", () => {
  it("is off unless written, and loads as true", () => {
    expect(loadCourse(courseWith(index(LEARNED))).lessons[0]!.peerInRoom).toBeUndefined();
    expect(loadCourse(courseWith(index(`peerInRoom: true\n${LEARNED}`))).lessons[0]!.peerInRoom).toBe(true);
  });

  it("needs a boolean and a scripted peer", () => {
    const notBoolean = refusal(index("peerInRoom: yes please\n"));
    expect(notBoolean.field).toBe("peerInRoom");
    expect(notBoolean.message).toContain("write true or false");
    const nobody = refusal(index("peerInRoom: true\n", "none"));
    expect(nobody.field).toBe("peerInRoom");
    expect(nobody.message).toContain("needs accounts.peer: scripted");
  });
});

describe("otherDevice: the learner's account is also online from a scripted phone", () => {
  it("is off unless written, and loads as true", () => {
    expect(loadCourse(courseWith(index(LEARNED))).lessons[0]!.otherDevice).toBeUndefined();
    expect(loadCourse(courseWith(index(`otherDevice: true\n${LEARNED}`))).lessons[0]!.otherDevice).toBe(true);
  });

  it("needs a boolean and a scripted peer to talk to", () => {
    const notBoolean = refusal(index("otherDevice: two\n"));
    expect(notBoolean.field).toBe("otherDevice");
    expect(notBoolean.message).toContain("write true or false");
    const nobody = refusal(index("otherDevice: true\n", "none"));
    expect(nobody.field).toBe("otherDevice");
    expect(nobody.message).toContain("needs accounts.peer: scripted");
  });
});
