import { NS_CLIENT, NS_DISCO_INFO, NS_STREAM } from "../xml/namespaces";
import { escapeXml } from "../xml/escape";
import { countNoun } from "../count-noun";
import { MAX_XML_DEPTH, walkXml } from "../xml/walk-xml";
import type { ReportEntry } from "./report";

/**
 * Compares two run reports (toJson, report.ts): two servers, or one server before and after a
 * change. Scripts align by file, steps by position; what each step received is normalized so
 * that only real differences remain: ids, timestamps, stream ids and resources, the run's own
 * values (account JIDs, captures), attribute order, whitespace, namespace prefixes, timestamps
 * in text, and the order of children where it carries no meaning (stream features, disco#info).
 */

/** What compare reads of a report: the JSON toJson writes. */
export interface ComparedReport {
  server: string;
  software?: string;
  scripts: {
    file: string;
    name: string;
    verdict: string;
    notOffered?: { reason: string };
    /** The run's variables (accounts, captures): replaced by their names before comparing. */
    values?: Record<string, string>;
    steps: { name: string; passed: boolean; reason?: string; captured?: Record<string, string>; window: ReportEntry[] }[];
  }[];
}

export interface Difference {
  script: string;
  step?: string;
  /** The step's position in the script (0-based): names may repeat, positions do not. */
  stepIndex?: number;
  /** What differs, in a sentence. */
  what: string;
  /** The raw entries on each side (none where that side has nothing). */
  a: ReportEntry[];
  b: ReportEntry[];
}

export interface Comparison {
  a: string;
  b: string;
  /** Steps whose answers are equal once normalized. */
  equalSteps: number;
  differences: Difference[];
}

/** Attributes whose values differ on every run by design (RFC 6120 §4.7.3 stream id, §8.1.3 stanza id; XEP-0203 stamp). */
const VOLATILE_ATTRS = new Set(["id", "stamp"]);

/** xml:lang the server stamps from the stream's default (RFC 6120 §4.7.4): the same language either way. */
const NS_XML = "http://www.w3.org/XML/1998/namespace";

/** XEP-0082 DateTime (a stamp, a <utc/>, a MAM form's start): when it was, never what was said. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Elements whose children come in no set order, so their order is not compared:
 * <stream:features/> (RFC 6120 §4.3.2, "the order of child elements ... is not significant"),
 * and disco#info's identities and features (XEP-0030 §3.1 sets no order; XEP-0115 §5.1 sorts
 * them for that reason). <mechanisms/> keeps its order: it is the server's preference (RFC 6120 §6.4.1).
 */
function unordered(uri: string, local: string): boolean {
  return (uri === NS_STREAM && local === "features") || (uri === NS_DISCO_INFO && local === "query");
}

interface Frame {
  head: string;
  children: string[];
  sort: boolean;
}

/**
 * One entry as text that ignores what never matters. `own`: the receiving account's JIDs as
 * written after the values are replaced ({{alice}}, {{alice.full}}); a top-level `to` or
 * `from` naming them says no more than its absence (RFC 6120 §8.1.1.1, §8.1.2.1).
 */
export function normalizeEntry(raw: string, values: Readonly<Record<string, string>> = {}, own: readonly string[] = []): string {
  // Longest first, so alice.full is replaced before alice.
  const known = Object.entries(values).filter(([, value]) => value.length >= 3).sort((x, y) => y[1].length - x[1].length);
  const value = (text: string) => {
    if (DATE_TIME.test(text)) return "{timestamp}";
    let out = text;
    for (const [name, literal] of known) out = out.split(literal).join(`{{${name}}}`);
    // A full JID the run did not name: its resource is the server's choice (RFC 6120 §7.6).
    return out.replace(/^([^\s@/]+@[^\s/]+|[^\s@/]+\.[^\s/]+)\/\S+$/, "$1/{resource}");
  };
  // Each open element's text so far; a closed one becomes one string in its parent's children.
  const top: string[] = [];
  const open: Frame[] = [];
  const add = (text: string) => (open.at(-1)?.children ?? top).push(text);
  const closeOne = () => {
    const frame = open.pop()!;
    add(`${frame.head}${(frame.sort ? frame.children.slice().sort() : frame.children).join("")}</>`);
  };
  const uris: string[] = [NS_CLIENT];
  const stream = /^\s*<stream:stream\b/.test(raw);
  const walked = walkXml(
    stream ? `${raw}</stream:stream>` : raw,
    { fragment: true, namespaces: { "": NS_CLIENT, stream: NS_STREAM }, maxDepth: MAX_XML_DEPTH },
    {
      open(tag, depth) {
        const attrs = Object.values(tag.attributes)
          .filter((attr) => attr.prefix !== "xmlns" && attr.name !== "xmlns" && !(attr.uri === NS_XML && attr.local === "lang"))
          .filter((attr) => !(depth === 1 && !attr.uri && (attr.local === "to" || attr.local === "from") && own.includes(value(attr.value))))
          .map((attr) => [attr.uri ? `{${attr.uri}}${attr.local}` : attr.local, VOLATILE_ATTRS.has(attr.local) && !attr.uri ? "{volatile}" : value(attr.value)] as const)
          .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
        // The namespace, written where it changes: prefixes and where they were declared do not matter.
        const ns = tag.uri !== uris[depth - 1] ? ` xmlns="${escapeXml(tag.uri)}"` : "";
        uris[depth] = tag.uri;
        open.push({ head: `<${tag.local}${ns}${attrs.map(([name, text]) => ` ${name}="${escapeXml(text)}"`).join("")}>`, children: [], sort: unordered(tag.uri, tag.local) });
      },
      close() {
        closeOne();
      },
      text(text) {
        const trimmed = text.replace(/\s+/g, " ").trim();
        if (trimmed !== "") add(escapeXml(value(trimmed)));
      },
    },
  );
  // What a parse error left open still counts, closed where the text stopped.
  while (open.length > 0) closeOne();
  const text = top.join("");
  return walked.error && top.length === 0 ? raw.replace(/\s+/g, " ").trim() : `${text}${walked.tooDeep ? ` (deeper than ${MAX_XML_DEPTH} levels left out)` : ""}`;
}

export function compareReports(a: { label: string; report: ComparedReport }, b: { label: string; report: ComparedReport }): Comparison {
  const differences: Difference[] = [];
  let equalSteps = 0;
  const byFile = new Map(b.report.scripts.map((script) => [script.file, script]));
  for (const left of a.report.scripts) {
    const right = byFile.get(left.file);
    byFile.delete(left.file);
    if (!right) {
      differences.push({ script: left.name, what: `only ${a.label} ran ${left.file}`, a: [], b: [] });
      continue;
    }
    if (left.verdict !== right.verdict) {
      const why = (script: typeof left) => (script.notOffered ? ` (${script.notOffered.reason})` : "");
      differences.push({ script: left.name, what: `${a.label}: ${left.verdict}${why(left)}; ${b.label}: ${right.verdict}${why(right)}`, a: [], b: [] });
    }
    // A server that does not offer the feature ran no steps: the verdict line says all there is.
    if (left.notOffered || right.notOffered) continue;
    const steps = Math.max(left.steps.length, right.steps.length);
    for (let index = 0; index < steps; index++) {
      const [x, y] = [left.steps[index], right.steps[index]];
      const step = x?.name ?? y!.name;
      if (!x || !y) {
        differences.push({ script: left.name, step, stepIndex: index, what: `step ${index + 1} ran only on ${x ? a.label : b.label}`, a: [], b: [] });
        continue;
      }
      const found = compareStep(x.window, y.window, valuesOf(left, index), valuesOf(right, index));
      if (found.length === 0) equalSteps++;
      for (const difference of found) differences.push({ script: left.name, step, stepIndex: index, ...difference });
    }
  }
  for (const right of byFile.values()) differences.push({ script: right.name, what: `only ${b.label} ran ${right.file}`, a: [], b: [] });
  return { a: label(a), b: label(b), equalSteps, differences };
}

function label({ label: name, report }: { label: string; report: ComparedReport }): string {
  return `${name} (${report.software ?? report.server})`;
}

/** The values in force at a step: the run's, and what the steps before it captured. */
function valuesOf(script: ComparedReport["scripts"][number], index: number): Record<string, string> {
  const values = Object.assign({}, script.values, ...script.steps.slice(0, index + 1).map((step) => step.captured ?? {})) as Record<string, string>;
  // An account's username shows alone too (XEP-0077 <username/>): {{alice.local}}.
  for (const [name, value] of Object.entries(values)) {
    const local = /^([^@/]+)@[^/]+$/.exec(value)?.[1];
    if (local !== undefined && !name.includes(".")) values[`${name}.local`] ??= local;
  }
  return values;
}

/** What came in on each side, paired by normalized text; what is left unpaired differs. */
function compareStep(a: ReportEntry[], b: ReportEntry[], valuesA: Record<string, string>, valuesB: Record<string, string>): Omit<Difference, "script" | "step">[] {
  const answers = (entries: ReportEntry[], values: Record<string, string>) =>
    entries
      .filter((entry) => entry.dir === "in")
      .map((entry) => ({ entry, key: `${entry.account} ${normalizeEntry(entry.raw, values, [`{{${entry.account}}}`, `{{${entry.account}.full}}`])}` }));
  const left = answers(a, valuesA);
  const right = answers(b, valuesB);
  const unpaired = right.slice();
  const onlyLeft = left.filter(({ key }) => {
    const at = unpaired.findIndex((candidate) => candidate.key === key);
    if (at < 0) return true;
    unpaired.splice(at, 1);
    return false;
  });
  if (onlyLeft.length === 0 && unpaired.length === 0) return [];
  // Same element on both sides but different content: shown as one difference, side by side.
  const differences: Omit<Difference, "script" | "step">[] = [];
  for (const item of onlyLeft) {
    // The closest counterpart: same shape, else the same element and type on the same stream.
    let at = unpaired.findIndex((candidate) => shape(candidate.key) === shape(item.key));
    if (at < 0) at = unpaired.findIndex((candidate) => shape(candidate.key).split(" ", 3).join(" ") === shape(item.key).split(" ", 3).join(" "));
    const other = at >= 0 ? unpaired.splice(at, 1)[0] : undefined;
    differences.push({ what: other ? `the answers differ: ${item.key} / ${other.key}` : `only the first run received: ${item.key}`, a: [item.entry], b: other ? [other.entry] : [] });
  }
  for (const item of unpaired) differences.push({ what: `only the second run received: ${item.key}`, a: [], b: [item.entry] });
  return differences;
}

/** Which answer a normalized entry is: stream, element, type, first child and its namespace (the form normalizeEntry writes). */
function shape(key: string): string {
  const head = /^(\S+) <(\S+?)[ >]/.exec(key);
  const type = /^[^>]* type="([^"]*)"/.exec(key)?.[1] ?? "";
  const child = /^[^>]*><([^\s>/]+)(?: xmlns="([^"]*)")?/.exec(key);
  return [head?.[1], head?.[2], type, child?.[1], child?.[2]].join(" ");
}

/** The comparison for a terminal or a Markdown file: a line per difference, the raw entries under it. */
export function formatComparison(comparison: Comparison): string {
  const lines = [`Comparing ${comparison.a} with ${comparison.b}: ${countNoun(comparison.equalSteps, "step")} equal once normalized, ${countNoun(comparison.differences.length, "difference")}.`];
  for (const difference of comparison.differences) {
    lines.push("", `- ${difference.script}${difference.step ? ` / ${difference.step}` : ""}: ${difference.what}`);
    for (const [side, entries] of [["A", difference.a], ["B", difference.b]] as const) {
      for (const entry of entries) lines.push(`    ${side} ${entry.account} #${entry.seq}: ${entry.raw.replace(/\s+/g, " ")}`);
    }
  }
  return lines.join("\n");
}
