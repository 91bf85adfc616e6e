/**
 * Digest of an Enterprise ATT&CK STIX bundle (v17.1, v18.1, …) into the compact shape the plugin ships.
 * The bundle is tens of MB; the digest keeps IDs, names, tactics, platforms, parentage and lifecycle
 * flags only (no descriptions), so it stays a small JSON file that can be bundled into the mobile plugin.
 * Pure TS: runs in the plugin, the CLI and build scripts alike.
 */

export interface TacticInfo {
  id: string; // TA0002
  shortname: string; // execution (the kill-chain phase name used by techniques and Sigma tags)
  name: string; // Execution
}

export interface TechniqueInfo {
  id: string; // T1059.006
  name: string; // short STIX name: "Python"; see Catalog.displayName for "Parent: Name"
  tactics: string[]; // tactic shortnames, in the bundle's order
  platforms: string[];
  isSubtechnique: boolean;
  parent?: string; // set on sub-techniques only
  url: string;
  version: string; // the object's x_mitre_version, e.g. "1.1"
  created: string; // YYYY-MM-DD
  modified: string; // YYYY-MM-DD
  deprecated?: true;
  revoked?: true;
  revokedBy?: string; // the replacement's technique ID (direct revoked-by target)
}

/** Technique IDs retired between two ATT&CK versions, as published by a third party (not in STIX). */
export interface RemapTable {
  from: string; // source ATT&CK version, e.g. "18"
  to: string; // target ATT&CK version, e.g. "19"
  source: string; // where the rows come from and how far they can be trusted
  techniques: Record<string, { id: string; name: string }>;
}

/** Techniques of the next release that this one does not have yet (SigmaHQ already tags rules with them). */
export interface NextRelease {
  version: string; // e.g. "19.1"
  source: string; // where the list comes from
  techniques: Record<string, string>; // ID → name, as ATT&CK names it in that release
}

export interface CatalogData {
  /** ATT&CK release, e.g. "18.1": from the bundle's x-mitre-collection, else supplied by the caller. */
  version: string;
  /** Where the bundle came from (file name), for provenance. */
  source?: string;
  /** Highest x_mitre_attack_spec_version seen (e.g. "3.3.0"): tells v18-style data from older bundles. */
  specVersion: string;
  /** Latest `modified` date of any object: a fingerprint of the data when no version is recorded. */
  dataModified: string;
  copyright: string;
  tactics: TacticInfo[];
  techniques: TechniqueInfo[]; // sorted by ID; includes revoked and deprecated entries
  remaps?: RemapTable;
  next?: NextRelease;
}

export const ATTACK_COPYRIGHT =
  '© The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.';

/** The STIX fields the digests read (the catalog here, the details in `details-digest.ts`). */
export interface StixRef {
  source_name?: string;
  external_id?: string;
  url?: string;
}
export interface StixObject {
  type?: string;
  id?: string;
  name?: string;
  description?: string;
  created?: string;
  modified?: string;
  revoked?: boolean;
  external_references?: StixRef[];
  kill_chain_phases?: { kill_chain_name?: string; phase_name?: string }[];
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
  tactic_refs?: string[];
  x_mitre_version?: string;
  x_mitre_attack_spec_version?: string;
  x_mitre_deprecated?: boolean;
  x_mitre_is_subtechnique?: boolean;
  x_mitre_platforms?: string[];
  x_mitre_shortname?: string;
  x_mitre_data_source_ref?: string;
  x_mitre_analytic_refs?: string[];
  x_mitre_log_source_references?: Array<{ x_mitre_data_component_ref?: string; name?: string; channel?: string }>;
  x_mitre_mutable_elements?: Array<{ field?: string; description?: string }>;
}

/** The object's ATT&CK reference (`T1059.006`, `M1038`, `DET0063`, …). */
export function attackRef(o: StixObject | undefined): StixRef | undefined {
  return o?.external_references?.find((r) => r.source_name === 'mitre-attack' && typeof r.external_id === 'string');
}

const CITATION = String.raw`\(Citation:[^)]*\)`;
/** Whitespace within a line: ATT&CK puts no-break spaces before some citations. */
const SPACE = String.raw`[^\S\r\n]`;
const CITATION_LINE = new RegExp(String.raw`^${SPACE}*(?:${CITATION}${SPACE}*)+(?:\r?\n|$)`, 'gm');
const LINE_OPENING_CITATIONS = new RegExp(String.raw`^${SPACE}*(?:${CITATION}${SPACE}*)+`, 'gm');
const INLINE_CITATION = new RegExp(`${SPACE}*${CITATION}`, 'g');

/**
 * ATT&CK text without its `(Citation: …)` markers, for technique notes (Markdown) and the details panel
 * (text shown with its line breaks) alike. A marker takes the spaces before it ("rkhunter (Citation: X),"
 * → "rkhunter,"), or after it when it opens a line; line breaks stay, since in both they can end a
 * paragraph or a list item; a line of nothing but markers goes, line break and all, so that no blank line
 * (a paragraph break) takes its place.
 */
export function withoutCitations(s: string): string {
  return s.replace(CITATION_LINE, '').replace(LINE_OPENING_CITATIONS, '').replace(INLINE_CITATION, '');
}


const day = (iso: string | undefined): string => (iso ?? '').slice(0, 10);

/** Compare dotted version strings numerically ("3.10.0" > "3.3.0"). */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface DigestOptions {
  /** ATT&CK version to record when the bundle carries no x-mitre-collection (e.g. taken from its file name). */
  version?: string;
  /** Provenance note stored as `source`, e.g. the bundle's file name. */
  source?: string;
}

export function digestStix(bundle: unknown, opts: DigestOptions = {}): CatalogData {
  const objects = (bundle as { objects?: unknown })?.objects;
  if (!Array.isArray(objects)) throw new Error('not a STIX bundle: no "objects" array');
  const all = objects as StixObject[];
  const byStixId = new Map<string, StixObject>();
  for (const o of all) if (o.id) byStixId.set(o.id, o);

  let specVersion = '';
  let dataModified = '';
  for (const o of all) {
    const sv = o.x_mitre_attack_spec_version;
    if (sv && compareVersions(sv, specVersion || '0') > 0) specVersion = sv;
    if (o.modified && o.modified > dataModified) dataModified = o.modified;
  }

  // Upstream bundles (mitre-attack/attack-stix-data) carry the release on the collection object.
  const collection = all.find((o) => o.type === 'x-mitre-collection');
  const version = collection?.x_mitre_version ?? opts.version ?? '';

  // Tactics in matrix order; fall back to bundle order when there is no matrix.
  const matrix = all.find((o) => o.type === 'x-mitre-matrix' && Array.isArray(o.tactic_refs));
  const tacticObjs = matrix?.tactic_refs
    ? matrix.tactic_refs.map((ref) => byStixId.get(ref)).filter((o): o is StixObject => !!o)
    : all.filter((o) => o.type === 'x-mitre-tactic');
  const tactics: TacticInfo[] = tacticObjs.map((o) => ({
    id: attackRef(o)?.external_id ?? '',
    shortname: o.x_mitre_shortname ?? '',
    name: o.name ?? '',
  }));

  // revoked-by and subtechnique-of, keyed by the source's STIX id, resolved to ATT&CK IDs.
  const revokedBy = new Map<string, string>();
  const parentOf = new Map<string, string>();
  for (const r of all) {
    if (r.type !== 'relationship' || !r.source_ref || !r.target_ref) continue;
    if (r.relationship_type !== 'revoked-by' && r.relationship_type !== 'subtechnique-of') continue;
    const target = byStixId.get(r.target_ref);
    const targetId = target?.type === 'attack-pattern' ? attackRef(target)?.external_id : undefined;
    if (!targetId) continue;
    (r.relationship_type === 'revoked-by' ? revokedBy : parentOf).set(r.source_ref, targetId);
  }

  const techniques: TechniqueInfo[] = [];
  // Filter on type: retired course-of-action objects also carry T-IDs.
  for (const o of all) {
    if (o.type !== 'attack-pattern') continue;
    const ref = attackRef(o);
    if (!ref?.external_id) continue;
    const id = ref.external_id;
    const isSub = o.x_mitre_is_subtechnique === true;
    const by = o.revoked && o.id ? revokedBy.get(o.id) : undefined;
    // Literal in a fixed key order so the JSON diffs cleanly between runs.
    const t: TechniqueInfo = {
      id,
      name: o.name ?? '',
      tactics: (o.kill_chain_phases ?? [])
        .filter((p) => p.kill_chain_name === 'mitre-attack' && p.phase_name)
        .map((p) => p.phase_name as string),
      platforms: [...(o.x_mitre_platforms ?? [])],
      isSubtechnique: isSub,
      // Some revoked sub-techniques lost their subtechnique-of link: the ID prefix still names the parent.
      ...(isSub ? { parent: (o.id && parentOf.get(o.id)) || id.slice(0, 5) } : {}),
      url: ref.url ?? '',
      version: o.x_mitre_version ?? '',
      created: day(o.created),
      modified: day(o.modified),
      ...(o.x_mitre_deprecated ? { deprecated: true as const } : {}),
      ...(o.revoked ? { revoked: true as const } : {}),
      ...(by ? { revokedBy: by } : {}),
    };
    techniques.push(t);
  }
  techniques.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    version,
    ...(opts.source ? { source: opts.source } : {}),
    specVersion,
    dataModified: day(dataModified),
    copyright: ATTACK_COPYRIGHT,
    tactics,
    techniques,
  };
}
