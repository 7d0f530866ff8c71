/**
 * Words of any language as lower-case ASCII joined by hyphens, for file names and element ids:
 * accents dropped (`Étude` → `etude`), the letters that have no decomposition spelled out
 * (`Straße` → `strasse`, `Işık` → `isik`, `Ærø` → `aero`), everything else a separator. A text
 * with letters or digits but none of them Latin (a study named in Cyrillic or Chinese) gets a
 * short tag from its own characters, so two such names do not share a file name (audit R220-7).
 */
const SPELLED: Record<string, string> = { ß: 'ss', ı: 'i', ø: 'o', æ: 'ae', œ: 'oe', đ: 'd', ł: 'l', þ: 'th', ð: 'd', ħ: 'h', ŧ: 't' };
const SPELLED_LETTERS = new RegExp(`[${Object.keys(SPELLED).join('')}]`, 'g');

export function asciiSlug(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(SPELLED_LETTERS, (letter) => SPELLED[letter] ?? letter)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug !== '' || !/[\p{L}\p{N}]/u.test(text)) return slug;
  return `u${fnv1a(text).toString(36)}`;
}

/** 32-bit FNV-1a over UTF-16 code units: a stable tag, not a secret. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
