import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LessonFormatError, loadCourse } from "./load-course";

const INDEX = `---
title: Message
summary: Send a chat message.
mode: guided
accounts:
  me: fresh
  peer: scripted
specs: [RFC 6121 §5]
---
Messages carry text (RFC 6121 §5).
`;

const STEP = `---
title: Say hello
specs: ["RFC 6121 §5.2.2"]
check:
  - name: hello
    dir: out
    stanza: message
    type: chat
    to: "{{peer}}"
    has:
      - path: body
  - dir: in
    stanza: message
    from: "{{peer}}"
    after: hello
hints:
  - Address it to {{peer}}.
failure: The peer has not answered yet.
---
Send a chat message.
`;

const roots: string[] = [];

/** Writes a course to a temporary folder: file path (relative) to content. */
function course(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lessons-"));
  roots.push(root);
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), text);
  }
  return root;
}

function validCourse(overrides: Record<string, string | null> = {}): string {
  const files: Record<string, string | null> = {
    "01-message/index.md": INDEX,
    "01-message/01-hello.md": STEP,
    "01-message/01-hello.start.xml": "<message to='{{peer}}' type='chat'/>\n",
    "01-message/01-hello.solution.xml": "<message to='{{peer}}' type='chat'><body>Hi</body></message>\n",
    ...overrides,
  };
  return course(Object.fromEntries(Object.entries(files).filter((entry): entry is [string, string] => entry[1] !== null)));
}

/** The LessonFormatError loading `root` throws. */
function failure(root: string): LessonFormatError {
  try {
    loadCourse(root);
  } catch (error) {
    if (error instanceof LessonFormatError) return error;
    throw error;
  }
  throw new Error("the course loaded, but it should have been refused");
}

afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

describe("loadCourse", () => {
  it("loads a valid course, with defaults and resolved spec sections", () => {
    const { lessons } = loadCourse(validCourse());
    expect(lessons).toHaveLength(1);
    const [lesson] = lessons;
    expect(lesson).toMatchObject({ slug: "message", number: 1, mode: "guided", transport: "plain", accounts: { me: "fresh", peer: "scripted" } });
    expect(lesson!.specs).toEqual([{ label: "RFC 6121 §5", title: "Exchanging Messages", url: "https://www.rfc-editor.org/rfc/rfc6121#section-5" }]);
    const step = lesson!.steps[0]!;
    expect(step).toMatchObject({ slug: "hello", number: 1, title: "Say hello", hints: ["Address it to {{peer}}."], prose: "Send a chat message." });
    expect(step.check).toEqual([
      { name: "hello", dir: "out", stanza: "message", type: "chat", to: "{{peer}}", has: [{ path: "body" }] },
      { dir: "in", stanza: "message", from: "{{peer}}", after: "hello" },
    ]);
    expect(step.solution).toBe("<message to='{{peer}}' type='chat'><body>Hi</body></message>");
    expect(step.solutionIsMalformed).toBeUndefined();
    expect(step.notice).toBeUndefined();
  });

  it("reads a step's notice, trimmed, and refuses one that is not text", () => {
    const noticed = loadCourse(validCourse({ "01-message/01-hello.md": STEP.replace("failure:", "notice: |\n  Note the echo's from.\nfailure:") }));
    expect(noticed.lessons[0]!.steps[0]!.notice).toBe("Note the echo's from.");
    const listed = failure(validCourse({ "01-message/01-hello.md": STEP.replace("failure:", "notice: [one, two]\nfailure:") }));
    expect(listed.field).toBe("notice");
  });

  it("names the file and the field of an unknown key, and lists the allowed ones", () => {
    const root = validCourse({ "01-message/01-hello.md": STEP.replace("hints:", "hint:") });
    const error = failure(root);
    expect(error.file).toBe(path.join(root, "01-message/01-hello.md"));
    expect(error.field).toBe("hint");
    expect(error.message).toContain("01-message/01-hello.md: hint: unknown field \"hint\"");
    expect(error.message).toContain("title, specs, check, hints, failure, notice, solutionIsMalformed");
  });

  it("names the expectation and matcher that is wrong, and what to write", () => {
    const wrongDir = failure(validCourse({ "01-message/01-hello.md": STEP.replace("  - dir: in", "  - dir: inbound") }));
    expect(wrongDir.field).toBe("check[1].dir");
    expect(wrongDir.message).toContain('"inbound" is not allowed; write one of out, in, event');
    const typo = failure(validCourse({ "01-message/01-hello.md": STEP.replace("      - path: body", "      - path: body\n        xmlsn: jabber:client") }));
    expect(typo.field).toBe("check[0].has[0].xmlsn");
    const forward = failure(validCourse({ "01-message/01-hello.md": STEP.replace("after: hello", "after: reply") }));
    expect(forward.field).toBe("check[1].after");
    expect(forward.message).toContain('"reply" is not the name of an earlier expectation');
    const numeric = failure(validCourse({ "01-message/01-hello.md": STEP.replace("    type: chat", "    type: chat\n    attrs: { version: 1.0 }") }));
    expect(numeric.field).toBe("check[0].attrs.version");
    expect(numeric.message).toContain("put the value in quotes");
    const streamErrorType = failure(validCourse({ "01-message/01-hello.md": STEP.replace("  - dir: in\n    stanza: message", "  - dir: in\n    kind: stream-error\n    error: { condition: not-well-formed, type: cancel }") }));
    expect(streamErrorType.field).toBe("check[1].error.type");
  });

  it("refuses spec labels that are not in the registry", () => {
    const error = failure(validCourse({ "01-message/01-hello.md": STEP.replace("RFC 6121 §5.2.2", "RFC 6121 §5.9") }));
    expect(error.field).toBe("specs[0]");
    expect(error.message).toContain('"RFC 6121 §5.9" is not in lib/lessons/spec-sections.ts');
  });

  it("refuses empty hints, a missing solution file, and stray files", () => {
    expect(failure(validCourse({ "01-message/01-hello.md": STEP.replace("  - Address it to {{peer}}.", '  - ""') })).field).toBe("hints[0]");
    const colon = failure(validCourse({ "01-message/01-hello.md": STEP.replace("  - Address it to {{peer}}.", "  - Address it (RFC 6121 §5.2.1): to {{peer}}.") }));
    expect(colon.message).toContain('hints[0]: expected text: hints, gentlest first (YAML read a mapping, because the text contains ": "; put the whole text in quotes)');
    const noSolution = failure(validCourse({ "01-message/01-hello.solution.xml": null }));
    expect(noSolution.file).toMatch(/01-hello\.solution\.xml$/);
    expect(noSolution.message).toContain("each step needs its solution XML");
    const stray = failure(validCourse({ "01-message/02-later.start.xml": "<presence/>" }));
    expect(stray.message).toContain("there is no 02-later.md step for it");
  });

  it("refuses gaps in numbering and badly named folders", () => {
    const gap = failure(validCourse({ "01-message/index.md": null, "01-message/01-hello.md": null, "01-message/01-hello.start.xml": null, "01-message/01-hello.solution.xml": null, "02-message/index.md": INDEX }));
    expect(gap.field).toBe("number");
    expect(gap.message).toContain("should be numbered 01");
    expect(failure(validCourse({ "3-Presence/index.md": INDEX })).field).toBe("folder name");
  });

  it("explains YAML mistakes and missing front matter", () => {
    const yaml = failure(validCourse({ "01-message/index.md": INDEX.replace("summary: Send a chat message.", "summary: [unclosed") }));
    expect(yaml.field).toBe("front matter");
    expect(yaml.message).toContain("is not valid YAML");
    expect(failure(validCourse({ "01-message/index.md": "# Message\n" })).message).toContain('must start with a line "---"');
  });

  it("checks the lesson's mode, transport and accounts", () => {
    expect(failure(validCourse({ "01-message/index.md": INDEX.replace("mode: guided", "mode: raw\ntransport: websocket") })).field).toBe("transport");
    expect(failure(validCourse({ "01-message/index.md": INDEX.replace("peer: scripted", "peer: second") })).field).toBe("accounts.peer");
    expect(loadCourse(validCourse({ "01-message/index.md": INDEX.replace("mode: guided", "mode: raw\ntransport: starttls") })).lessons[0]).toMatchObject({ mode: "raw", transport: "starttls" });
    expect(loadCourse(validCourse({ "01-message/index.md": INDEX.replace("mode: guided", "mode: guided\ninitialPresence: false") })).lessons[0]!.initialPresence).toBe(false);
    expect(loadCourse(validCourse()).lessons[0]!.initialPresence).toBeUndefined();
    expect(failure(validCourse({ "01-message/index.md": INDEX.replace("mode: guided", "mode: raw\ninitialPresence: false") })).field).toBe("initialPresence");
    expect(failure(validCourse({ "01-message/index.md": INDEX.replace("mode: guided", "mode: guided\ninitialPresence: no") })).field).toBe("initialPresence");
  });
});
