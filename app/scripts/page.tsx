import fs from "node:fs";
import path from "node:path";
import { ScriptsPage, type ExampleScript } from "@/components/scripts/scripts-page";
import { BUNDLED_DOMAIN } from "@/lib/demo-accounts";

export const metadata = { title: "Scripts · XMPP Playground" };

/** The examples beside the command line's (stanza-scripts/ and its compliance suite), read on the server. */
function examples(): ExampleScript[] {
  const root = path.join(process.cwd(), "stanza-scripts");
  const read = (dir: string) =>
    fs
      .readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith(".yaml"))
      .sort()
      .map((name) => ({ file: path.posix.join(dir, name), text: fs.readFileSync(path.join(root, dir, name), "utf8") }));
  return [...read("."), ...read("compliance")].map((example) => ({ ...example, file: example.file.replace(/^\.\//, "") }));
}

export default function ScriptsRoute() {
  return <ScriptsPage examples={examples()} bundledDomain={BUNDLED_DOMAIN} />;
}
