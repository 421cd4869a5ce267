// The small part of @xmpp/client 0.14 (untyped, ESM only) that the bridge uses.
declare module "@xmpp/client" {
  import type { EventEmitter } from "node:events";

  export interface XmppSocket {
    setNoDelay?(noDelay: boolean): void;
    socket?: { setNoDelay?(noDelay: boolean): void } | null;
  }

  export type Authenticate = (credentials: { username: string; password: string }, mechanism: string) => Promise<void>;

  export interface ClientOptions {
    service: string;
    domain: string;
    resource?: string;
    username?: string;
    password?: string;
    credentials?: (authenticate: Authenticate, mechanisms: string[]) => Promise<void>;
    timeout?: number;
  }

  export interface Client extends EventEmitter {
    status: string;
    socket: XmppSocket | null;
    parser: object | null;
    jid: { toString(): string } | null;
    timeout: number;
    reconnect: { stop(): void };
    start(): Promise<{ toString(): string }>;
    stop(): Promise<void>;
    disconnect(timeout?: number): Promise<void>;
    write(text: string): Promise<void>;
    /** Sends an element built with xml(). */
    send(element: XmlElement): Promise<void>;
    /** Answers incoming iq get/set by namespace and child name; unhandled ones get service-unavailable. */
    iqCallee: {
      get(ns: string, name: string, handler: (context: { stanza: XmlElement }) => XmlElement | boolean): void;
      set(ns: string, name: string, handler: (context: { stanza: XmlElement }) => XmlElement | boolean): void;
    };
    /** Sends an iq get/set and resolves with the result (rejects with the stanza error). */
    iqCaller: {
      request(element: XmlElement, timeout?: number): Promise<XmlElement>;
    };
    /** Private in 0.14: decoded socket data passes here. The wire tap depends on it. */
    _onData?: (data: Buffer) => void;
  }

  /** An ltx element, as @xmpp/xml builds and parses them. */
  export interface XmlElement {
    name: string;
    attrs: Record<string, string | undefined>;
    getChild(name: string, xmlns?: string): XmlElement | undefined;
    getChildren(name: string, xmlns?: string): XmlElement[];
    getChildText(name: string, xmlns?: string): string | null;
    /** ltx's child nodes: elements and text, in document order. */
    children: (XmlElement | string)[];
    /** ltx: the element's own text, its text children joined. */
    text(): string;
    is(name: string, xmlns?: string): boolean;
    /** Removes the children with this name (and namespace). */
    remove(name: string, xmlns?: string): XmlElement;
    toString(): string;
  }

  export function client(options: ClientOptions): Client;
  export function xml(name: string, attrs?: Record<string, string | undefined> | null, ...children: (XmlElement | string)[]): XmlElement;
}

// @xmpp/jid 0.14: RFC 6122 addresses with XEP-0106 escaping.
declare module "@xmpp/jid" {
  export class JID {
    constructor(local: string | null, domain: string, resource?: string | null);
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    equals(other: JID): boolean;
    toString(unescape?: boolean): string;
  }
  /** Throws a TypeError when the text is not a JID. */
  export function parse(text: string): JID;
  export function jid(text: string): JID;
  export function jid(local: string | null, domain: string, resource?: string | null): JID;
  export function escapeLocal(local: string): string;
  export function unescapeLocal(local: string): string;
  export function detectEscape(local: string): boolean;
}
