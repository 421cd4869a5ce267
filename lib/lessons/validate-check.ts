import { EVENT_CODES } from "../xmpp/event-codes";
import type { EntryKind } from "../xmpp/entry";
import { FieldReader } from "./format-error";
import type { ErrorMatcher, Expectation, HasMatcher } from "./types";

/** The matchers lessons/README.md defines; anything else in a check is refused. */
export const EXPECTATION_FIELDS = ["name", "dir", "stanza", "kind", "ns", "type", "to", "from", "attrs", "has", "error", "smCount", "answers", "event", "after", "missing"] as const;
const HAS_FIELDS = ["path", "xmlns", "attrs", "text", "contains"] as const;
const ERROR_FIELDS = ["condition", "type"] as const;
const DIRECTIONS = ["out", "in", "event"] as const;
const KINDS: readonly EntryKind[] = ["stream-open", "stream-close", "features", "tls", "sasl", "bind", "message", "presence", "iq", "sm", "stream-error", "other", "malformed", "status"];
/** RFC 6120 section 8.3.2. */
const ERROR_TYPES = ["auth", "cancel", "continue", "modify", "wait"] as const;

/**
 * Validates a step's `check:` list (a script step's `expect:`, named by `field`) into
 * expectations; throws LessonFormatError naming the field.
 */
export function readCheck(value: unknown, reader: FieldReader, field = "check"): Expectation[] {
  if (!Array.isArray(value) || value.length === 0) {
    reader.fail(field, "needs a list of at least one expectation, such as\n  - dir: out\n    stanza: presence");
  }
  const names = new Set<string>();
  return value.map((item, index) => {
    const expectation = readExpectation(item, reader.nested(`${field}[${index}]`), names);
    if (expectation.name !== undefined) names.add(expectation.name);
    return expectation;
  });
}

function readExpectation(value: unknown, reader: FieldReader, earlierNames: ReadonlySet<string>): Expectation {
  const record = reader.object(value, "", "{ dir: out, stanza: message }");
  reader.onlyKeys(record, "", EXPECTATION_FIELDS);
  const dir = reader.oneOf(record.dir, "dir", DIRECTIONS)!;
  const expectation: Expectation = { dir };
  const text = (key: "name" | "stanza" | "ns" | "type" | "to" | "from" | "missing", what: string) => {
    const found = reader.string(record[key], key, what, { optional: true });
    if (found !== undefined) expectation[key] = found;
  };
  text("name", "a short name later expectations can refer to");
  text("stanza", "the local name of the top-level element, such as message");
  text("ns", "the namespace of the top-level element, such as jabber:client");
  text("type", "the type attribute, such as get");
  text("to", "a JID, such as {{peer}}");
  text("from", "a JID, such as {{domain}}");
  const event = reader.oneOf(record.event, "event", EVENT_CODES, { optional: true });
  if (event !== undefined) expectation.event = event;
  text("missing", "a sentence telling the learner what is still missing");
  const kind = reader.oneOf(record.kind, "kind", KINDS, { optional: true });
  if (kind !== undefined) expectation.kind = kind;
  if (record.attrs !== undefined) expectation.attrs = reader.stringMap(record.attrs, "attrs");
  if (record.has !== undefined) expectation.has = readHas(record.has, reader);
  if (record.error !== undefined) expectation.error = readError(record.error, reader, kind);
  // XEP-0198 §4: which way the stanzas went that the element's h must count.
  const smCount = reader.oneOf(record.smCount, "smCount", ["in", "out"] as const, { optional: true });
  if (smCount !== undefined) expectation.smCount = smCount;
  for (const key of ["answers", "after"] as const) {
    const name = reader.string(record[key], key, "the name of an earlier expectation", { optional: true });
    if (name === undefined) continue;
    if (!earlierNames.has(name)) {
      reader.fail(key, `"${name}" is not the name of an earlier expectation in this check; give that expectation name: ${name} and put it before this one`);
    }
    expectation[key] = name;
  }
  if (expectation.name !== undefined && earlierNames.has(expectation.name)) reader.fail("name", `"${expectation.name}" is already used in this check; pick another name`);

  if (dir === "event") {
    if (expectation.event === undefined) reader.fail("event", `missing; an expectation with dir: event needs an event code, such as event: tls-established (one of ${EVENT_CODES.join(", ")})`);
    const stray = (["stanza", "kind", "ns", "type", "to", "from", "attrs", "has", "error", "smCount", "answers"] as const).find((key) => record[key] !== undefined);
    if (stray) reader.fail(stray, "does not apply to dir: event (events are not XML); use event: instead");
  } else {
    if (expectation.event !== undefined) reader.fail("event", "only applies to dir: event");
    if (expectation.stanza === undefined && expectation.kind === undefined) {
      reader.fail("stanza", `missing; say which element is expected with stanza: (such as iq) or kind: (one of ${KINDS.join(", ")})`);
    }
  }
  return expectation;
}

function readHas(value: unknown, reader: FieldReader): HasMatcher[] {
  if (!Array.isArray(value) || value.length === 0) reader.fail("has", "expected a list of descendants, such as\n  - path: query\n    xmlns: jabber:iq:roster");
  return value.map((item, index) => {
    const field = `has[${index}]`;
    const record = reader.object(item, field, "{ path: query, xmlns: jabber:iq:version }");
    reader.onlyKeys(record, field, HAS_FIELDS);
    const path = reader.requiredString(record.path, `${field}.path`, "slash-separated local names below the element, such as query/item");
    if (path.split("/").some((part) => part.trim() === "" || part !== part.trim())) {
      reader.fail(`${field}.path`, `"${path}" has an empty or padded part; write local names separated by "/", such as query/item`);
    }
    const has: HasMatcher = { path };
    const xmlns = reader.string(record.xmlns, `${field}.xmlns`, "the namespace of the last element", { optional: true });
    if (xmlns !== undefined) has.xmlns = xmlns;
    if (record.attrs !== undefined) has.attrs = reader.stringMap(record.attrs, `${field}.attrs`);
    const exact = reader.string(record.text, `${field}.text`, "the exact text", { optional: true, nonEmpty: false });
    const contains = reader.string(record.contains, `${field}.contains`, "text the element contains", { optional: true });
    if (exact !== undefined && contains !== undefined) reader.fail(`${field}.contains`, "give either text: (exact) or contains:, not both");
    if (exact !== undefined) has.text = exact;
    if (contains !== undefined) has.contains = contains;
    return has;
  });
}

function readError(value: unknown, reader: FieldReader, kind: EntryKind | undefined): ErrorMatcher {
  const record = reader.object(value, "error", "{ condition: item-not-found, type: cancel }");
  reader.onlyKeys(record, "error", ERROR_FIELDS);
  const matcher: ErrorMatcher = {};
  const condition = reader.string(record.condition, "error.condition", "a defined condition, such as item-not-found (RFC 6120 section 8.3.3)", { optional: true });
  if (condition !== undefined) matcher.condition = condition;
  const type = reader.oneOf(record.type, "error.type", ERROR_TYPES, { optional: true });
  if (type !== undefined) {
    if (kind === "stream-error") reader.fail("error.type", "stream errors have no type (RFC 6120 section 4.9); remove it");
    matcher.type = type;
  }
  if (matcher.condition === undefined && matcher.type === undefined) reader.fail("error", "give condition:, type:, or both");
  return matcher;
}
