import { randomToken } from "../../../lib/random-id.ts";

/** 8–128 printable ASCII characters per the API; 24 random base-36 characters is about 124 bits. */
export const newIdempotencyKey = () => `buy_${randomToken(24)}`;
