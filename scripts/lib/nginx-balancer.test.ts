import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BENCH_CLUSTER, CLUSTER, fromRepoRoot } from "./instances";
import { balancerPorts, renderBalancerConfig, writeBalancerConfig } from "./nginx-balancer";
import { runCommand } from "./run";
import { findExecutable } from "./system-packages";

const prefix = mkdtempSync(path.join(tmpdir(), "balancer-"));
afterAll(() => rmSync(prefix, { recursive: true, force: true }));

describe("the cluster's nginx config", () => {
  const config = renderBalancerConfig(CLUSTER, prefix, true);

  it("is one nginx accepts (nginx -t)", async () => {
    const nginx = findExecutable("nginx");
    expect(nginx, "nginx is installed by the test setup (scripts/lib/system-packages.ts)").toBeDefined();
    const file = writeBalancerConfig(CLUSTER, prefix, true);
    const result = await runCommand(nginx!, ["-t", "-p", prefix, "-c", file], { timeoutMs: 20_000 });
    expect(result.stderr).toContain("syntax is ok");
    expect(result.code).toBe(0);
  });

  it("routes a browser by its cookie, and one without it anywhere", () => {
    expect(config).toContain("hash $sticky_key consistent;");
    expect(config).toMatch(/map \$http_cookie \$sticky_key \{ "~\(\?:\^\|;\\s\*\)playground-browser=/);
    for (const port of CLUSTER.appPorts) expect(config).toContain(`server 127.0.0.1:${port} `);
  });

  it("sends each app's XMPP to its own node first and the other as backup", () => {
    const [a, b] = CLUSTER.nodes;
    const upstream = (name: string) => new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(config)?.[1] ?? "";
    expect(upstream("app0_starttls")).toMatch(new RegExp(`server 127\\.0\\.0\\.1:${a.ports.starttls} max_fails=1[^;]*;\\s*server 127\\.0\\.0\\.1:${b.ports.starttls} backup;`));
    expect(upstream("app1_starttls")).toMatch(new RegExp(`server 127\\.0\\.0\\.1:${b.ports.starttls} max_fails=1[^;]*;\\s*server 127\\.0\\.0\\.1:${a.ports.starttls} backup;`));
    expect(upstream("app1_http")).toContain(`${b.ports.http} max_fails`);
  });

  it("listens on loopback only", () => {
    const listens = [...config.matchAll(/listen ([^;]+);/g)].map((match) => match[1]);
    expect(listens).toHaveLength(balancerPorts(CLUSTER).length);
    for (const listen of listens) expect(listen).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("never shares a port between the people's cluster and the bench's", () => {
    const ports = (layout: typeof CLUSTER) => [...balancerPorts(layout), ...layout.appPorts, ...layout.nodes.flatMap((node) => Object.values(node.ports))];
    const people = new Set(ports(CLUSTER));
    expect(ports(BENCH_CLUSTER).filter((port) => people.has(port))).toEqual([]);
    // Below Linux's ephemeral range (32768 and up), where outgoing connections take ports.
    expect(Math.max(...ports(CLUSTER), ...ports(BENCH_CLUSTER))).toBeLessThan(32768);
  });

  it("describes the same layout for docker compose (docker-compose.cluster.yml)", () => {
    const compose = readFileSync(fromRepoRoot("docker-compose.cluster.yml"), "utf8");
    // Each app's XMPP listeners in the compose file are the layout's stream listeners.
    for (const ports of CLUSTER.xmppPorts) expect(compose).toContain(`XMPP_PORT_STARTTLS: "${ports.starttls}"`);
    expect(compose).toContain(`"127.0.0.1:${CLUSTER.balancerPort}:${CLUSTER.balancerPort}"`);
    expect(compose).toContain("CTL_ON_CREATE: \"join_cluster ejabberd@ejabberd-a\"");
  });
});
