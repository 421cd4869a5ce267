/**
 * An expected failure whose message tells the user what to do.
 * The CLI prints only the message (no stack trace) for these.
 */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserFacingError";
  }
}
