import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import { FieldReader, LessonFormatError } from "../lessons/format-error";
import { readCheck } from "../lessons/validate-check";
import { variableNames } from "../xml/variables";
import type { AccountKind, Capture, Requirement, Script, ScriptStep } from "./types";

/**
 * Reads a stanza script (YAML, described in README "Stanza scripts (command line)") into a
 * Script. Expectations go through the lessons' own validation (validate-check.ts), so a script
 * and a lesson accept the same check language. Every problem is a ScriptFormatError naming
 * the file, the line and the field; a {{variable}} nothing defines is one too, before any run.
 */

const SCRIPT_FIELDS = ["name", "requires", "accounts", "steps"] as const;
const STEP_FIELDS = ["name", "as", "send", "expect", "capture", "timeout", "window"] as const;
const WINDOWS = ["step", "session"] as const;
const REQUIREMENT_KINDS = ["feature", "account", "service", "stream"] as const;
const CAPTURE_FIELDS = ["from", "path", "attr"] as const;
const ACCOUNT_KINDS = ["fresh", "given"] as const;
/** Names every script has besides its accounts and captures. */
/** {{run}}: a token of its own per run, for names that must not clash between runs (a room). */
const BUILT_IN = ["domain", "id", "run"] as const;
export const DEFAULT_STEP_TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_S = 120;
const NAME = /^[A-Za-z_][\w-]*$/;

export class ScriptFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${field === "" ? "" : `${field}: `}${problem}`);
    this.name = "ScriptFormatError";
  }
}

export function parseScript(text: string, file: string): Script {
  const lineCounter = new LineCounter();
  const document = parseDocument(text.replace(/^\uFEFF/, ""), { uniqueKeys: true, prettyErrors: true, lineCounter });
  const syntax = document.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line;
    throw new ScriptFormatError(file, line, "", `is not valid YAML: ${syntax.message.split("\n")[0]} (quote values that contain ": " or start with "{", "[", "*" or "&")`);
  }
  try {
    const script = readScript(document.toJS() as unknown, file);
    script.steps.forEach((step, index) => (step.line = lineOf(document, lineCounter, `steps[${index}]`) ?? 0));
    return script;
  } catch (error) {
    if (!(error instanceof LessonFormatError)) throw error;
    throw new ScriptFormatError(file, lineOf(document, lineCounter, error.field), error.field, error.problem);
  }
}

function readScript(data: unknown, file: string): Script {
  const reader = new FieldReader(file);
  const record = reader.object(data, "", "name: ..., accounts: { alice: fresh }, steps: [...]");
  reader.onlyKeys(record, "", SCRIPT_FIELDS);
  const name = reader.requiredString(record.name, "name", "a short title for the script");
  const accountRecord = reader.object(record.accounts, "accounts", "{ alice: fresh }");
  const accounts = Object.entries(accountRecord).map(([account, kind]) => {
    if (!NAME.test(account) || (BUILT_IN as readonly string[]).includes(account)) {
      reader.fail(`accounts.${account}`, `"${account}" cannot name an account; use letters, digits, "_" and "-" (not ${BUILT_IN.join(" or ")})`);
    }
    return { name: account, kind: reader.oneOf(kind, `accounts.${account}`, ACCOUNT_KINDS) as AccountKind };
  });
  if (accounts.length === 0) reader.fail("accounts", "names no account; write at least one, such as { alice: fresh }");
  const names = accounts.map((account) => account.name);
  const requires = record.requires === undefined ? [] : readRequirements(record.requires, reader);

  const list: unknown = record.steps;
  if (!Array.isArray(list) || list.length === 0) reader.fail("steps", "needs a list of at least one step, each with send: and expect:");
  // What {{name}} may refer to at each point: the accounts, built-ins, services found, then each step's captures.
  const defined = new Set<string>([...BUILT_IN, ...names.flatMap((account) => [account, `${account}.full`])]);
  for (const requirement of requires) if ("service" in requirement) defined.add(requirement.as);
  const steps = (list as unknown[]).map((item, index) => {
    const step = readStep(item, reader.nested(`steps[${index}]`), index, names);
    checkVariables(step, reader.nested(`steps[${index}]`), defined);
    for (const capture of step.capture) defined.add(capture.name);
    return step;
  });
  return { file, name, accounts, requires, steps };
}

function readStep(value: unknown, reader: FieldReader, index: number, accounts: readonly string[]): ScriptStep {
  const record = reader.object(value, "", "{ send: <iq .../>, expect: [...] }");
  reader.onlyKeys(record, "", STEP_FIELDS);
  const name = reader.string(record.name, "name", "a short title for the step", { optional: true }) ?? `step ${index + 1}`;
  const as = reader.oneOf(record.as, "as", accounts, { optional: true }) ?? accounts[0]!;
  // session: the expectations may be met by anything since the session opened (the negotiation, RFC 6120 §4.3).
  const window = reader.oneOf(record.window, "window", WINDOWS, { optional: true }) ?? "step";
  const send = reader.string(record.send, "send", "the XML to send, such as <iq type='get' id='{{id}}'>...</iq>", { optional: true });
  const { items, on } = splitStreams(record.expect, reader, as, accounts);
  const expect = readCheck(items, reader, "expect");
  // answers/after compare entries of one transcript (seq order, iq pairing): both ends on one stream.
  expect.forEach((expectation, at) => {
    for (const key of ["answers", "after"] as const) {
      const target = expectation[key] === undefined ? -1 : expect.findIndex((other) => other.name === expectation[key]);
      if (target >= 0 && on[target] !== on[at]) reader.fail(`expect[${at}].${key}`, `"${expectation[key]}" is on ${on[target]}'s stream and this one on ${on[at]}'s; ${key} relates entries of one stream`);
    }
  });
  const names = new Set(expect.flatMap((expectation) => (expectation.name === undefined ? [] : [expectation.name])));
  const capture = record.capture === undefined ? [] : readCaptures(record.capture, reader, names);
  let timeoutMs = DEFAULT_STEP_TIMEOUT_MS;
  if (record.timeout !== undefined) {
    const seconds = record.timeout;
    if (typeof seconds !== "number" || !(seconds > 0) || seconds > MAX_TIMEOUT_S) reader.fail("timeout", `expected seconds, a number above 0 and at most ${MAX_TIMEOUT_S}, such as 5`);
    timeoutMs = seconds * 1000;
  }
  return { name, line: 0, as, window, ...(send !== undefined ? { send } : {}), expect, on, capture, timeoutMs };
}

/** Takes each expectation's `on:` (whose stream it waits on) out, so the rest is the lessons' check language. */
function splitStreams(value: unknown, reader: FieldReader, sender: string, accounts: readonly string[]): { items: unknown; on: string[] } {
  if (!Array.isArray(value)) return { items: value, on: [] };
  const on: string[] = [];
  const items = value.map((item, index) => {
    if (typeof item !== "object" || item === null || !("on" in item)) {
      on.push(sender);
      return item;
    }
    const { on: account, ...rest } = item as Record<string, unknown>;
    on.push(reader.oneOf(account, `expect[${index}].on`, accounts)!);
    return rest;
  });
  return { items, on };
}

function readRequirements(value: unknown, reader: FieldReader): Requirement[] {
  if (!Array.isArray(value)) reader.fail("requires", 'expected a list, such as [{ feature: "urn:xmpp:ping" }]');
  return value.map((item, index) => {
    const field = `requires[${index}]`;
    const record = reader.object(item, field, '{ feature: "urn:xmpp:ping" }, { account: VAR }, { service: VAR, as: NAME } or { stream: NS }');
    const kinds = REQUIREMENT_KINDS.filter((kind) => kind in record);
    if (kinds.length !== 1) reader.fail(field, `needs exactly one of ${REQUIREMENT_KINDS.join(", ")}`);
    const kind = kinds[0]!;
    reader.onlyKeys(record, field, kind === "service" ? ["service", "as"] : [kind]);
    const var_ = reader.requiredString(record[kind], `${field}.${kind}`, "a feature var or namespace, such as urn:xmpp:ping");
    if (kind !== "service") return { [kind]: var_ } as Requirement;
    const as = reader.requiredString(record.as, `${field}.as`, "the variable that holds the service's JID, such as muc");
    if (!NAME.test(as) || (BUILT_IN as readonly string[]).includes(as)) reader.fail(`${field}.as`, `"${as}" cannot name a variable; use letters, digits, "_" and "-"`);
    return { service: var_, as };
  });
}

function readCaptures(value: unknown, reader: FieldReader, names: ReadonlySet<string>): Capture[] {
  const record = reader.object(value, "capture", "{ server: { from: pong, attr: from } }");
  return Object.entries(record).map(([name, item]) => {
    const field = `capture.${name}`;
    if (!NAME.test(name) || (BUILT_IN as readonly string[]).includes(name)) reader.fail(field, `"${name}" cannot name a variable; use letters, digits, "_" and "-"`);
    const spec = reader.object(item, field, "{ from: pong, attr: from }");
    reader.onlyKeys(spec, field, CAPTURE_FIELDS);
    const from = reader.requiredString(spec.from, `${field}.from`, "the name: of an expectation of this step");
    if (!names.has(from)) reader.fail(`${field}.from`, `"${from}" is not the name of an expectation of this step; give that expectation name: ${from}`);
    const capture: Capture = { name, from };
    const path = reader.string(spec.path, `${field}.path`, "slash-separated local names below the element, such as bind/jid", { optional: true });
    if (path !== undefined) capture.path = path;
    const attr = reader.string(spec.attr, `${field}.attr`, "an attribute name, such as from", { optional: true });
    if (attr !== undefined) capture.attr = attr;
    return capture;
  });
}

/** A {{name}} nothing defines yet is an error now, not a stanza with braces in it later. */
function checkVariables(step: ScriptStep, reader: FieldReader, defined: ReadonlySet<string>): void {
  const unknown = (text: string) => variableNames(text).find((name) => !defined.has(name));
  const known = [...defined].filter((name) => name !== "id").join(", ");
  const sent = step.send === undefined ? undefined : unknown(step.send);
  if (sent !== undefined) reader.fail("send", `{{${sent}}} is not defined here; the variables are ${known} (a capture: defines more for the steps after it)`);
  step.expect.forEach((expectation, index) => {
    for (const [key, value] of Object.entries(expectation)) {
      const name = unknown(JSON.stringify(value));
      if (name !== undefined) reader.fail(`expect[${index}].${key}`, `{{${name}}} is not defined here; the variables are ${known}`);
    }
  });
}

/** The line of a field path such as steps[1].expect[0].stanza: of its node, else of the nearest parent that exists. */
function lineOf(document: Document, lineCounter: LineCounter, field: string): number | undefined {
  const path = field.split(/\.|(?=\[)/).filter(Boolean).map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
  for (let length = path.length; length > 0; length--) {
    const node: unknown = document.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return isNode(document.contents) && document.contents.range ? lineCounter.linePos(document.contents.range[0]).line : undefined;
}
