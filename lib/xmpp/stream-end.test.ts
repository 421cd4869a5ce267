import { describe, expect, it } from "vitest";
import { describeBareStreamClose, describeStreamError, MAX_SERVER_TEXT, streamErrorText } from "./stream-end";

const NS = "urn:ietf:params:xml:ns:xmpp-streams";
const streamError = (inner: string) => `<stream:error>${inner}</stream:error>`;

describe("streamErrorText", () => {
  it("reads ejabberd's text beside the condition (RFC 6120 section 4.9.2)", () => {
    const raw = streamError(`<connection-timeout xmlns='${NS}'/><text xml:lang='en' xmlns='${NS}'>Idle connection</text>`);
    expect(streamErrorText(raw)).toBe("Idle connection");
  });

  it("is undefined when the error carries no text, or an empty one", () => {
    expect(streamErrorText(streamError(`<host-unknown xmlns='${NS}'/>`))).toBeUndefined();
    expect(streamErrorText(streamError(`<conflict xmlns='${NS}'/><text xmlns='${NS}'>  </text>`))).toBeUndefined();
  });

  it("decodes the predefined and numeric references, and CDATA", () => {
    const raw = streamError(`<policy-violation xmlns='${NS}'/><text xmlns='${NS}'>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#233;&#x263A;<![CDATA[ <e>]]></text>`);
    expect(streamErrorText(raw)).toBe(`a <b> & "c" 'd' é☺ <e>`);
  });

  it("reads nothing from text that is not well-formed (a reference to a character XML forbids)", () => {
    expect(streamErrorText(streamError(`<policy-violation xmlns='${NS}'/><text xmlns='${NS}'>bad &#0; ref</text>`))).toBeUndefined();
  });

  it("goes by namespace and place: a text element of another namespace, or inside an application condition, is not the error's text", () => {
    const app = "urn:example:app";
    const raw = streamError(`<undefined-condition xmlns='${NS}'/><text xmlns='${app}'>not this</text><app-error xmlns='${app}'><text xmlns='${NS}'>nor this</text></app-error>`);
    expect(streamErrorText(raw)).toBeUndefined();
  });

  it("keeps a server's text to one bounded line, whatever it sends", () => {
    const raw = streamError(`<undefined-condition xmlns='${NS}'/><text xmlns='${NS}'>line one&#10;line two\u2028${"x".repeat(5000)}</text>`);
    const text = streamErrorText(raw) ?? "";
    expect(text.startsWith("line one line two x")).toBe(true);
    expect(text).toHaveLength(MAX_SERVER_TEXT);
    expect(text.endsWith("…")).toBe(true);
    expect(text).not.toMatch(/[\n\r\u2028]/);
  });

  it("reads a prefixed text element too", () => {
    expect(streamErrorText(`<stream:error><e:system-shutdown xmlns:e='${NS}'/><e:text xmlns:e='${NS}'>bye</e:text></stream:error>`)).toBe("bye");
  });
});

describe("describeStreamError", () => {
  it("names the condition, quotes the server's text, cites the section and says what it means and what to do", () => {
    const said = describeStreamError("connection-timeout", "Idle connection");
    expect(said).toMatch(/^the server ended the stream with the stream error <connection-timeout\/> and the text "Idle connection" \(RFC 6120 section 4\.9\.3\.4\), then closed the connection\. \S/);
    expect(said).toContain("took too long");
    expect(said).not.toMatch(/\.\./);
  });

  it("says so when the server gave no text", () => {
    expect(describeStreamError("host-unknown")).toMatch(/^the server ended the stream with the stream error <host-unknown\/> and no text \(RFC 6120 section 4\.9\.3\.6\)/);
  });

  it("does not pretend to know a condition the RFC does not define", () => {
    expect(describeStreamError("made-up", "why not")).toBe(
      'the server ended the stream with the stream error <made-up/> and the text "why not" (a condition RFC 6120 section 4.9.3 does not define), then closed the connection.',
    );
  });
});

describe("describeBareStreamClose", () => {
  it("says the server closed its stream with no stream error, so without a reason", () => {
    expect(describeBareStreamClose(false)).toBe(
      "the server closed the stream (</stream:stream>) and the connection without a stream error, so it gave no reason (RFC 6120 section 4.4)",
    );
    expect(describeBareStreamClose(true)).toContain("(<close/>)");
  });
});
