import { SaxesParser, type SaxesTagNS } from "saxes";
import { CLIENT_STREAM_CONTEXT } from "../xml/parse-element";

/**
 * A whole element tree for the checks' `has`, `attrs` and `error` matchers (the transcript
 * keeps only an outline). saxes resolves the five predefined entities and character
 * references only; it never reads a DTD, so no entity of the sender's is ever expanded
 * (RFC 6120 section 11.1).
 */
export interface XmlNode {
  name: string;
  ns: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** All text inside the element, descendants included, as written (entities resolved). */
  text: string;
}

/** Parses one top-level element of a client stream; undefined when it is not well-formed. */
export function parseTree(raw: string, streamHeader = false): XmlNode | undefined {
  const parser = new SaxesParser({
    xmlns: true,
    fragment: !streamHeader,
    position: false,
    additionalNamespaces: streamHeader ? {} : { ...CLIENT_STREAM_CONTEXT.prefixes, "": CLIENT_STREAM_CONTEXT.defaultNs },
  });
  const open: XmlNode[] = [];
  let root: XmlNode | undefined;
  let failed = false;
  parser.on("error", () => {
    failed = true;
  });
  parser.on("doctype", () => {
    failed = true;
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    const attrs: Record<string, string> = {};
    for (const attr of Object.values(tag.attributes)) attrs[attr.name] = attr.value;
    const node: XmlNode = { name: tag.local, ns: tag.uri, attrs, children: [], text: "" };
    const parent = open.at(-1);
    if (parent) parent.children.push(node);
    else if (root === undefined) root = node;
    else failed = true;
    open.push(node);
  });
  parser.on("text", (text) => {
    for (const node of open) node.text += text;
  });
  parser.on("cdata", (text) => {
    for (const node of open) node.text += text;
  });
  parser.on("closetag", () => {
    open.pop();
  });
  try {
    // A stream header never closes on the wire: close it so the parser can finish.
    const text = streamHeader ? `${raw}</${/<([^\s/>?!]+)/.exec(raw.replace(/^\s*<\?[\s\S]*?\?>/, ""))?.[1] ?? "stream:stream"}>` : raw;
    parser.write(text).close();
  } catch {
    failed = true;
  }
  return failed ? undefined : root;
}

/** The elements reached by a slash-separated path of local names below `node`. */
export function descendantsAt(node: XmlNode, path: string): XmlNode[] {
  let level = [node];
  for (const name of path.split("/").filter((part) => part !== "")) {
    level = level.flatMap((parent) => parent.children.filter((child) => child.name === name));
  }
  return level;
}
