import { CLIENT_STREAM_CONTEXT } from "../xml/parse-element";
import { plainAttributes, walkXml, withHeaderClosed } from "../xml/walk-xml";

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
  /** All text inside the element, descendants included (to MAX_XML_DEPTH), as written (entities resolved). */
  readonly text: string;
}

/**
 * Parses one top-level element of a client stream; undefined when it is not well-formed.
 * Elements nested deeper than MAX_XML_DEPTH are left out of the tree (no check path goes
 * that deep), so a hostile stanza cannot make a later walk overflow the stack.
 */
export function parseTree(raw: string, streamHeader = false): XmlNode | undefined {
  const open: TreeNode[] = [];
  // Text in document order, shared by all nodes: each node knows the slice it spans, so the
  // text "descendants included" is joined only when a check asks, never copied per level.
  const pieces: string[] = [];
  let root: TreeNode | undefined;
  let extraRoot = false;
  const walked = walkXml(
    streamHeader ? withHeaderClosed(raw) : raw,
    {
      fragment: !streamHeader,
      namespaces: streamHeader ? {} : { ...CLIENT_STREAM_CONTEXT.prefixes, "": CLIENT_STREAM_CONTEXT.defaultNs },
    },
    {
      open(tag) {
        const node = new TreeNode(tag.local, tag.uri, plainAttributes(tag), pieces);
        const parent = open.at(-1);
        if (parent) parent.children.push(node);
        else if (root === undefined) root = node;
        else extraRoot = true;
        open.push(node);
      },
      text(data, depth) {
        if (depth > 0) pieces.push(data);
      },
      close() {
        open.pop()?.end();
      },
    },
  );
  return walked.error !== null || extraRoot ? undefined : root;
}

class TreeNode implements XmlNode {
  readonly children: TreeNode[] = [];
  private readonly first: number;
  private last = -1;
  private joined: string | undefined;

  constructor(
    readonly name: string,
    readonly ns: string,
    readonly attrs: Record<string, string>,
    private readonly pieces: readonly string[],
  ) {
    this.first = pieces.length;
  }

  end(): void {
    this.last = this.pieces.length;
  }

  get text(): string {
    this.joined ??= this.pieces.slice(this.first, this.last === -1 ? this.pieces.length : this.last).join("");
    return this.joined;
  }
}

/** The elements reached by a slash-separated path of local names below `node`. */
export function descendantsAt(node: XmlNode, path: string): XmlNode[] {
  let level = [node];
  for (const name of path.split("/").filter((part) => part !== "")) {
    level = level.flatMap((parent) => parent.children.filter((child) => child.name === name));
  }
  return level;
}
