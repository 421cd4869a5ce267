import { EMPTY, TEXT, element, ref } from "./define";
import { NS_CLIENT, NS_REGISTER, xep } from "./namespaces";
import type { ElementSpec } from "./types";

/** In-band registration, XEP-0077: create, inspect and remove an account over XMPP. */

const QUERY = ref("query", NS_REGISTER);

export const REGISTER_ELEMENTS: readonly ElementSpec[] = [
  element(
    "query",
    NS_REGISTER,
    ref("iq", NS_CLIENT),
    "An iq get asks which fields registration needs; an iq set with <username> and <password> creates the account; an iq set with <remove/> deletes yours.",
    xep("0077"),
  ),
  element("instructions", NS_REGISTER, QUERY, "Human-readable instructions from the server about what to fill in.", xep("0077"), { content: TEXT }),
  element("username", NS_REGISTER, QUERY, "The account's username (the part before @). Empty in the get result: a field to fill.", xep("0077"), { content: TEXT }),
  element("password", NS_REGISTER, QUERY, "The account's password; also used, when logged in, to change it.", xep("0077"), { content: TEXT }),
  element("email", NS_REGISTER, QUERY, "An email address, if the server asks for one.", xep("0077"), { content: TEXT }),
  element("name", NS_REGISTER, QUERY, "A full name, if the server asks for one.", xep("0077"), { content: TEXT }),
  element("nick", NS_REGISTER, QUERY, "A nickname, if the server asks for one.", xep("0077"), { content: TEXT }),
  element("registered", NS_REGISTER, QUERY, "In a get result: you already have an account here; the other fields show what is stored.", xep("0077"), { content: EMPTY }),
  element(
    "remove",
    NS_REGISTER,
    QUERY,
    "In an iq set, sent while logged in: delete your account. The server answers and then closes the stream.",
    xep("0077", "usecases-cancel"),
    { content: EMPTY },
  ),
];
