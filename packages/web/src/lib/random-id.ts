const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Random lowercase letters and digits; uses getRandomValues, which (unlike randomUUID) works outside secure contexts. */
export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let token = "";
  for (const byte of bytes) token += ALPHABET[byte % ALPHABET.length];
  return token;
}
