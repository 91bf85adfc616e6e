/**
 * Field normalisation across vendors (domain.md §6): Sigma's `Image`, Elastic's `process.name` and
 * Splunk's `Processes.process_name` / `process_name` all name one concept, so the authoring guide can
 * count them in one row. The table is data (`data/field-concepts.json`) and a user table overrides it.
 */
import table from './data/field-concepts.json';

export interface FieldConcept {
  /** The Sigma (Sysmon) field name, used as the concept's name. */
  concept: string;
  ecs: string[];
  cim: string[];
  native: string[];
}

/** User overrides: alias → concept (matched case-insensitively, like the built-in table). */
export type FieldOverrides = Readonly<Record<string, string>>;

export const FIELD_CONCEPTS: readonly FieldConcept[] = table.concepts;

/** The rule language a field name comes from, when known: it decides which spellings can apply. */
export type FieldDialect = 'sigma' | 'elastic' | 'splunk';

/** Every spelling, lower-cased: for fields of unknown origin (user overrides, notes without a rule). */
const ALIASES = new Map<string, string>();
for (const c of FIELD_CONCEPTS)
  for (const name of [c.concept, ...c.ecs, ...c.cim, ...c.native]) ALIASES.set(name.toLowerCase(), c.concept);

/**
 * Per dialect: Sigma names are case-sensitive and only Sigma's own (Okta's `eventType` is not Sysmon's
 * `EventType`, OpenSSH's `process` is not CIM's command line); Elastic's ECS and Splunk's CIM names are
 * matched in any case, each only in its own rules.
 */
const DIALECT_ALIASES: Record<FieldDialect, { names: Map<string, string>; caseless: boolean }> = {
  sigma: { names: new Map(FIELD_CONCEPTS.flatMap((c) => [c.concept, ...c.native].map((n) => [n, c.concept] as const))), caseless: false },
  elastic: { names: new Map(FIELD_CONCEPTS.flatMap((c) => [c.concept, ...c.ecs].map((n) => [n.toLowerCase(), c.concept] as const))), caseless: true },
  splunk: { names: new Map(FIELD_CONCEPTS.flatMap((c) => [c.concept, ...c.cim].map((n) => [n.toLowerCase(), c.concept] as const))), caseless: true },
};

const DATAMODEL_PREFIX = new Set(table.datamodelPrefixes.map((p) => p.toLowerCase()));
// Elastic's keyword multi-fields (`process.name.caseless`) name the same data as their parent.
const MULTI_FIELD_SUFFIXES = ['.caseless', '.keyword', '.text'];
// pySigma's ECS pipeline puts unmapped Sigma fields under this prefix (§6 "→ winlog").
const WINLOG_PREFIX = 'winlog.event_data.';

/** Spellings to try, most specific first: as written, then with the dialect's decorations stripped. */
function candidates(field: string, dialect?: FieldDialect): string[] {
  const out = [field];
  if (dialect === 'sigma') return out;
  const lower = field.toLowerCase();
  const suffix = MULTI_FIELD_SUFFIXES.find((s) => lower.endsWith(s));
  if (suffix && dialect !== 'splunk') out.push(field.slice(0, -suffix.length));
  for (const f of [...out]) {
    if (dialect !== 'splunk' && f.toLowerCase().startsWith(WINLOG_PREFIX)) out.push(f.slice(WINLOG_PREFIX.length));
    // CIM writes `Processes.process_name` in tstats and `process_name` after drop_dm_object_name.
    const dot = f.indexOf('.');
    if (dialect !== 'elastic' && dot > 0 && DATAMODEL_PREFIX.has(f.slice(0, dot).toLowerCase())) out.push(f.slice(dot + 1));
  }
  return out;
}

/**
 * The concept a vendor field names (e.g. `process.name` → `Image`), or the field itself, trimmed, when
 * no table knows it. `overrides` win over the built-in table.
 */
export function normaliseField(field: string, overrides?: FieldOverrides, dialect?: FieldDialect): string {
  const f = field.trim();
  if (f === '') return f;
  // Built per call rather than cached: settings objects are edited in place.
  const user = overrides && new Map(
    Object.entries(overrides).filter(([, c]) => typeof c === 'string' && c.trim() !== '').map(([a, c]) => [a.trim().toLowerCase(), c.trim()]),
  );
  const names = candidates(f, dialect);
  for (const n of names) {
    const hit = user?.get(n.toLowerCase());
    if (hit !== undefined) return hit;
  }
  const table = dialect ? DIALECT_ALIASES[dialect] : { names: ALIASES, caseless: true };
  for (const n of names) {
    const hit = table.names.get(table.caseless ? n.toLowerCase() : n);
    if (hit !== undefined) return hit;
  }
  // Unknown fields keep their name without vendor wrapping: `winlog.event_data.X` is Sigma's own field X,
  // and `Processes.x` is what CIM writes `x` after drop_dm_object_name.
  if (dialect === 'sigma') return f;
  if (dialect !== 'splunk' && f.toLowerCase().startsWith(WINLOG_PREFIX)) return f.slice(WINLOG_PREFIX.length);
  const dot = f.indexOf('.');
  return dialect !== 'elastic' && dot > 0 && DATAMODEL_PREFIX.has(f.slice(0, dot).toLowerCase()) ? f.slice(dot + 1) : f;
}

/** Every known spelling of a concept (for "also written as" hints in the UI). */
export function fieldAliases(concept: string): string[] {
  const c = FIELD_CONCEPTS.find((x) => x.concept.toLowerCase() === concept.toLowerCase());
  return c ? [c.concept, ...c.ecs, ...c.cim, ...c.native] : [];
}
