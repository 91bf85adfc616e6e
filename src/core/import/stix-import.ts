/**
 * ATT&CK STIX bundle → technique notes. Objects are fed one at a time (see `json-array.ts`) into a
 * collector that keeps only what the notes need; `finish()` then digests the lifecycle and naming facts
 * with the same `digestStix` the catalog uses and gathers the long texts per technique:
 *
 * - v17 and older: `x_mitre_detection`, `x_mitre_data_sources`, `x_mitre_defense_bypassed`;
 * - v18+: detection strategies (DET####) `detects` → technique, their analytics (AN####) with platforms
 *   and log sources (data component, name, channel);
 * - mitigations (M####) with the per-technique text of each `mitigates` relationship;
 * - revoked (with the `revoked-by` replacement) and deprecated techniques, flagged in their notes.
 */
import { Catalog } from '../attack/catalog';
import { digestStix, type TechniqueInfo } from '../attack/stix';
import { parseBareId } from '../ids';
import type { NoteKind } from './merge';
import { techniqueFileName } from './names';
import type { NoteDraft } from './plan';
import { techniqueNote, type AnalyticText, type DetectionStrategyText, type MitigationText, type TechniqueNoteOptions } from './technique-note';
import { byId } from '../text-order';

interface Ref {
  source_name?: string;
  external_id?: string;
  url?: string;
}
interface StixObj {
  type?: string;
  id?: string;
  name?: string;
  description?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  external_references?: Ref[];
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
  x_mitre_detection?: string;
  x_mitre_data_sources?: string[];
  x_mitre_defense_bypassed?: string[];
  x_mitre_analytic_refs?: string[];
  x_mitre_platforms?: string[];
  x_mitre_log_source_references?: { x_mitre_data_component_ref?: string; name?: string; channel?: string }[];
}

/** The `objects` of a bundle the collector keeps; everything else (groups, software…) is dropped on arrival. */
const KEEP = new Set([
  'attack-pattern',
  'x-mitre-tactic',
  'x-mitre-matrix',
  'x-mitre-collection',
  'course-of-action',
  'x-mitre-detection-strategy',
  'x-mitre-analytic',
  'x-mitre-data-component',
]);
const RELATIONSHIPS = new Set(['revoked-by', 'subtechnique-of', 'mitigates', 'detects']);

const attackRef = (o: StixObj): Ref | undefined =>
  o.external_references?.find((r) => r.source_name === 'mitre-attack' && typeof r.external_id === 'string');
const inactive = (o: StixObj): boolean => o.revoked === true || o.x_mitre_deprecated === true;

// The properties the digest and the notes read, by type. STIX leaves out what it does not have (never null).
const STRINGS = ['name', 'description', 'created', 'modified', 'relationship_type', 'source_ref', 'target_ref', 'x_mitre_version', 'x_mitre_attack_spec_version', 'x_mitre_shortname', 'x_mitre_data_source_ref', 'x_mitre_detection'];
const BOOLEANS = ['revoked', 'x_mitre_deprecated', 'x_mitre_is_subtechnique'];
const STRING_LISTS = ['tactic_refs', 'x_mitre_platforms', 'x_mitre_analytic_refs', 'x_mitre_data_sources', 'x_mitre_defense_bypassed'];
const RECORD_LISTS: Record<string, string[]> = {
  external_references: ['source_name', 'external_id', 'url'],
  kill_chain_phases: ['kill_chain_name', 'phase_name'],
  x_mitre_log_source_references: ['x_mitre_data_component_ref', 'name', 'channel'],
  x_mitre_mutable_elements: ['field', 'description'],
};

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Why an object's properties do not have the types the importer reads, or null when they do. */
function shapeProblem(o: Record<string, unknown>): string | null {
  const wrong = (key: string, expected: string): string => `"${key}" is not ${expected}; object left out`;
  for (const key of STRINGS) if (o[key] !== undefined && typeof o[key] !== 'string') return wrong(key, 'a string');
  for (const key of BOOLEANS) if (o[key] !== undefined && typeof o[key] !== 'boolean') return wrong(key, 'true or false');
  for (const key of STRING_LISTS) {
    const v = o[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) return wrong(key, 'a list of strings');
  }
  for (const [key, fields] of Object.entries(RECORD_LISTS)) {
    const v = o[key];
    if (v === undefined) continue;
    const ok = Array.isArray(v) && v.every((x) => isRecord(x) && fields.every((f) => x[f] === undefined || typeof x[f] === 'string'));
    if (!ok) return wrong(key, `a list of objects with string ${fields.join(', ')}`);
  }
  return null;
}

export interface TechniqueTexts {
  info: TechniqueInfo;
  description?: string;
  detection?: string;
  defensesBypassed?: string[];
  dataSources?: string[];
  detectionStrategies: DetectionStrategyText[];
  mitigations: MitigationText[];
}

export interface StixResult {
  catalog: Catalog;
  techniques: TechniqueTexts[];
  /** Objects that could not be used, with the reason. */
  problems: { source: string; reason: string }[];
}

export class StixCollector {
  private readonly objects = new Map<string, StixObj>();
  private readonly forDigest: StixObj[] = [];
  private readonly patterns: StixObj[] = [];
  private readonly mitigates: StixObj[] = [];
  private readonly detects: StixObj[] = [];
  private readonly problems: { source: string; reason: string }[] = [];
  count = 0;

  /** One bundle object, as parsed. */
  add(raw: unknown): void {
    this.count++;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      this.problems.push({ source: `object #${this.count}`, reason: 'not a JSON object' });
      return;
    }
    const o = raw as StixObj;
    const kept = o.type === 'relationship' ? !!o.relationship_type && RELATIONSHIPS.has(o.relationship_type) : !!o.type && KEEP.has(o.type);
    const shape = kept ? shapeProblem(raw as Record<string, unknown>) : null;
    if (shape) {
      this.problems.push({ source: typeof o.id === 'string' ? o.id : `object #${this.count} (${String(o.type)})`, reason: shape });
      return;
    }
    if (o.type === 'relationship') {
      if (!o.relationship_type || !RELATIONSHIPS.has(o.relationship_type) || !o.source_ref || !o.target_ref) return;
      if (o.relationship_type === 'mitigates') this.mitigates.push(o);
      else if (o.relationship_type === 'detects') this.detects.push(o);
      else this.forDigest.push(o);
      return;
    }
    if (!o.type || !KEEP.has(o.type)) return;
    if (typeof o.id !== 'string') {
      this.problems.push({ source: `object #${this.count} (${o.type})`, reason: 'has no STIX id' });
      return;
    }
    this.objects.set(o.id, o);
    if (o.type === 'attack-pattern') {
      const ref = attackRef(o);
      if (!ref) {
        this.problems.push({ source: o.id, reason: 'attack-pattern without an ATT&CK ID (external_references mitre-attack)' });
        return;
      }
      // Notes are named and linked by this ID: anything but T#### or T####.### is not one.
      if (parseBareId(ref.external_id as string) !== ref.external_id) {
        this.problems.push({ source: o.id, reason: `ATT&CK ID ${JSON.stringify(ref.external_id)} is not a technique ID (T#### or T####.###); object left out` });
        this.objects.delete(o.id);
        return;
      }
      this.patterns.push(o);
      this.forDigest.push(o);
    } else if (o.type === 'x-mitre-tactic' || o.type === 'x-mitre-matrix' || o.type === 'x-mitre-collection') {
      this.forDigest.push(o);
    }
  }

  /** Digest what was collected. `version` is used when the bundle has no x-mitre-collection. */
  finish(opts: { version?: string; source?: string } = {}): StixResult {
    const steps = this.finishSteps(opts);
    for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
  }

  /** `finish` in steps: the generator pauses between phases and every 100 techniques, so a caller can yield. */
  *finishSteps(opts: { version?: string; source?: string } = {}): Generator<void, StixResult> {
    if (this.patterns.length === 0) throw new Error('the bundle holds no ATT&CK techniques (attack-pattern objects)');
    const data = digestStix({ objects: this.forDigest }, opts);
    const catalog = new Catalog(data);
    const techniqueOf = new Map<string, string>(); // STIX id → T####
    for (const p of this.patterns) techniqueOf.set(p.id as string, attackRef(p)?.external_id as string);
    yield;

    const mitigations = new Map<string, MitigationText[]>();
    for (const r of this.mitigates) {
      const coa = this.objects.get(r.source_ref as string);
      const tid = techniqueOf.get(r.target_ref as string);
      const ref = coa && attackRef(coa);
      if (!coa || !tid || !ref?.external_id || inactive(r) || inactive(coa) || !/^M\d{4}$/.test(ref.external_id)) continue;
      const list = mitigations.get(tid) ?? [];
      list.push({ id: ref.external_id, name: coa.name ?? '', url: ref.url ?? '', text: r.description ?? '' });
      mitigations.set(tid, list);
    }
    yield;

    const strategies = new Map<string, DetectionStrategyText[]>();
    for (const r of this.detects) {
      const det = this.objects.get(r.source_ref as string);
      const tid = techniqueOf.get(r.target_ref as string);
      const ref = det && attackRef(det);
      if (!det || det.type !== 'x-mitre-detection-strategy' || !tid || !ref?.external_id || inactive(r) || inactive(det)) continue;
      const list = strategies.get(tid) ?? [];
      list.push({ id: ref.external_id, name: det.name ?? '', url: ref.url ?? '', analytics: this.analytics(det) });
      strategies.set(tid, list);
    }
    yield;

    // Tactics in matrix order (the bundle lists kill-chain phases in any order).
    const order = new Map(catalog.tactics().map((t, i) => [t.shortname, i]));
    const techniques: TechniqueTexts[] = [];
    const seen = new Set<string>();
    for (const [i, p] of this.patterns.entries()) {
      if (i % 100 === 99) yield;
      const id = techniqueOf.get(p.id as string) as string;
      if (seen.has(id)) {
        this.problems.push({ source: `${id} (${p.id})`, reason: 'a second attack-pattern with the same ATT&CK ID; the first is used' });
        continue;
      }
      seen.add(id);
      const info = catalog.get(id);
      if (!info) continue;
      const tactics = [...info.tactics].sort((a, b) => (order.get(a) ?? 99) - (order.get(b) ?? 99));
      techniques.push({
        info: { ...info, tactics },
        description: p.description,
        detection: p.x_mitre_detection,
        defensesBypassed: p.x_mitre_defense_bypassed,
        dataSources: p.x_mitre_data_sources,
        detectionStrategies: (strategies.get(id) ?? []).sort(byId),
        mitigations: (mitigations.get(id) ?? []).sort(byId),
      });
    }
    techniques.sort((a, b) => byId(a.info, b.info));
    return { catalog, techniques, problems: this.problems };
  }

  private analytics(det: StixObj): AnalyticText[] {
    const out: AnalyticText[] = [];
    for (const ref of det.x_mitre_analytic_refs ?? []) {
      const an = this.objects.get(ref);
      const anRef = an && attackRef(an);
      if (!an || !anRef?.external_id || inactive(an)) continue;
      out.push({
        id: anRef.external_id,
        platforms: [...(an.x_mitre_platforms ?? [])],
        description: an.description ?? '',
        logSources: (an.x_mitre_log_source_references ?? []).map((l) => {
          const dc = l.x_mitre_data_component_ref ? this.objects.get(l.x_mitre_data_component_ref) : undefined;
          const where = `${l.name ?? ''}${l.channel ? ` (${l.channel})` : ''}`;
          return dc?.name ? `${dc.name}: ${where}` : where;
        }),
      });
    }
    return out.sort(byId);
  }
}

export type BlockStyle = NonNullable<TechniqueNoteOptions['blocks']>;

export interface AttackImportOptions {
  /** Only techniques for which this returns true (default: all, including revoked and deprecated). */
  only?: (id: string) => boolean;
  /** Coverage block style, for all notes or per technique; default `coverage`. */
  blocks?: BlockStyle | ((id: string) => BlockStyle);
  /** Include revoked techniques (default true: they are flagged and link to their replacement). */
  includeRevoked?: boolean;
  includeDeprecated?: boolean;
}

export interface Folders {
  technique: string;
  rule: string;
  test: string;
}

export const DEFAULT_FOLDERS: Folders = { technique: 'Use Cases', rule: 'Detection Rules', test: 'Testing Runbooks' };

/** Technique-note drafts for a digested bundle. */
export function techniqueDrafts(result: StixResult, sourcePath: string, folders: Folders, opts: AttackImportOptions = {}): NoteDraft[] {
  return result.techniques.map((t) => techniqueDraft(t, result, sourcePath, folders, opts)).filter((d): d is NoteDraft => d !== null);
}

/** One technique's draft, or null when the options leave it out. */
export function techniqueDraft(t: TechniqueTexts, result: StixResult, sourcePath: string, folders: Folders, opts: AttackImportOptions = {}): NoteDraft | null {
  const { catalog } = result;
  const { info } = t;
  if (opts.only && !opts.only(info.id)) return null;
  if (info.revoked && opts.includeRevoked === false) return null;
  if (info.deprecated && opts.includeDeprecated === false) return null;
  const blocks = typeof opts.blocks === 'function' ? opts.blocks(info.id) : (opts.blocks ?? 'coverage');
  const render = (_basename: string, noteName?: (sourceId: string) => string | undefined): string =>
    techniqueNote(info, {
      catalog,
      description: t.description,
      detection: t.detection,
      defensesBypassed: t.defensesBypassed,
      dataSources: t.dataSources,
      detectionStrategies: t.detectionStrategies,
      mitigations: t.mitigations,
      subtechniques: catalog.subtechniques(info.id),
      blocks,
      tacticTags: 'clean',
      rulesFolder: folders.rule,
      testsFolder: folders.test,
      noteName: noteName && ((id) => noteName(`attack:${id}`)),
    });
  const kind: NoteKind = 'technique';
  return {
    kind,
    source: 'attack',
    sourceId: `attack:${info.id}`,
    sourcePath: `${sourcePath}#${info.id}`,
    folder: folders.technique,
    names: [techniqueFileName(info.id, catalog.displayName(info.id) ?? info.name)],
    render,
    priority: 0,
  };
}

/** `enterprise-attack-18.1.json` → `18.1`: the release when the bundle does not say. */
export function versionFromFileName(name: string): string | undefined {
  return /(?:^|[^\d.])(\d{1,2}\.\d{1,2})(?:\.json)?$/i.exec(name.replace(/\.json$/i, ''))?.[1];
}
