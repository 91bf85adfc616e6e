/**
 * Decides what a note is: a technique, a detection rule, an atomic test, or anything else.
 * Path-dependent (folders), so it runs again on rename without re-reading the note.
 */
import { idFromFileName, type TechniqueId } from './ids';
import type { NoteFacts } from './note';
import { folderMatches, type CompiledRoles } from './settings';

export type Role = 'technique' | 'rule' | 'test' | 'other';

export interface Classification {
  role: Role;
  /** technique: its own ID; rule: every technique it names; test: its technique. */
  techniques: TechniqueId[];
  /** Why a candidate was not given a role (e.g. an index note tagged as a test but naming no technique). */
  reason?: string;
}

/** `atomics/T1059.006/T1059.006.md`: the ID sits in a folder name. */
function idFromPathSegments(path: string): TechniqueId | null {
  const segs = path.split('/');
  for (let i = segs.length - 1; i >= 0; i--) {
    const id = idFromFileName(segs[i] as string);
    if (id) return id;
  }
  return null;
}

/**
 * Domain tags of ATT&CK's matrices: reuteras tags every technique with its domain (`enterprise-attack`,
 * `mobile-attack`, `ics-attack`), the scorchederf fork nests it (`attack/domain/enterprise_attack`).
 * The catalog and the coverage are Enterprise ATT&CK.
 */
const OTHER_DOMAINS = new Set(['mobile-attack', 'mobile_attack', 'ics-attack', 'ics_attack']);
const ENTERPRISE_DOMAINS = new Set(['enterprise-attack', 'enterprise_attack']);

export function classify(facts: NoteFacts, s: CompiledRoles): Classification {
  const { path } = facts;
  if (folderMatches(path, s.ignoreFolders)) return { role: 'other', techniques: [] };
  const allTags = facts.dataviewTags === facts.tags ? facts.tags : [...facts.tags, ...facts.dataviewTags];
  // Role tags match on the last segment, case-insensitively: lower-case each tag once for all three roles.
  const words = allTags.map((t) => t.slice(t.lastIndexOf('/') + 1).toLowerCase());
  const tagged = (want: Set<string>): boolean => words.some((w) => want.has(w));

  const testByTag = tagged(s.testTags);
  if (testByTag || folderMatches(path, s.testFolders)) {
    const id = facts.taggedIds[0] ?? idFromPathSegments(path) ?? facts.ownId;
    if (id) return { role: 'test', techniques: [id] };
    if (testByTag) return { role: 'other', techniques: [], reason: 'tagged as a test but names no technique' };
  }

  // Said outright (a rule tag, a rule folder) a note is a rule; a rule found in its text comes after the
  // technique folders and tags, so that a technique note quoting an example rule stays the technique's note.
  const ruleByTag = tagged(s.ruleTags);
  if (ruleByTag || folderMatches(path, s.ruleFolders)) {
    // A rule in a rule folder with no technique is still a rule: it shows up as "maps to no technique".
    if (ruleByTag || facts.ruleLike || facts.taggedIds.length) return { role: 'rule', techniques: facts.taggedIds };
  }

  const techByTag = tagged(s.techniqueTags);
  if (facts.ownId && (techByTag || folderMatches(path, s.techniqueFolders))) {
    if (words.some((w) => OTHER_DOMAINS.has(w)) && !words.some((w) => ENTERPRISE_DOMAINS.has(w))) {
      return { role: 'other', techniques: [], reason: 'describes a Mobile or ICS ATT&CK technique; coverage is for Enterprise ATT&CK' };
    }
    return { role: 'technique', techniques: [facts.ownId] };
  }
  if (facts.ruleLike) return { role: 'rule', techniques: facts.taggedIds };
  if (techByTag && !facts.ownId) return { role: 'other', techniques: [], reason: 'tagged as a technique but carries no technique ID' };
  return { role: 'other', techniques: [] };
}
