import type { Expectation, HasMatcher } from "./types";

/**
 * What an expectation of a step's check wants, worded as what is missing. Its own module so
 * the lesson page's help can word a goal without loading the check engine (and its XML
 * parser) before first paint.
 */
export function describeExpectation(expectation: Expectation): string {
  if (expectation.dir === "event") {
    return expectation.event === undefined ? "No matching event in the transcript yet." : `No "${expectation.event}" event in the transcript yet.`;
  }
  const parts: string[] = [expectation.dir === "out" ? "You have not sent" : "Nothing has arrived yet:"];
  parts.push(expectation.stanza ? `${article(expectation.stanza)} <${expectation.stanza}>` : expectation.kind ? `${article(expectation.kind)} ${expectation.kind} element` : "an element");
  if (expectation.ns) parts.push(`in namespace ${expectation.ns}`);
  if (expectation.type) parts.push(`of type "${expectation.type}"`);
  if (expectation.to) parts.push(`to ${expectation.to}`);
  if (expectation.from) parts.push(`from ${expectation.from}`);
  for (const [name, value] of Object.entries(expectation.attrs ?? {})) parts.push(`with ${name}="${value}"`);
  for (const has of expectation.has ?? []) parts.push(describeHas(has));
  if (expectation.error) {
    const { condition, type } = expectation.error;
    parts.push(`carrying the error ${[condition, type ? `(type ${type})` : ""].filter(Boolean).join(" ") || "of any condition"}`);
  }
  if (expectation.smCount) parts.push(`whose h counts the stanzas ${expectation.smCount === "in" ? "you received" : "you sent"} since stream management began`);
  if (expectation.answers) parts.push(`answering the "${expectation.answers}" request`);
  if (expectation.after) parts.push(`after the "${expectation.after}" entry`);
  return `${parts.join(" ")}.`;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

function describeHas(has: HasMatcher): string {
  let text = `containing <${has.path.split("/").join("><")}>${has.xmlns ? ` in ${has.xmlns}` : ""}`;
  for (const [name, value] of Object.entries(has.attrs ?? {})) text += ` with ${name}="${value}"`;
  if (has.text !== undefined) text += ` whose text is "${has.text}"`;
  if (has.contains !== undefined) text += ` whose text contains "${has.contains}"`;
  return text;
}
