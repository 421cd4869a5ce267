import { describe, expect, it } from "vitest";
import { TEST_PROSODY } from "./instances";
import { luaString, renderProsodyConfig } from "./prosody-config";

const paths = { data: "/srv/p/data", pidfile: "/srv/p/run/prosody.pid", plugins: "/repo/prosody/plugins", cert: "/c/crt.pem", key: "/c/key.pem", certDir: "/c" };

describe("renderProsodyConfig", () => {
  const config = renderProsodyConfig(TEST_PROSODY, paths);
  const { starttls, directTls, plain, http } = TEST_PROSODY.ports;

  it("listens on loopback only, one port for each transport of the matrix, and nowhere else", () => {
    expect(config).toContain(`interfaces = { "127.0.0.1" }`);
    expect(config).toContain(`c2s_ports = { ${starttls}, ${plain} }`);
    expect(config).toContain(`plaintext_c2s_ports = { ${plain} }`);
    expect(config).toContain(`c2s_direct_tls_ports = { ${directTls} }`);
    expect(config).toContain(`http_ports = { ${http} }`);
    for (const service of ["s2s_ports", "s2s_direct_tls_ports", "https_ports", "legacy_ssl_ports", "component_ports"]) {
      expect(config).toContain(`${service} = { }`);
    }
  });

  it("loads the playground's plugin and WebSocket, and leaves stream management out", () => {
    const modules = /modules_enabled = \{([^}]*)\}/.exec(config)?.[1] ?? "";
    expect(modules).toContain(`"plaintext_c2s_ports"`);
    expect(modules).toContain(`"websocket"`);
    expect(modules).not.toContain("smacks");
    expect(modules).toContain(`"register"`);
    expect(config).toContain("allow_registration = true");
    expect(config).toContain(`plugin_paths = { "/repo/prosody/plugins" }`);
    expect(config).toMatch(/VirtualHost "localhost"\n/);
  });
});

describe("luaString", () => {
  it("escapes quotes and backslashes, and refuses control characters", () => {
    expect(luaString(`a"b\\c`)).toBe(`"a\\"b\\\\c"`);
    expect(() => luaString("a\nb")).toThrow(/control characters/);
  });
});
