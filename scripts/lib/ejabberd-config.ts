import { readFileSync } from "node:fs";
import { fromRepoRoot, type XmppServerInstance } from "./instances";

/** The one config file in the repo; its define_macro defaults serve the container. */
export const CONFIG_TEMPLATE = "ejabberd/ejabberd.yml";

/** Mnesia storage overrides (ejabberd_mnesia's schema file), used as is by every way to run it. */
export const MNESIA_SCHEMA = "ejabberd/ejabberd.schema";

/** The define_macro entries of ejabberd/ejabberd.yml that differ between ways to run it. */
export interface ConfigMacros {
  LISTEN_IP: string;
  PORT_STARTTLS: number;
  PORT_DIRECT_TLS: number;
  PORT_PLAIN: number;
  PORT_HTTP: number;
  CERTFILE: string;
  REGISTRATION_NETWORKS: string[];
  /**
   * Seconds a c2s stream may stay unbound (ejabberd's top-level negotiation_timeout). Left
   * out, the template's value holds; only the person-pace test's control server overrides it.
   */
  NEGOTIATION_TIMEOUT?: number;
}

/** Macro values for an instance run from the Debian package, on loopback only. */
export function localMacros(instance: XmppServerInstance, certfile: string): ConfigMacros {
  return {
    LISTEN_IP: instance.host,
    PORT_STARTTLS: instance.ports.starttls,
    PORT_DIRECT_TLS: instance.ports.directTls,
    PORT_PLAIN: instance.ports.plain,
    PORT_HTTP: instance.ports.http,
    CERTFILE: certfile,
    REGISTRATION_NETWORKS: ["127.0.0.0/8", "::1/128"],
  };
}

interface MacroEntry {
  name: string;
  /** Line index of "  NAME: ..." */
  start: number;
  /** Line index after the entry's last continuation line (list items, comments). */
  end: number;
  /** The text after "NAME:" on the first line, trimmed. */
  inlineValue: string;
  /** "- item" values of a block list, if any. */
  listItems: string[];
}

/** Finds the top-level define_macro block and its two-space-indented entries. */
function parseDefineMacro(lines: string[]): MacroEntry[] {
  const blockStart = lines.findIndex((line) => /^define_macro:\s*$/.test(line));
  if (blockStart < 0) throw new Error(`${CONFIG_TEMPLATE} has no top-level define_macro block.`);
  const entries: MacroEntry[] = [];
  for (let i = blockStart + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^\S/.test(line)) break; // next top-level key: block ends
    const entry = /^ {2}([A-Z][A-Z0-9_]*):(.*)$/.exec(line);
    if (entry) {
      entries.push({ name: entry[1] ?? "", start: i, end: i + 1, inlineValue: (entry[2] ?? "").trim(), listItems: [] });
      continue;
    }
    const current = entries.at(-1);
    const item = /^ {3,}- (.*)$/.exec(line);
    if (current && item) {
      current.listItems.push((item[1] ?? "").trim());
      current.end = i + 1;
    }
  }
  return entries;
}

/**
 * Returns the template with the given define_macro values replaced (written as
 * JSON, which is valid YAML). Throws if a macro is not defined in the template,
 * so a rename there cannot be silently ignored here.
 */
export function renderConfig(template: string, overrides: Partial<ConfigMacros>): string {
  const lines = template.split("\n");
  const entries = parseDefineMacro(lines);
  // Replace from the bottom up so earlier line indexes stay valid.
  // An optional macro given as undefined keeps the template's value.
  const replacements = Object.entries(overrides).filter(([, value]) => value !== undefined).map(([name, value]) => {
    const entry = entries.find((candidate) => candidate.name === name);
    if (!entry) throw new Error(`Macro ${name} is not defined in the define_macro block of ${CONFIG_TEMPLATE}.`);
    return { entry, text: `  ${name}: ${JSON.stringify(value)}` };
  });
  replacements.sort((a, b) => b.entry.start - a.entry.start);
  for (const { entry, text } of replacements) lines.splice(entry.start, entry.end - entry.start, text);
  return lines.join("\n");
}

/** The define_macro defaults of a config text: scalars as strings, lists as arrays. */
export function readMacroDefaults(template: string): Record<string, string | string[]> {
  const defaults: Record<string, string | string[]> = {};
  for (const entry of parseDefineMacro(template.split("\n"))) {
    defaults[entry.name] = entry.inlineValue === "" ? entry.listItems : unquote(entry.inlineValue);
  }
  return defaults;
}

const unquote = (value: string): string => value.replace(/\s+#.*$/, "").replace(/^(["'])(.*)\1$/, "$2");

/** Reads ejabberd/ejabberd.yml (or another template) from disk. */
export const readConfigTemplate = (file: string = fromRepoRoot(CONFIG_TEMPLATE)): string => readFileSync(file, "utf8");

/** Header put on rendered copies so nobody edits the wrong file. */
export const RENDERED_HEADER =
  `# Generated from ${CONFIG_TEMPLATE} by scripts/lib/ejabberd-local.ts on every start.\n` +
  `# Edit ${CONFIG_TEMPLATE} instead; only the define_macro values differ.\n`;
