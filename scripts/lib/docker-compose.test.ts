import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMPOSE_FILE, dockerEngineAvailable } from "./docker";
import { readConfigTemplate, readMacroDefaults } from "./ejabberd-config";
import { CERTS, DEMO_ACCOUNTS, fromRepoRoot } from "./instances";

// Plain-text checks: no YAML parser among our dependencies, and the file is small.
const compose = readFileSync(fromRepoRoot(COMPOSE_FILE), "utf8");
const configDefaults = readMacroDefaults(readConfigTemplate());

describe("docker-compose.yml", () => {
  it("pins the ejabberd image to 23.01, the version Debian ships and CI tests", () => {
    expect(compose).toMatch(/^\s+image: ghcr\.io\/processone\/ejabberd:23\.01\s*$/m);
  });

  it("publishes every listener on the host's 127.0.0.1 only, to the config's container ports", () => {
    const published = [...compose.matchAll(/^\s+- "([^"]+:\d+)"\s*$/gm)].map((match) => match[1] ?? "");
    expect(published).toHaveLength(4);
    for (const mapping of published) expect(mapping).toMatch(/^127\.0\.0\.1:/);
    const containerPorts = published.map((mapping) => mapping.split(":").at(-1));
    expect(containerPorts).toEqual([
      configDefaults.PORT_STARTTLS,
      configDefaults.PORT_DIRECT_TLS,
      configDefaults.PORT_PLAIN,
      configDefaults.PORT_HTTP,
    ]);
    expect(configDefaults.LISTEN_IP).toBe("0.0.0.0"); // inside the container, or publishing reaches nothing
  });

  it("mounts the repo's config, its Mnesia schema and the generated certificate where the config expects them", () => {
    expect(compose).toContain("- ./ejabberd/ejabberd.yml:/opt/ejabberd/conf/ejabberd.yml:ro");
    // ejabberd_mnesia reads <EJABBERD_MNESIA_SCHEMA>/ejabberd.schema.
    expect(compose).toContain("- ./ejabberd/ejabberd.schema:/opt/ejabberd/conf/ejabberd.schema:ro");
    expect(compose).toMatch(/^\s+EJABBERD_MNESIA_SCHEMA: \/opt\/ejabberd\/conf\s*$/m);
    expect(compose).toContain(`- ./${CERTS.combined}:${String(configDefaults.CERTFILE)}:ro`);
  });

  it("registers the demo accounts on first start", () => {
    const onCreate = /CTL_ON_CREATE: "([^"]+)"/.exec(compose)?.[1] ?? "";
    const commands = onCreate.split(" ; ");
    expect(commands).toEqual(DEMO_ACCOUNTS.map((a) => `register ${a.username} localhost ${a.password}`));
  });
});

describe("dockerEngineAvailable", () => {
  it("answers within its 3 s bound whether or not an engine runs", async () => {
    const started = Date.now();
    expect(typeof (await dockerEngineAvailable())).toBe("boolean");
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
