import { describe, expect, it } from "vitest";
import { localMacros, readConfigTemplate, readMacroDefaults, renderConfig } from "./ejabberd-config";
import { TEST_SERVER } from "./instances";

const template = readConfigTemplate();

describe("ejabberd/ejabberd.yml", () => {
  it("defines every macro the scripts override, with the container's defaults", () => {
    expect(readMacroDefaults(template)).toEqual({
      LISTEN_IP: "0.0.0.0",
      PORT_STARTTLS: "5222",
      PORT_DIRECT_TLS: "5223",
      PORT_PLAIN: "5224",
      PORT_HTTP: "5280",
      CERTFILE: "/opt/ejabberd/conf/playground.pem",
      REGISTRATION_NETWORKS: ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
      NEGOTIATION_TIMEOUT: "1800",
    });
  });

  it("gives a stream typed by hand 30 minutes to bind, not ejabberd's 30 seconds (issue 12; test/person-pace.test.ts)", () => {
    // A top-level option in ejabberd 23.01 (ejabberd_options.erl): it covers every c2s listener.
    expect(template).toMatch(/^negotiation_timeout: NEGOTIATION_TIMEOUT$/m);
    expect(readMacroDefaults(template).NEGOTIATION_TIMEOUT).toBe(String(30 * 60));
  });

  it("offers stream management only on the lesson's own host, at a person's pace, and keeps registration unthrottled", () => {
    // The modules every host gets: no mod_stream_mgmt, which the client library would enable (XEP-0198).
    const modules = template.slice(template.indexOf("\nmodules:"), template.indexOf("\nappend_host_config:"));
    expect(modules).toContain("mod_roster:");
    expect(modules).not.toMatch(/^\s+mod_stream_mgmt:/m);
    const hosts = template.slice(template.indexOf("\nhosts:"), template.indexOf("\nloglevel:"));
    expect(hosts.match(/^ {2}- \S+$/gm)).toEqual(["  - localhost", "  - sm.localhost"]);
    const smHost = template.slice(template.indexOf("\nappend_host_config:"));
    expect(smHost).toMatch(/^ {2}sm\.localhost:\n {4}modules:\n {6}mod_stream_mgmt:/m);
    expect(smHost).toMatch(/^ {8}ack_timeout: 1800$/m);
    expect(smHost).toMatch(/^ {8}resume_timeout: 1800$/m);
    expect(template).toMatch(/^registration_timeout: infinity$/m);
  });
});

describe("renderConfig", () => {
  const rendered = renderConfig(template, localMacros(TEST_SERVER, "/certs/localhost.pem"));

  it("replaces exactly the define_macro values", () => {
    expect(readMacroDefaults(rendered)).toEqual({
      LISTEN_IP: "127.0.0.1",
      PORT_STARTTLS: String(TEST_SERVER.ports.starttls),
      PORT_DIRECT_TLS: String(TEST_SERVER.ports.directTls),
      PORT_PLAIN: String(TEST_SERVER.ports.plain),
      PORT_HTTP: String(TEST_SERVER.ports.http),
      CERTFILE: "/certs/localhost.pem",
      // Flow sequence: read back as one scalar.
      REGISTRATION_NETWORKS: '["127.0.0.0/8","::1/128"]',
      // Not an instance's value: every instance keeps the template's.
      NEGOTIATION_TIMEOUT: "1800",
    });
    const outsideMacros = (text: string) => text.slice(text.indexOf("\nhosts:"));
    expect(outsideMacros(rendered)).toBe(outsideMacros(template));
  });

  it("overrides the negotiation timeout only when asked, as the person-pace test's control server does", () => {
    expect(readMacroDefaults(renderConfig(template, { NEGOTIATION_TIMEOUT: 30 })).NEGOTIATION_TIMEOUT).toBe("30");
    expect(readMacroDefaults(renderConfig(template, { NEGOTIATION_TIMEOUT: undefined })).NEGOTIATION_TIMEOUT).toBe("1800");
  });

  it("refuses a macro the template does not define", () => {
    expect(() => renderConfig(template, { NOT_A_MACRO: 1 } as never)).toThrow(/NOT_A_MACRO is not defined/);
  });
});
