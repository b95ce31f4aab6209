/**
 * 32-bit FNV-1a of a string's UTF-16 code units: cheap, stable across processes and releases, and
 * spread well enough to pin a customer to a shard or mask an id in a log line. Not for secrets.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
