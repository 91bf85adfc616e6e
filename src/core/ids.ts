/**
 * ATT&CK technique IDs in every spelling vaults use, normalised to the canonical `T1059` / `T1059.006`.
 *
 * Each parser is strict about its own context (a tag, a file name, a URL, an alias) so that free text
 * such as "T1059.6" or "version T1234" is never mistaken for a technique.
 */

/** Canonical form: `T` + four digits, optionally `.` + three digits. */
export type TechniqueId = string;

const CANONICAL = /^T\d{4}(?:\.\d{3})?$/;
const CORE = /^t(\d{4})(?:[._/](\d{3}))?$/i;

export function isTechniqueId(s: string): s is TechniqueId {
  return CANONICAL.test(s);
}

/** Null for sub-technique 000: sub-technique numbers start at 001, so `T1105.000` is malformed, not T1105. */
function canonical(main: string, sub: string | undefined): TechniqueId | null {
  if (sub === '000') return null;
  return sub ? `T${main}.${sub}` : `T${main}`;
}

/** `T1059.006`, `T1059_006`, `t1059_006`, `T1059` — the bare forms, whole string only. */
export function parseBareId(s: string): TechniqueId | null {
  const m = CORE.exec(s.trim());
  return m ? canonical(m[1] as string, m[2]) : null;
}

/**
 * A tag naming a technique: `#T1059_006`, `t1059_006`, `attack.t1059.006` (Sigma), `attack/T1059.006`
 * or `mitre/technique/t1059.006` (nested tags: the last segment decides).
 */
export function idFromTag(tag: string): TechniqueId | null {
  if (!/\d{4}/.test(tag)) return null; // most tags (`execution`, `detection_rule`) name no technique
  let t = tag.trim();
  if (t.startsWith('#')) t = t.slice(1);
  const last = t.slice(t.lastIndexOf('/') + 1);
  const bare = last.toLowerCase().startsWith('attack.') ? last.slice('attack.'.length) : last;
  return parseBareId(bare);
}

/** `https://attack.mitre.org/techniques/T1059/006/` and the same without scheme or trailing slash. */
export function idFromUrl(url: string): TechniqueId | null {
  const m = /attack\.mitre\.org\/techniques\/T(\d{4})(?:\/(\d{3}))?\/?(?:[#?].*)?$/i.exec(url.trim());
  return m ? canonical(m[1] as string, m[2]) : null;
}

/**
 * File names (with or without `.md`) in the three vault formats: `T1059.006 - Name`, `T1059.006-Name`,
 * `T1059.006` and `Name - T1059.006`.
 */
export function idFromFileName(name: string): TechniqueId | null {
  const base = name.replace(/\.md$/i, '').trim();
  const head = /^T(\d{4})(?:\.(\d{3}))?(?:\s*-.*)?$/i.exec(base);
  if (head) return canonical(head[1] as string, head[2]);
  const tail = /\s-\sT(\d{4})(?:\.(\d{3}))?$/i.exec(base);
  return tail ? canonical(tail[1] as string, tail[2]) : null;
}

/** Aliases: `T1059.006`, `T1059.006 (Python)`, `Python (T1059.006)`. */
export function idFromAlias(alias: string): TechniqueId | null {
  const a = alias.trim();
  const bare = /^T(\d{4})(?:\.(\d{3}))?(?:\s*\(.*\))?$/i.exec(a);
  if (bare) return canonical(bare[1] as string, bare[2]);
  const paren = /\(T(\d{4})(?:\.(\d{3}))?\)$/i.exec(a);
  return paren ? canonical(paren[1] as string, paren[2]) : null;
}

/**
 * The vincenzocaputo fork writes `mitre-attack: kb/mitre/attack/techniques/T1059.006-Python`,
 * upstream writes the ATT&CK URL.
 */
export function idFromPathOrUrl(s: string): TechniqueId | null {
  const url = idFromUrl(s);
  if (url) return url;
  const last = s.trim().replace(/\/+$/, '');
  return idFromFileName(last.slice(last.lastIndexOf('/') + 1));
}

/**
 * Every technique ID mentioned in free text, in order of first mention. Sub-technique suffixes must be 3 digits.
 * In an ATT&CK URL (`…/techniques/T1059/006/`) the sub-technique follows a slash.
 */
export function findIdsInText(text: string): TechniqueId[] {
  const out = new Set<TechniqueId>();
  // No lookbehind: it is unsupported on older iOS WebKit.
  const re = /(techniques\/|^|[^A-Za-z0-9])T(\d{4})(?:[._](\d{3})|\/(\d{3}))?(?![0-9]|[._]\d)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // `T1059/006` outside an ATT&CK URL names T1059 only, as before.
    const sub = m[3] ?? (m[1] === 'techniques/' ? m[4] : undefined);
    const id = canonical(m[2] as string, sub);
    if (id) out.add(id);
  }
  return [...out];
}

/**
 * Looks like an ID but is malformed (`T1059.6`, `T10591`): worth a diagnostic rather than silence.
 */
export function looksLikeMalformedId(s: string): boolean {
  const t = s.trim().replace(/^#/, '').replace(/^attack\./i, '');
  return /^t\d{3,5}(?:[._]\d{1,4})?$/i.test(t) && parseBareId(t) === null;
}

export function isSubtechnique(id: TechniqueId): boolean {
  return id.length === 9;
}

export function parentOf(id: TechniqueId): TechniqueId {
  return id.slice(0, 5);
}

/** `T1059.006` → `T1059_006`, the tag form of the Use-Case-Catalogue vault. */
export function toTagForm(id: TechniqueId): string {
  return id.replace('.', '_');
}

/** ATT&CK page of a technique. */
export function attackUrl(id: TechniqueId): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

/** Numeric order: T1003 < T1003.001 < T1005. */
export function compareIds(a: TechniqueId, b: TechniqueId): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
