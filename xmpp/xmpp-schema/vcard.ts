import { EMPTY, TEXT, element, ref } from "./define";
import { NS_CLIENT, NS_VCARD, xep } from "./namespaces";
import type { ElementSpec } from "./types";

/**
 * vcard-temp (XEP-0054): a profile stored on the server. Element names are upper case
 * because they come from the vCard format (RFC 2426); only the main fields are listed.
 */

const SPEC = xep("0054");
const VCARD = ref("vCard", NS_VCARD);

/** [name, parent, doc, content]: the tree of main fields under <vCard>. */
const FIELDS: readonly (readonly [string, string, string, "text" | "elements" | "empty"])[] = [
  ["FN", "vCard", "The full, formatted name shown to others.", "text"],
  ["N", "vCard", "The structured name: <FAMILY>, <GIVEN>, <MIDDLE>.", "elements"],
  ["FAMILY", "N", "Family name.", "text"],
  ["GIVEN", "N", "Given name.", "text"],
  ["MIDDLE", "N", "Middle name.", "text"],
  ["NICKNAME", "vCard", "A nickname.", "text"],
  ["URL", "vCard", "A web page.", "text"],
  ["BDAY", "vCard", "Birthday, as YYYY-MM-DD.", "text"],
  ["ORG", "vCard", "Organization: <ORGNAME> and <ORGUNIT>.", "elements"],
  ["ORGNAME", "ORG", "The organization's name.", "text"],
  ["ORGUNIT", "ORG", "A unit within the organization.", "text"],
  ["TITLE", "vCard", "Job title.", "text"],
  ["ROLE", "vCard", "Role in the organization.", "text"],
  ["EMAIL", "vCard", "An email address in <USERID>, with markers such as <INTERNET/> and <WORK/>.", "elements"],
  ["USERID", "EMAIL", "The email address itself.", "text"],
  ["TEL", "vCard", "A telephone number in <NUMBER>, with markers such as <VOICE/> and <CELL/>.", "elements"],
  ["NUMBER", "TEL", "The telephone number itself.", "text"],
  ["ADR", "vCard", "A postal address: <STREET>, <LOCALITY>, <REGION>, <PCODE>, <CTRY>.", "elements"],
  ["STREET", "ADR", "Street address.", "text"],
  ["LOCALITY", "ADR", "City or town.", "text"],
  ["REGION", "ADR", "Region or state.", "text"],
  ["PCODE", "ADR", "Postal code.", "text"],
  ["CTRY", "ADR", "Country.", "text"],
  ["PHOTO", "vCard", "An avatar: <TYPE> and <BINVAL> (base64), or <EXTVAL> (a URL).", "elements"],
  ["TYPE", "PHOTO", "The image's media type, such as image/png.", "text"],
  ["BINVAL", "PHOTO", "The image, base64 encoded.", "text"],
  ["EXTVAL", "PHOTO", "A URL where the image can be fetched.", "text"],
  ["DESC", "vCard", "Free text about the person.", "text"],
  ["JABBERID", "vCard", "The person's JID.", "text"],
];

/** Empty markers that qualify an email, phone number or address (XEP-0054's DTD). */
const MARKERS: readonly (readonly [string, readonly string[], string])[] = [
  ["HOME", ["EMAIL", "TEL", "ADR"], "Marks a home address or number."],
  ["WORK", ["EMAIL", "TEL", "ADR"], "Marks a work address or number."],
  ["PREF", ["EMAIL", "TEL", "ADR"], "Marks the preferred one."],
  ["INTERNET", ["EMAIL"], "Marks an Internet email address."],
  ["VOICE", ["TEL"], "Marks a voice number."],
  ["CELL", ["TEL"], "Marks a mobile number."],
];

const CONTENT = { text: TEXT, elements: { kind: "elements" }, empty: EMPTY } as const;

export const VCARD_ELEMENTS: readonly ElementSpec[] = [
  element(
    "vCard",
    NS_VCARD,
    ref("iq", NS_CLIENT),
    "Your profile. An iq get without 'to' fetches your own; with 'to' someone else's. An iq set replaces your whole vCard with this one.",
    SPEC,
  ),
  ...FIELDS.map(([name, parent, doc, content]) => element(name, NS_VCARD, parent === "vCard" ? VCARD : ref(parent, NS_VCARD), doc, SPEC, { content: CONTENT[content] })),
  ...MARKERS.map(([name, parents, doc]) =>
    element(
      name,
      NS_VCARD,
      parents.map((parent) => ref(parent, NS_VCARD)),
      doc,
      SPEC,
      { content: EMPTY },
    ),
  ),
];
