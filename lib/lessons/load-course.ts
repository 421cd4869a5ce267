import fs from "node:fs";
import path from "node:path";
import { TRANSPORTS, type Transport } from "../bridge/protocol";
import { FieldReader, LessonFormatError } from "./format-error";
import { splitFrontMatter } from "./front-matter";
import { findSpecSection } from "./spec-sections";
import type { Course, LearnedPoint, Lesson, LessonStep, SpecRef } from "./types";
import { readCheck } from "./validate-check";

/**
 * (The turbopackIgnore comments keep Next's file tracing from following these paths: the
 * pages read the course at build time only, so the server bundle needs none of it.)
 *
 * Reads lessons/ into a Course, validating every field (Node only). Any problem throws
 * LessonFormatError naming the file and the field, which is what fails the build
 * (next.config.ts loads the course).
 */

export { LessonFormatError };

const FOLDER = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const STEP_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;
const STEP_XML = /^(\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*)\.(start|solution)\.xml$/;
const LESSON_FIELDS = ["title", "summary", "mode", "transport", "accounts", "initialPresence", "specs"] as const;
const STEP_FIELDS = ["title", "specs", "check", "hints", "failure", "notice", "solutionIsMalformed", "calculator", "action"] as const;
const TRANSPORT_IDS = TRANSPORTS.map((transport) => transport.id);

export function loadCourse(root = "lessons"): Course {
  if (!fs.existsSync(/* turbopackIgnore: true */ root) || !fs.statSync(/* turbopackIgnore: true */ root).isDirectory()) {
    throw new LessonFormatError(root, "", "the lessons folder does not exist; run from the repository root or pass the folder");
  }
  const folders = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
  for (const name of folders) {
    if (!FOLDER.test(name)) throw new LessonFormatError(path.join(root, name), "folder name", 'must be NN-slug: two digits, "-", lowercase letters, digits and dashes, such as 03-message');
  }
  checkNumbering(folders, root, "lesson folder");
  return { lessons: folders.map((name) => loadLesson(path.join(root, name))) };
}

export function loadLesson(folder: string): Lesson {
  const [, digits, slug] = FOLDER.exec(path.basename(folder)) ?? [];
  if (digits === undefined || slug === undefined) throw new LessonFormatError(folder, "folder name", "must be NN-slug, such as 03-message");
  const indexFile = path.join(folder, "index.md");
  if (!fs.existsSync(/* turbopackIgnore: true */ indexFile)) throw new LessonFormatError(indexFile, "", "missing; every lesson folder needs an index.md with the lesson's front matter (see lessons/README.md)");
  const { data, body } = splitFrontMatter(fs.readFileSync(/* turbopackIgnore: true */ indexFile, "utf8"), indexFile);
  const reader = new FieldReader(indexFile);
  reader.onlyKeys(data, "", [...LESSON_FIELDS, ...ENDING_FIELDS]);
  const mode = reader.oneOf(data.mode, "mode", ["guided", "raw"] as const)!;
  const transport = (reader.oneOf(data.transport, "transport", TRANSPORT_IDS, { optional: true }) ?? "plain") as Transport;
  if (mode === "raw" && transport === "websocket") reader.fail("transport", "raw mode speaks XMPP over TCP; write plain, starttls or tls");
  const accounts = reader.object(data.accounts, "accounts", "{ me: fresh, peer: none }");
  reader.onlyKeys(accounts, "accounts", ["me", "peer"]);
  const me = reader.oneOf(accounts.me, "accounts.me", ["fresh"] as const)!;
  const peer = reader.oneOf(accounts.peer, "accounts.peer", ["scripted", "none"] as const)!;
  if (body === "") reader.fail("introduction", "the Markdown after the front matter is empty; write a short introduction");
  if (data.initialPresence !== undefined) {
    if (typeof data.initialPresence !== "boolean") reader.fail("initialPresence", "write true or false (false: the learner sends the initial presence)");
    if (mode === "raw") reader.fail("initialPresence", "only applies to guided lessons; in raw mode the learner sends everything");
  }

  const files = fs.readdirSync(/* turbopackIgnore: true */ folder).filter((name) => !name.startsWith("."));
  const stepFiles = files.filter((name) => STEP_FILE.test(name)).sort();
  if (stepFiles.length === 0) reader.fail("steps", "the lesson has no steps; add files such as 01-first-step.md with its .start.xml and .solution.xml");
  checkNumbering(stepFiles, folder, "step file");
  const stepNames = new Set(stepFiles.map((name) => name.slice(0, -".md".length)));
  for (const name of files) {
    if (name === "index.md" || stepNames.has(name.slice(0, -".md".length))) continue;
    const xml = STEP_XML.exec(name);
    if (xml && stepNames.has(xml[1]!)) continue;
    const hint = xml ? `there is no ${xml[1]}.md step for it` : "lesson folders hold index.md and NN-slug.md steps with their .start.xml and .solution.xml";
    throw new LessonFormatError(path.join(folder, name), "file name", `unexpected file: ${hint}; rename or remove it`);
  }

  const lesson: Lesson = {
    slug,
    number: Number(digits),
    title: reader.requiredString(data.title, "title", "the lesson's title"),
    summary: reader.requiredString(data.summary, "summary", "one sentence on what the lesson teaches"),
    mode,
    transport,
    accounts: { me, peer },
    specs: readSpecs(data.specs, reader),
    intro: body,
    steps: stepFiles.map((name) => loadStep(folder, name)),
  };
  if (data.initialPresence === false) lesson.initialPresence = false;
  if (data.learned !== undefined) lesson.learned = readLearned(data.learned, reader);
  if (data.peerInRoom !== undefined) {
    if (typeof data.peerInRoom !== "boolean") reader.fail("peerInRoom", "write true or false (true: the scripted peer is already in {{room}} when the session opens)");
    if (data.peerInRoom && peer !== "scripted") reader.fail("peerInRoom", "needs accounts.peer: scripted; only the scripted peer can wait in the room");
    if (data.peerInRoom) lesson.peerInRoom = true;
  }
  if (data.otherDevice !== undefined) {
    if (typeof data.otherDevice !== "boolean") reader.fail("otherDevice", "write true or false (true: your account is also online from a scripted second device, {{me}}/phone)");
    if (data.otherDevice && peer !== "scripted") reader.fail("otherDevice", "needs accounts.peer: scripted; the other device talks to the scripted peer");
    if (data.otherDevice) lesson.otherDevice = true;
  }
  if (data.streamManagement !== undefined) {
    if (typeof data.streamManagement !== "boolean") reader.fail("streamManagement", "write true or false (true: the account lives on the server's stream management domain, sm.<domain>)");
    if (data.streamManagement && lesson.mode !== "raw") reader.fail("streamManagement", "needs mode: raw; the client library of guided sessions cannot take stream management (ejabberd/ejabberd.yml)");
    if (data.streamManagement) lesson.streamManagement = true;
  }
  return lesson;
}

function loadStep(folder: string, fileName: string): LessonStep {
  const [, digits, slug] = STEP_FILE.exec(fileName)!;
  const file = path.join(folder, fileName);
  const { data, body } = splitFrontMatter(fs.readFileSync(/* turbopackIgnore: true */ file, "utf8"), file);
  const reader = new FieldReader(file);
  reader.onlyKeys(data, "", STEP_FIELDS);
  const readXml = (kind: "start" | "solution"): string => {
    const xmlFile = path.join(folder, `${digits}-${slug}.${kind}.xml`);
    if (!fs.existsSync(/* turbopackIgnore: true */ xmlFile)) throw new LessonFormatError(xmlFile, "", `missing; each step needs its ${kind === "start" ? "starter" : "solution"} XML beside ${fileName}`);
    const text = fs.readFileSync(/* turbopackIgnore: true */ xmlFile, "utf8").replace(/\r\n?/g, "\n").trim();
    if (text === "") throw new LessonFormatError(xmlFile, "", `is empty; write the ${kind === "start" ? "starter the editor opens with" : "solution"}`);
    return text;
  };
  if (body === "") reader.fail("prose", "the Markdown after the front matter is empty; explain the step");
  if (data.solutionIsMalformed !== undefined && typeof data.solutionIsMalformed !== "boolean") {
    reader.fail("solutionIsMalformed", "write true or false (true only when the solution is deliberately not well-formed)");
  }
  const hints = reader.stringList(data.hints, "hints", "hints, gentlest first", { minimum: 1 });
  const step: LessonStep = {
    slug: slug!,
    number: Number(digits),
    title: reader.requiredString(data.title, "title", "the step's title"),
    specs: readSpecs(data.specs, reader),
    check: readCheck(data.check, reader),
    hints,
    failure: reader.requiredString(data.failure, "failure", "what the learner reads while the check has not passed").trim(),
    prose: body,
    starter: readXml("start"),
    solution: readXml("solution"),
  };
  const notice = reader.string(data.notice, "notice", "one thing to notice in the entries that passed, such as: note its from is your full JID", { optional: true });
  if (notice !== undefined) step.notice = notice.trim();
  if (data.solutionIsMalformed === true) step.solutionIsMalformed = true;
  if (data.calculator !== undefined) {
    const calculator = data.calculator;
    if (calculator !== "scram" && calculator !== "stream-management") reader.fail("calculator", "write scram or stream-management, or leave it out");
    else step.calculator = calculator;
  }
  if (data.action !== undefined) {
    if (data.action !== "drop-connection") reader.fail("action", "write drop-connection (the only action there is) or leave it out");
    else step.action = "drop-connection";
  }
  return step;
}

function readSpecs(value: unknown, reader: FieldReader): SpecRef[] {
  const labels = reader.stringList(value, "specs", 'spec sections, such as "RFC 6121 §5.2.2"', { minimum: 1 });
  return labels.map((label, index) => {
    const section = findSpecSection(label);
    if (section === undefined) {
      reader.fail(`specs[${index}]`, `"${label}" is not in lib/lessons/spec-sections.ts; write a label listed there, such as "RFC 6120 §8.2.3" or "XEP-0045 §7.2.1", or add the real section to that file`);
    }
    return { label: section.label, title: section.title, url: section.url };
  });
}

/** Fields of index.md about how a lesson ends and how its room is set up (lessons/README.md). */
const ENDING_FIELDS = ["learned", "peerInRoom", "otherDevice", "streamManagement"] as const;

/** `learned:` a list of { text, spec }: what the finish screen lists, each with a registered section. */
function readLearned(value: unknown, reader: FieldReader): LearnedPoint[] {
  const example = '- text: "Open a stream with a header" and spec: "RFC 6120 §4.2"';
  if (!Array.isArray(value) || value.length === 0) reader.fail("learned", `expected a list of points, each a mapping such as ${example}`);
  return value.map((item, index) => {
    const field = `learned[${index}]`;
    const point = reader.object(item, field, "{ text: ..., spec: \"RFC 6120 §4.2\" }");
    reader.onlyKeys(point, field, ["text", "spec"]);
    const text = reader.requiredString(point.text, `${field}.text`, "one sentence on what the learner can now do").trim();
    const label = reader.requiredString(point.spec, `${field}.spec`, 'the section it comes from, such as "RFC 6120 §4.2"');
    const section = findSpecSection(label);
    if (section === undefined) reader.fail(`${field}.spec`, `"${label}" is not in lib/lessons/spec-sections.ts; write a label listed there, or add the real section to that file`);
    return { text, spec: { label: section.label, title: section.title, url: section.url } };
  });
}

/** Numbers start at 01 and go up by one, so the order shown is the order written. */
function checkNumbering(names: readonly string[], where: string, what: string): void {
  names.forEach((name, index) => {
    const number = Number(name.slice(0, 2));
    if (number !== index + 1) {
      const previous = index === 0 ? "the first" : `after ${names[index - 1]}`;
      throw new LessonFormatError(path.join(where, name), "number", `${what} ${name} comes ${previous}, so it should be numbered ${String(index + 1).padStart(2, "0")}; number them 01, 02, ... without gaps or repeats`);
    }
  });
}
