/**
 * One rule note → its detection logic as plain data: predicates (Sigma fully, Elastic and Splunk queries
 * best-effort), the events it reads, its rule ID, description and package (folder). Pure and total: a
 * rule that cannot be read gives `state: 'none'` and says why, never an exception.
 *
 * `analyseRuleText` is the expensive, path-independent part (YAML/TOML parse + detection parse) and is
 * what `RuleAnalysisStore` caches; `finishAnalysis` adds what depends on the note's path and on the field
 * table (concepts, reach keys), which is cheap to redo.
 */
import { parse as parseToml } from 'smol-toml';
import { findCodeBlocks } from '../markdown';
import type { RuleMeta, YamlParser } from '../rules';
import logSourceTable from './data/log-sources.json';
import { eventInfo, eventsForRule, EVENT_TABLES, type LogSource, type RuleEvent } from './events';
import { elasticLogSources } from './elastic-logsource';
import { normaliseField, type FieldDialect, type FieldOverrides } from './fields';
import { parseSigmaDetection, type OpKind, type Predicate } from './sigma';
import { parseElasticRule, parseSplunkDetection, type VendorQueryAnalysis } from './vendor-queries';

export type RuleFormat = 'sigma' | 'elastic' | 'splunk' | 'none';
/** `full`: every part understood; `partial`: some predicates, with problems; `none`: no predicates. */
export type ParseState = 'full' | 'partial' | 'none';

/** What a rule's text says, independent of where the note lives. */
export interface RuleCore {
  format: RuleFormat;
  ruleId: string;
  description: string;
  logsource: LogSource;
  predicates: Predicate[];
  /**
   * Events beyond those of `logsource`: named by the rule's metadata (Splunk `data_source`), or read
   * from further log sources (an Elastic sequence over process and network events).
   */
  declaredEvents: Array<{ provider: string; eventId: number; alternative?: boolean }>;
  state: ParseState;
  problems: string[];
}

export interface RuleAnalysis extends RuleCore {
  path: string;
  title: string;
  /** `sigma`, `elastic`, `splunk` or the note's own `vendor`; '' when unknown. */
  vendor: string;
  /** The rule's folder in its source repository, else the note's folder (the MaxPatrol page's "package"). */
  package: string;
  status: string;
  level: string;
  /** The normalised field (concept) of each predicate, parallel to `predicates`; '' for keywords. */
  concepts: string[];
  events: RuleEvent[];
  /** Distinct corpus-reach keys of this rule (see `reachKey`). */
  reachKeys: string[];
}

const RULE_LANGS = new Set(['yml', 'yaml', 'sigma', 'toml']);

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** A short description: the first paragraph, at most 400 characters. */
export function shortDescription(v: unknown): string {
  const s = str(v).replace(/\r\n?/g, '\n');
  const para = s.split(/\n\s*\n/)[0] ?? '';
  const one = para.replace(/\s+/g, ' ').trim();
  return one.length > 400 ? `${one.slice(0, 399).trimEnd()}…` : one;
}

const vendorState = (r: VendorQueryAnalysis): ParseState =>
  r.predicates.length === 0 ? 'none' : r.parsed && r.problems.length === 0 ? 'full' : 'partial';

/** `data_source: [Sysmon EventID 1, Windows Event Log Security 4688]` → events (domain.md §8). */
function splunkDataSources(v: unknown): Array<{ provider: string; eventId: number }> {
  const out: Array<{ provider: string; eventId: number }> = [];
  for (const item of Array.isArray(v) ? v : [v]) {
    const s = str(item);
    const row = logSourceTable.splunk.find((r) => s.toLowerCase().startsWith(r.prefix.toLowerCase()));
    const id = /(\d+)\s*$/.exec(s)?.[1];
    if (row && id) out.push({ provider: row.provider, eventId: Number(id) });
  }
  return out;
}

function fromSigma(doc: Record<string, unknown>): RuleCore {
  const a = parseSigmaDetection(doc);
  const ls = isMap(doc.logsource) ? doc.logsource : {};
  return {
    format: 'sigma',
    ruleId: str(doc.id),
    description: shortDescription(doc.description),
    logsource: { product: str(ls.product), service: str(ls.service), category: str(ls.category) },
    predicates: a.predicates,
    declaredEvents: [],
    state: a.predicates.length === 0 ? 'none' : a.problems.length === 0 ? 'full' : 'partial',
    problems: a.problems,
  };
}

function fromSplunk(doc: Record<string, unknown>): RuleCore {
  const a = parseSplunkDetection(doc);
  return {
    format: 'splunk',
    ruleId: str(doc.id),
    description: shortDescription(doc.description),
    logsource: {},
    predicates: a.predicates,
    declaredEvents: splunkDataSources(doc.data_source),
    state: vendorState(a),
    problems: a.problems,
  };
}

/** `product`: the note's own log source product, for rules that do not say their platform. */
function fromElastic(doc: Record<string, unknown>, product: string | undefined): RuleCore {
  const rule = isMap(doc.rule) ? doc.rule : {};
  const a = parseElasticRule(doc);
  // Elastic names its log sources only through event categories and index patterns: inferred, one per category.
  const [first, ...more] = elasticLogSources(rule, a.predicates, a.eventCategories, product, a.anyStepCategories);
  return {
    format: 'elastic',
    ruleId: str(rule.rule_id),
    description: shortDescription(rule.description),
    logsource: first ?? {},
    predicates: a.predicates,
    declaredEvents: more.flatMap((ls) =>
      eventsForRule(ls, a.predicates).map((e) => ({ provider: e.provider, eventId: e.eventId, ...(e.alternative ? { alternative: true } : {}) })),
    ),
    state: vendorState(a),
    problems: a.problems,
  };
}

const emptyCore = (meta: RuleMeta | null, problem: string): RuleCore => ({
  format: 'none',
  ruleId: meta?.ruleId ?? '',
  description: '',
  logsource: meta ? { product: meta.product, service: meta.service, category: meta.category } : {},
  predicates: [],
  declaredEvents: [],
  state: 'none',
  problems: [problem],
});

/**
 * The first embedded rule of a note (Sigma or Splunk YAML, Elastic TOML) parsed into predicates. The
 * frontmatter's metadata fills what the embedded rule leaves out (log source, rule ID). Never throws.
 */
export function analyseRuleText(text: string | undefined, meta: RuleMeta | null, parseYaml: YamlParser): RuleCore {
  if (text === undefined) return emptyCore(meta, 'the note text was not read');
  let firstError: string | undefined;
  try {
    for (const b of findCodeBlocks(text)) {
      if (!RULE_LANGS.has(b.lang)) continue;
      try {
        const doc: unknown = b.lang === 'toml' ? parseToml(b.content) : parseYaml(b.content);
        if (!isMap(doc)) continue;
        let core: RuleCore | undefined;
        if (b.lang === 'toml') core = isMap(doc.rule) ? fromElastic(doc, meta?.product) : undefined;
        else if (isMap(doc.detection) || 'correlation' in doc) core = fromSigma(doc);
        else if (typeof doc.search === 'string') core = fromSplunk(doc);
        if (!core) continue;
        // The frontmatter is what the analyst edits: it fills the gaps of the embedded rule.
        core.ruleId ||= meta?.ruleId ?? '';
        const ls = core.logsource;
        if (meta && !ls.product && !ls.service && !ls.category) core.logsource = { product: meta.product, service: meta.service, category: meta.category };
        return core;
      } catch (e) {
        firstError ??= `embedded ${b.lang} rule at line ${b.start.line + 1} does not parse: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
      }
    }
  } catch (e) {
    firstError ??= `internal error: ${e instanceof Error ? e.message : String(e)}`;
  }
  return emptyCore(meta, firstError ?? 'no embedded rule (Sigma or Splunk YAML, Elastic TOML) to parse');
}

// ---------------------------------------------------------------------------------------------
// Corpus-reach keys

/** Operators whose values compare case-insensitively (Sigma's default); the rest keep their case. */
const CASED: ReadonlySet<OpKind> = new Set<OpKind>(['regex_match', 'eq_cs']);
/** Operators that carry a value worth listing as an indicator. */
export const VALUED = (p: Predicate): boolean => p.value !== '' && p.op !== 'is_null' && p.op !== 'is_not_null';

/** The comparable form of a value under an operator; `cased`: Sigma's `|cased` (with contains, startswith…). */
export const valueKey = (op: OpKind, value: string, cased = false): string => (cased || CASED.has(op) ? value : value.toLowerCase());

/** Sigma's `|cased` on a predicate whose operator does not say so itself (`contains`, `starts_with`…). */
export const isCased = (p: Predicate): boolean => p.modifiers.includes('cased');

/**
 * The corpus-reach key of one (normalised field, operator, value) — with `!` in front for an exclusion
 * (negated), so shared filters are counted apart from what rules look for. A `|cased` value keeps its
 * case and is marked, so it is counted apart from the same value matched without case.
 */
export function reachKey(concept: string, op: OpKind, value: string, negated: boolean, cased = false): string {
  const c = cased && !CASED.has(op);
  return `${negated ? '!' : ''}${concept}\u001f${op}${c ? '\u001fcased' : ''}\u001f${valueKey(op, value, c)}`;
}

/** Events of a rule: its logsource and event-ID conditions (`eventsForRule`) plus declared data sources. */
function ruleEvents(core: RuleCore, overrides: FieldOverrides | undefined): RuleEvent[] {
  const events = eventsForRule(core.logsource, core.predicates, overrides);
  for (const d of core.declaredEvents) {
    if (events.some((e) => e.provider === d.provider && e.eventId === d.eventId)) continue;
    const info = eventInfo(d.provider, d.eventId);
    const channel = info?.channel ?? EVENT_TABLES.providers[d.provider]?.channel;
    events.push({
      provider: d.provider,
      eventId: d.eventId,
      title: info?.title ?? '',
      via: 'logsource',
      ...(d.alternative ? { alternative: true } : {}),
      ...(!info || info.unverified ? { unverified: true } : {}),
      ...(channel ? { channel } : {}),
    });
  }
  return events;
}

export interface NoteContext {
  path: string;
  title: string;
  folder: string;
  meta: RuleMeta | null;
}

/**
 * Adds to a cached core what depends on the note's place and on the field table. Cheap. `concept` maps a
 * field to its concept (default: `normaliseField` with `overrides`; the store passes a memoised one).
 */
export function finishAnalysis(
  core: RuleCore,
  note: NoteContext,
  concept?: (field: string, dialect?: FieldDialect) => string,
  overrides?: FieldOverrides,
): RuleAnalysis {
  const norm = concept ?? ((f: string, d?: FieldDialect): string => normaliseField(f, overrides, d));
  // A field is read in the language of its rule: Sigma's `process` is not Splunk CIM's command line.
  const dialect = core.format === 'none' ? undefined : core.format;
  const concepts = core.predicates.map((p) => (p.field === null ? '' : norm(p.field, dialect)));
  const keys = new Set<string>();
  core.predicates.forEach((p, i) => {
    if (VALUED(p)) keys.add(reachKey(concepts[i] ?? '', p.op, p.value, p.negated, isCased(p)));
  });
  const meta = note.meta;
  return {
    ...core,
    path: note.path,
    title: note.title,
    // As the coverage list says it: the note's own vendor first, else the embedded rule's format.
    vendor: meta?.vendor || (core.format === 'none' ? '' : core.format),
    // The rule's folder in its source repository when the note says (imported notes share one vault folder).
    package: meta?.package || note.folder,
    status: meta?.status ?? '',
    level: meta?.level ?? '',
    concepts,
    events: ruleEvents(core, overrides),
    reachKeys: [...keys],
  };
}
