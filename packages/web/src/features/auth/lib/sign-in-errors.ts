import { isApiError } from "../../../lib/api-client.ts";

const minutes = (seconds: number) => {
  const n = Math.max(1, Math.ceil(seconds / 60));
  return n === 1 ? "a minute" : `${n} minutes`;
};

/** What to tell the buyer when asking for a code failed. */
export function requestCodeError(error: unknown): string {
  if (!isApiError(error)) return "Something went wrong. Try again.";
  switch (error.code) {
    case "invalid_request":
      return "That doesn't look like an email address. Check it and try again.";
    case "rate_limited":
      return error.retryAfterSeconds === undefined
        ? "Too many codes were asked for. Wait a while, then ask again."
        : `Too many codes were asked for. You can ask again in ${minutes(error.retryAfterSeconds)}.`;
    default:
      return error.message;
  }
}

/** What to tell the buyer when the code was not accepted. */
export function verifyCodeError(error: unknown): string {
  if (!isApiError(error)) return "Something went wrong. Try again.";
  switch (error.code) {
    case "invalid_code":
      return "That code is wrong, has expired or was already used. Check the latest email, or send a new code.";
    case "invalid_request":
      return "Enter the code from the email.";
    case "rate_limited":
      return error.retryAfterSeconds === undefined
        ? "Too many tries. Wait a while, then try again."
        : `Too many tries. You can try again in ${minutes(error.retryAfterSeconds)}.`;
    default:
      return error.message;
  }
}
