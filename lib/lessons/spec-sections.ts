/**
 * The RFC and XEP sections lessons may cite (front matter `specs:`), with their real
 * titles and links. A lesson citing a label not listed here fails to load, so every
 * reference a learner sees points at a section that exists. Numbers and titles follow
 * the published texts (RFC 6120, RFC 6121, RFC 7622 on rfc-editor.org; XEPs on
 * xmpp.org, current versions). Authors may add sections: copy the title exactly.
 */

export interface SpecSection {
  /** "RFC 6121 §5.2.2", "RFC 6121 §A.1", "XEP-0045 §7.2.1". */
  label: string;
  title: string;
  url: string;
}

type Entry = readonly [section: string, title: string];
type XepEntry = readonly [section: string, title: string, anchor: string];

/** rfc-editor.org anchors: #section-8.3.3, and #appendix-A.1 for appendices. */
function rfc(number: number, entries: readonly Entry[]): SpecSection[] {
  return entries.map(([section, title]) => ({
    label: `RFC ${number} §${section}`,
    title,
    url: `https://www.rfc-editor.org/rfc/rfc${number}#${/^[A-Z]/.test(section) ? "appendix" : "section"}-${section}`,
  }));
}

/** xmpp.org pages anchor each section by the id its source gives it. */
function xep(number: string, entries: readonly XepEntry[]): SpecSection[] {
  return entries.map(([section, title, anchor]) => ({
    label: `XEP-${number} §${section}`,
    title,
    url: `https://xmpp.org/extensions/xep-${number}.html#${anchor}`,
  }));
}

const RFC_6120: Entry[] = [
  ["4", "XML Streams"],
  ["4.1", "Stream Fundamentals"],
  ["4.2", "Opening a Stream"],
  ["4.3", "Stream Negotiation"],
  ["4.3.2", "Stream Features Format"],
  ["4.3.3", "Restarts"],
  ["4.4", "Closing a Stream"],
  ["4.7", "Stream Attributes"],
  ["4.7.1", "from"],
  ["4.7.2", "to"],
  ["4.7.3", "id"],
  ["4.7.5", "version"],
  ["4.8", "XML Namespaces"],
  ["4.9", "Stream Errors"],
  ["4.9.1", "Rules"],
  ["4.9.1.1", "Stream Errors Are Unrecoverable"],
  ["4.9.1.2", "Stream Errors Can Occur During Setup"],
  ["4.9.2", "Syntax"],
  ["4.9.3", "Defined Stream Error Conditions"],
  ["4.9.3.1", "bad-format"],
  ["4.9.3.2", "bad-namespace-prefix"],
  ["4.9.3.3", "conflict"],
  ["4.9.3.4", "connection-timeout"],
  ["4.9.3.5", "host-gone"],
  ["4.9.3.6", "host-unknown"],
  ["4.9.3.7", "improper-addressing"],
  ["4.9.3.8", "internal-server-error"],
  ["4.9.3.9", "invalid-from"],
  ["4.9.3.10", "invalid-namespace"],
  ["4.9.3.11", "invalid-xml"],
  ["4.9.3.12", "not-authorized"],
  ["4.9.3.13", "not-well-formed"],
  ["4.9.3.14", "policy-violation"],
  ["4.9.3.15", "remote-connection-failed"],
  ["4.9.3.16", "reset"],
  ["4.9.3.17", "resource-constraint"],
  ["4.9.3.18", "restricted-xml"],
  ["4.9.3.19", "see-other-host"],
  ["4.9.3.20", "system-shutdown"],
  ["4.9.3.21", "undefined-condition"],
  ["4.9.3.22", "unsupported-encoding"],
  ["4.9.3.23", "unsupported-feature"],
  ["4.9.3.24", "unsupported-stanza-type"],
  ["4.9.3.25", "unsupported-version"],
  ["5", "STARTTLS Negotiation"],
  ["5.4", "Process"],
  ["5.4.1", "Exchange of Stream Headers and Stream Features"],
  ["5.4.2", "Initiation of STARTTLS Negotiation"],
  ["5.4.2.1", "STARTTLS Command"],
  ["5.4.2.2", "Failure Case"],
  ["5.4.2.3", "Proceed Case"],
  ["5.4.3", "TLS Negotiation"],
  ["5.4.3.3", "TLS Success"],
  ["6", "SASL Negotiation"],
  ["6.4", "Process"],
  ["6.4.1", "Exchange of Stream Headers and Stream Features"],
  ["6.4.2", "Initiation"],
  ["6.4.3", "Challenge-Response Sequence"],
  ["6.4.5", "SASL Failure"],
  ["6.4.6", "SASL Success"],
  ["6.5", "SASL Errors"],
  ["6.5.10", "not-authorized"],
  ["7", "Resource Binding"],
  ["7.1", "Fundamentals"],
  ["7.4", "Advertising Support"],
  ["7.5", "Generation of Resource Identifiers"],
  ["7.6", "Server-Generated Resource Identifier"],
  ["7.6.1", "Success Case"],
  ["7.7", "Client-Submitted Resource Identifier"],
  ["7.7.1", "Success Case"],
  ["8", "XML Stanzas"],
  ["8.1", "Common Attributes"],
  ["8.1.1", "to"],
  ["8.1.2", "from"],
  ["8.1.3", "id"],
  ["8.1.4", "type"],
  ["8.2", "Basic Semantics"],
  ["8.2.1", "Message Semantics"],
  ["8.2.2", "Presence Semantics"],
  ["8.2.3", "IQ Semantics"],
  ["8.3", "Stanza Errors"],
  ["8.3.1", "Rules"],
  ["8.3.2", "Syntax"],
  ["8.3.3", "Defined Conditions"],
  ["8.3.3.1", "bad-request"],
  ["8.3.3.2", "conflict"],
  ["8.3.3.3", "feature-not-implemented"],
  ["8.3.3.4", "forbidden"],
  ["8.3.3.5", "gone"],
  ["8.3.3.6", "internal-server-error"],
  ["8.3.3.7", "item-not-found"],
  ["8.3.3.8", "jid-malformed"],
  ["8.3.3.9", "not-acceptable"],
  ["8.3.3.10", "not-allowed"],
  ["8.3.3.11", "not-authorized"],
  ["8.3.3.12", "policy-violation"],
  ["8.3.3.13", "recipient-unavailable"],
  ["8.3.3.14", "redirect"],
  ["8.3.3.15", "registration-required"],
  ["8.3.3.16", "remote-server-not-found"],
  ["8.3.3.17", "remote-server-timeout"],
  ["8.3.3.18", "resource-constraint"],
  ["8.3.3.19", "service-unavailable"],
  ["8.3.3.20", "subscription-required"],
  ["8.3.3.21", "undefined-condition"],
  ["8.3.3.22", "unexpected-request"],
  ["8.3.4", "Application-Specific Conditions"],
  ["8.4", "Extended Content"],
  ["10", "Server Rules for Processing XML Stanzas"],
  ["11", "XML Usage"],
  ["11.1", "XML Restrictions"],
  ["11.3", "Well-Formedness"],
];

const RFC_6121: Entry[] = [
  ["2", "Managing the Roster"],
  ["2.1", "Syntax and Semantics"],
  ["2.1.2", "Roster Items"],
  ["2.1.2.1", "Approved Attribute"],
  ["2.1.2.2", "Ask Attribute"],
  ["2.1.2.3", "JID Attribute"],
  ["2.1.2.4", "Name Attribute"],
  ["2.1.2.5", "Subscription Attribute"],
  ["2.1.2.6", "Group Element"],
  ["2.1.3", "Roster Get"],
  ["2.1.4", "Roster Result"],
  ["2.1.5", "Roster Set"],
  ["2.1.6", "Roster Push"],
  ["2.2", "Retrieving the Roster on Login"],
  ["2.3", "Adding a Roster Item"],
  ["2.3.1", "Request"],
  ["2.3.2", "Success Case"],
  ["2.3.3", "Error Cases"],
  ["2.4", "Updating a Roster Item"],
  ["2.5", "Deleting a Roster Item"],
  ["3", "Managing Presence Subscriptions"],
  ["3.1", "Requesting a Subscription"],
  ["3.1.1", "Client Generation of Outbound Subscription Request"],
  ["3.1.2", "Server Processing of Outbound Subscription Request"],
  ["3.1.3", "Server Processing of Inbound Subscription Request"],
  ["3.1.4", "Client Processing of Inbound Subscription Request"],
  ["3.1.5", "Server Processing of Outbound Subscription Approval"],
  ["3.1.6", "Server Processing of Inbound Subscription Approval"],
  ["3.2", "Canceling a Subscription"],
  ["3.3", "Unsubscribing"],
  ["3.3.1", "Client Generation of Unsubscribe"],
  ["3.3.2", "Server Processing of Outbound Unsubscribe"],
  ["3.3.3", "Server Processing of Inbound Unsubscribe"],
  ["3.4", "Pre-Approving a Subscription Request"],
  ["4", "Exchanging Presence Information"],
  ["4.1", "Presence Fundamentals"],
  ["4.2", "Initial Presence"],
  ["4.2.1", "Client Generation of Initial Presence"],
  ["4.3", "Presence Probes"],
  ["4.4", "Subsequent Presence Broadcast"],
  ["4.5", "Unavailable Presence"],
  ["4.6", "Directed Presence"],
  ["4.7", "Presence Syntax"],
  ["4.7.1", "Type Attribute"],
  ["4.7.2", "Child Elements"],
  ["4.7.2.1", "Show Element"],
  ["4.7.2.2", "Status Element"],
  ["4.7.2.3", "Priority Element"],
  ["5", "Exchanging Messages"],
  ["5.1", "One-to-One Chat Sessions"],
  ["5.2", "Message Syntax"],
  ["5.2.1", "To Attribute"],
  ["5.2.2", "Type Attribute"],
  ["5.2.3", "Body Element"],
  ["5.2.4", "Subject Element"],
  ["5.2.5", "Thread Element"],
  ["8", "Server Rules for Processing XML Stanzas"],
  ["8.5", "Local User"],
  ["8.5.1", "No Such User"],
  ["8.5.2", "localpart@domainpart"],
  ["8.5.3", "localpart@domainpart/resourcepart"],
  ["A", "Subscription States"],
  ["A.1", "Defined States"],
];

const RFC_7622: Entry[] = [
  ["3", "Addresses"],
  ["3.1", "Fundamentals"],
  ["3.2", "Domainpart"],
  ["3.3", "Localpart"],
  ["3.4", "Resourcepart"],
];

export const SPEC_SECTIONS: readonly SpecSection[] = [
  ...rfc(6120, RFC_6120),
  ...rfc(6121, RFC_6121),
  ...rfc(7622, RFC_7622),
  ...xep("0030", [
    ["3", "Discovering Information About a Jabber Entity", "info"],
    ["3.1", "Basic Protocol", "info-basic"],
    ["3.2", "Info Nodes", "info-nodes"],
    ["4", "Discovering the Items Associated with a Jabber Entity", "items"],
    ["4.1", "Basic Protocol", "items-basic"],
    ["4.2", "Items Nodes", "items-nodes"],
    ["7", "Error Conditions", "errors"],
  ]),
  ...xep("0045", [
    ["6.1", "Discovering a MUC Service", "disco-service"],
    ["6.2", "Discovering Rooms", "disco-rooms"],
    ["7.2", "Entering a Room", "enter"],
    ["7.2.1", "Basic MUC Protocol", "enter-muc"],
    ["7.2.2", "Presence Broadcast", "enter-pres"],
    ["7.2.8", "Nickname Conflict", "enter-conflict"],
    ["7.4", "Sending a Message to All Occupants", "message"],
    ["7.6", "Changing Nickname", "changenick"],
    ["7.14", "Exiting a Room", "exit"],
    ["10.1", "Creating a Room", "createroom"],
    ["10.1.1", "General Considerations", "createroom-general"],
    ["10.1.2", "Creating an Instant Room", "createroom-instant"],
    ["10.1.3", "Creating a Reserved Room", "createroom-reserved"],
  ]),
  ...xep("0054", [
    ["2", "Use Cases", "usecases"],
    ["2.1", "Retrieving One's vCard", "usecases"],
    ["2.2", "Updating One's vCard", "usecases"],
    ["2.3", "Viewing Another User's vCard", "usecases"],
  ]),
  ...xep("0077", [
    ["3", "Use Cases", "usecases"],
    ["3.1", "Entity Registers with a Host", "usecases-register"],
    ["3.2", "Entity Cancels an Existing Registration", "usecases-cancel"],
    ["3.3", "User Changes Password", "usecases-changepw"],
    ["8", "Error Handling", "errors"],
  ]),
  ...xep("0092", [
    ["2", "Protocol", "protocol"],
    ["3", "Examples", "examples"],
  ]),
  ...xep("0106", [
    ["3", "Transformations", "transforms"],
    ["3.1", "Concepts", "concepts"],
    ["3.2", "Escaping Transformations", "escaping"],
    ["3.3", "Unescaping Transformations", "unescaping"],
    ["4", "Business Rules", "bizrules"],
    ["4.1", "Native Processing", "bizrules-processing"],
    ["5", "Examples", "examples"],
  ]),
  ...xep("0199", [
    ["3", "Protocol", "protocol"],
    ["4.2", "Client-To-Server Pings", "c2s"],
    ["4.4", "Client-to-Client Pings", "e2e"],
  ]),
  ...xep("0249", [["2", "How It Works", "howitworks"]]),
];

const BY_LABEL = new Map(SPEC_SECTIONS.map((section) => [normalizeLabel(section.label), section]));

/** Finds a section by its label; spacing and case do not matter ("rfc 6120 § 8.3"). */
export function findSpecSection(label: string): SpecSection | undefined {
  return BY_LABEL.get(normalizeLabel(label));
}

function normalizeLabel(label: string): string {
  return label.replace(/\s+/g, " ").replace(/§\s*/g, "§").trim().toUpperCase();
}
