/**
 * One technique's analytics panel as plain, JSON-serialisable data: the events its rules read, the
 * authoring guide (fields, indicator values with corpus reach, exclusions), its rules grouped by vendor
 * and package, and the ATT&CK context (mitigations, detection strategies / data components) with the gap
 * between the events ATT&CK's analytics expect and the events the vault's rules read.
 *
 * Aggregation only: every rule's parse is cached in the `RuleAnalysisStore`, so building this for a
 * technique costs a pass over its rules' predicates.
 */
import type { DataComponentInfo, DetailsCatalog, MitigationInfo, StrategyInfo } from '../attack/details';
import type { CoverageIndex, RuleRef, TechniqueStatus } from '../coverage-index';
import { parseBareId } from '../ids';
import logSourceTable from './data/log-sources.json';
import { eventInfo, EVENT_TABLES } from './events';
import { isCased, reachKey, VALUED, type ParseState, type RuleAnalysis } from './rule-analysis';
import type { RuleAnalysisStore } from './rule-store';
import type { OpKind } from './sigma';
import { compareText } from '../text-order';

export interface AnalyticsContext {
  store: RuleAnalysisStore;
  /** ATT&CK context; null or absent leaves `attack` and `gap` null. */
  details?: DetailsCatalog | null;
  /** Include sub-techniques' rules (default: the index's setting). */
  rollUp?: boolean;
  /** Sample values per field row (default 3). */
  samples?: number;
}

export interface EventRow {
  provider: string;
  eventId: number;
  title: string;
  channel?: string;
  /** Rules reading it; for a row read only as an equivalent, the rules reading it so. */
  rules: number;
  /** Only as an equivalent of another event (Security 4688 for Sysmon 1's `process_creation`). */
  alternative: boolean;
  unverified?: boolean;
  /** Named by an `EventID` condition in at least one rule (else implied by the log source alone). */
  explicit: boolean;
}

export interface OpCount {
  op: OpKind;
  rules: number;
}

export interface FieldRow {
  /** The normalised field (concept): Sigma's name where the table knows one. */
  field: string;
  /** Spellings the rules use for it (`Image`, `process.name`, …). */
  aliases: string[];
  rules: number;
  /** Operator histogram: rules using each operator on this field. */
  ops: OpCount[];
  samples: string[];
}

export interface IndicatorRow {
  /** '' for keywords (full-text search). */
  field: string;
  op: OpKind;
  value: string;
  /** Rules under this technique using it. */
  rules: number;
  /** Distinct rule notes in the whole vault using it (same field concept, operator, value; case-insensitive values). */
  reach: number;
  /** Every rule in the vault using it is under this technique (the panel leaves reach blank). */
  uniqueHere: boolean;
}

export interface RuleRow {
  path: string;
  title: string;
  vendor: string;
  package: string;
  ruleId: string;
  description: string;
  status: string;
  level: string;
  /** Set on rolled-up rules: the sub-technique the rule names. */
  via?: string;
  state: ParseState | 'pending';
  problems: string[];
  predicates: number;
}

export interface PackageGroup {
  package: string;
  rules: RuleRow[];
}

export interface VendorGroup {
  vendor: string;
  label: string;
  rules: number;
  packages: PackageGroup[];
}

export interface ExpectedEvent {
  provider: string;
  eventId: number;
  title: string;
  /** ATT&CK's log-source name and channel, e.g. `WinEventLog:Sysmon`, `EventCode=1`. */
  logSource: string;
  channel: string;
  analytics: string[];
  platforms: string[];
  /** Some rule of the technique reads it. */
  read: boolean;
  /** Read only as an equivalent event (e.g. a Sigma `process_creation` rule, for Security 4688). */
  readAsAlternative?: boolean;
}

export interface OtherLogSource {
  name: string;
  channel: string;
  analytics: string[];
}

export interface AttackContext {
  version: string;
  legacyVersion?: string;
  mitigations: MitigationInfo[];
  strategies: StrategyInfo[];
  dataComponents: DataComponentInfo[];
}

export interface GapInfo {
  /** Events the technique's analytics name by ID, read or not. */
  expected: ExpectedEvent[];
  /** The expected events no rule of the technique reads. */
  missing: ExpectedEvent[];
  /** Analytic log sources given as free text (no event IDs to compare). */
  other: OtherLogSource[];
}

export interface TechniqueAnalytics {
  id: string;
  name: string;
  catalogVersion: string;
  /** The ID's standing in the catalog release; `replacement`: the end of a revoked ID's revoked-by chain, else its next-release ID (T1562.001 → T1685). */
  status: TechniqueStatus;
  replacement?: string;
  /** Rules considered: the technique's own, rolled-up sub-technique rules and rules filed under its next-release ID. */
  rules: number;
  rolledUp: number;
  /** Rules among them filed under the ID the next ATT&CK release gives the technique (`successor`). */
  successorRules: number;
  successor?: string;
  /** Rules with at least one predicate understood. */
  parsedRules: number;
  /** Rules whose text is still being read (the plugin re-renders when they land). */
  pending: number;
  /** Rule notes in the vault the corpus reach is counted over. */
  corpusRules: number;
  events: EventRow[];
  guide: {
    fields: FieldRow[];
    indicators: IndicatorRow[];
    exclusions: IndicatorRow[];
  };
  vendors: VendorGroup[];
  /** Rules not (fully) understood, with the reasons. */
  unparsed: Array<{ path: string; title: string; vendor: string; state: ParseState | 'pending'; problems: string[] }>;
  attack: AttackContext | null;
  gap: GapInfo | null;
}

const VENDOR_ORDER = ['sigma', 'elastic', 'splunk'];
const VENDOR_LABEL: Record<string, string> = { sigma: 'Sigma', elastic: 'Elastic', splunk: 'Splunk', '': 'Unknown vendor' };

export const vendorLabel = (v: string): string => VENDOR_LABEL[v] ?? (v.charAt(0).toUpperCase() + v.slice(1));

const EVENT_ID = 'EventID';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Agg {
  field: string;
  op: OpKind;
  value: string;
  rules: Set<string>;
  key: string;
}

/** The providers an ATT&CK log-source name stands for, most likely first; [] when the tables do not know it. */
function providersOfLogSource(name: string): string[] {
  const lower = name.trim().toLowerCase();
  for (const [k, v] of Object.entries(logSourceTable.attack)) if (k.toLowerCase() === lower) return typeof v === 'string' ? [v] : v;
  if (lower.startsWith('wineventlog:')) {
    const channel = lower.slice('wineventlog:'.length);
    for (const [p, info] of Object.entries(EVENT_TABLES.providers)) if (p.toLowerCase() === channel || info.channel.toLowerCase() === channel) return [p];
  }
  return [];
}

/** The provider an ATT&CK log-source name stands for (`WinEventLog:Sysmon` → Sysmon), if the tables know it. */
export function providerOfLogSource(name: string): string | undefined {
  return providersOfLogSource(name)[0];
}

function ruleRow(ref: RuleRef, a: RuleAnalysis | undefined, pending: boolean): RuleRow {
  return {
    path: ref.path,
    title: ref.title,
    vendor: ref.vendor || a?.vendor || '',
    package: a?.package ?? ref.path.slice(0, Math.max(0, ref.path.lastIndexOf('/'))),
    ruleId: a?.ruleId || ref.ruleId,
    description: a?.description ?? '',
    status: ref.status,
    level: ref.level,
    ...(ref.via ? { via: ref.via } : {}),
    state: a ? a.state : pending ? 'pending' : 'none',
    problems: a ? a.problems : pending ? ['the note is being read'] : ['not analysed'],
    predicates: a?.predicates.length ?? 0,
  };
}

function attackContext(details: DetailsCatalog, id: string): AttackContext | null {
  const t = details.technique(id);
  if (!t) return null;
  return {
    version: t.version,
    ...(t.legacyVersion ? { legacyVersion: t.legacyVersion } : {}),
    mitigations: t.mitigations,
    strategies: t.strategies,
    dataComponents: t.dataComponents,
  };
}

function gapOf(ctx: AttackContext, events: EventRow[]): GapInfo {
  const read = new Map<string, EventRow>();
  for (const e of events) {
    const k = `${e.provider}\u0000${e.eventId}`;
    const prev = read.get(k);
    if (!prev || (prev.alternative && !e.alternative)) read.set(k, e);
  }
  const expected = new Map<string, ExpectedEvent>();
  const other = new Map<string, OtherLogSource>();
  for (const s of ctx.strategies) {
    for (const an of s.analytics) {
      for (const ls of an.logSources) {
        const known = ls.eventIds.length ? providersOfLogSource(ls.name) : [];
        // A Windows log the tables do not know (`WinEventLog:WinRM`, `EventCode=6`) still names events: named by its channel.
        const channel = /^\s*wineventlog:(.+)$/i.exec(ls.name)?.[1]?.trim();
        const providers = known.length === 0 && ls.eventIds.length && channel ? [channel] : known;
        if (providers.length === 0) {
          const k = `${ls.name}\u0000${ls.channel}`;
          const o = other.get(k) ?? { name: ls.name, channel: ls.channel, analytics: [] };
          if (!o.analytics.includes(an.id)) o.analytics.push(an.id);
          other.set(k, o);
          continue;
        }
        for (const id of ls.eventIds) {
          // `WinEventLog:PowerShell` names both PowerShell logs; `EventCode=400` is the classic one's.
          const provider = providers.find((p) => eventInfo(p, id)) ?? providers[0]!;
          const k = `${provider}\u0000${id}`;
          let x = expected.get(k);
          if (!x) {
            const r = read.get(k);
            x = {
              provider,
              eventId: id,
              title: eventInfo(provider, id)?.title ?? '',
              logSource: ls.name,
              channel: ls.channel,
              analytics: [],
              platforms: [],
              read: !!r,
              ...(r?.alternative ? { readAsAlternative: true } : {}),
            };
            expected.set(k, x);
          }
          if (!x.analytics.includes(an.id)) x.analytics.push(an.id);
          for (const p of an.platforms) if (!x.platforms.includes(p)) x.platforms.push(p);
        }
      }
    }
  }
  const list = [...expected.values()].sort((a, b) => cmp(a.provider, b.provider) || a.eventId - b.eventId);
  return { expected: list, missing: list.filter((e) => !e.read), other: [...other.values()] };
}

/** The analytics panel's data for one technique. */
export function techniqueAnalytics(index: CoverageIndex, rawId: string, ctx: AnalyticsContext): TechniqueAnalytics {
  const id = (parseBareId(rawId.trim()) ?? rawId.trim().toUpperCase());
  const { store } = ctx;
  store.sync();
  const cov = index.technique(id, ctx.rollUp === undefined ? {} : { rollUp: ctx.rollUp });
  // SigmaHQ already files rules under v19 IDs (T1562.001's under T1685): they detect this technique too.
  // A note tagged with both IDs, or with a sub-technique and the successor, is one rule: kept where first found.
  const seen = new Set<string>();
  const once = (list: readonly RuleRef[]): RuleRef[] =>
    list.filter((r) => {
      if (seen.has(r.path)) return false;
      seen.add(r.path);
      return true;
    });
  const ownRules = once(cov.rules);
  const fromSubs = once(cov.rolledUpRules);
  const successorRules = once(cov.successorRules);
  // With roll-up, a sub-technique's rules filed under its own next-release ID count too (T1562.002's under
  // T1685.001), in the order every other view takes them (CoverageIndex.counted).
  const fromSubSuccessors = once(
    cov.counted.rules
      .filter((n) => n.as === 'rolled-up-successor')
      .map((n) => index.ruleRef(n.path, n.filedUnder))
      .filter((r): r is RuleRef => r !== undefined),
  );
  const rolledUpRules = [...fromSubs, ...fromSubSuccessors];
  const refs = [...ownRules, ...fromSubs, ...successorRules, ...fromSubSuccessors];
  const analyses = refs.map((r) => store.get(r.path));
  const sampleCount = ctx.samples ?? 3;

  // Events: each rule once per event. A row read directly by some rule counts those rules only; one read
  // only as an equivalent (Security 4688 for Sysmon 1) counts the rules reading it so.
  const events = new Map<string, EventRow & { direct: number; equivalent: number }>();
  analyses.forEach((a) => {
    if (!a) return;
    const seen = new Set<string>();
    for (const e of a.events) {
      const k = `${e.provider}\u0000${e.eventId}`;
      let row = events.get(k);
      if (!row) {
        row = {
          provider: e.provider,
          eventId: e.eventId,
          title: e.title,
          ...(e.channel ? { channel: e.channel } : {}),
          rules: 0,
          alternative: true,
          ...(e.unverified ? { unverified: true } : {}),
          explicit: false,
          direct: 0,
          equivalent: 0,
        };
        events.set(k, row);
      }
      if (!e.alternative) row.alternative = false;
      if (e.via === 'condition') row.explicit = true;
      if (!seen.has(k)) {
        seen.add(k);
        if (e.alternative) row.equivalent++;
        else row.direct++;
      }
    }
  });
  const eventRows: EventRow[] = [...events.values()]
    .map(({ direct, equivalent, ...r }) => ({ ...r, rules: direct || equivalent }))
    .sort((a, b) => Number(a.alternative) - Number(b.alternative) || b.rules - a.rules || cmp(a.provider, b.provider) || a.eventId - b.eventId);

  // Authoring guide: each rule counts once per row.
  const fields = new Map<
    string,
    { concept: string; rules: Set<string>; aliases: Set<string>; ops: Map<OpKind, Set<string>>; values: Map<string, { value: string; rules: Set<string> }> }
  >();
  const indicators = new Map<string, Agg>();
  const exclusions = new Map<string, Agg>();
  analyses.forEach((a) => {
    if (!a) return;
    a.predicates.forEach((p, i) => {
      const concept = a.concepts[i] ?? '';
      // Event IDs are what "Events covered" shows; the guide is about everything else.
      if (concept === EVENT_ID) return;
      if (!p.negated && p.field !== null) {
        // Concepts come out of normaliseField in their own case; fields it does not know keep the case their
        // rules give them (Sigma's are case-sensitive: Okta's eventType is not Sysmon's EventType).
        let f = fields.get(concept);
        if (!f) fields.set(concept, (f = { concept, rules: new Set(), aliases: new Set(), ops: new Map(), values: new Map() }));
        f.rules.add(a.path);
        f.aliases.add(p.field);
        let ops = f.ops.get(p.op);
        if (!ops) f.ops.set(p.op, (ops = new Set()));
        ops.add(a.path);
        if (VALUED(p)) {
          const vk = p.value.toLowerCase();
          let v = f.values.get(vk);
          if (!v) f.values.set(vk, (v = { value: p.value, rules: new Set() }));
          v.rules.add(a.path);
        }
      }
      if (!VALUED(p)) return;
      const key = reachKey(concept, p.op, p.value, p.negated, isCased(p));
      const target = p.negated ? exclusions : indicators;
      let agg = target.get(key);
      if (!agg) target.set(key, (agg = { field: concept, op: p.op, value: p.value, rules: new Set(), key }));
      agg.rules.add(a.path);
    });
  });
  const fieldRows: FieldRow[] = [...fields.values()]
    .map((f) => {
      return {
        field: f.concept,
        aliases: [...f.aliases].filter((x) => x !== f.concept).sort(cmp),
        rules: f.rules.size,
        ops: [...f.ops].map(([op, s]) => ({ op, rules: s.size })).sort((x, y) => y.rules - x.rules || cmp(x.op, y.op)),
        samples: [...f.values.values()].sort((x, y) => y.rules.size - x.rules.size || cmp(x.value, y.value)).slice(0, sampleCount).map((v) => v.value),
      };
    })
    .sort((a, b) => b.rules - a.rules || cmp(a.field, b.field));
  const fieldRank = new Map(fieldRows.map((f, i) => [f.field.toLowerCase(), i]));
  const rows = (m: Map<string, Agg>): IndicatorRow[] =>
    [...m.values()]
      .map((g) => {
        const reach = store.reachOf(g.key);
        return { field: g.field, op: g.op, value: g.value, rules: g.rules.size, reach, uniqueHere: reach <= g.rules.size };
      })
      .sort(
        (a, b) =>
          b.rules - a.rules ||
          b.reach - a.reach ||
          (fieldRank.get(a.field.toLowerCase()) ?? 1e9) - (fieldRank.get(b.field.toLowerCase()) ?? 1e9) ||
          cmp(a.value, b.value),
      );

  // Rules by vendor, then package.
  const groups = new Map<string, Map<string, RuleRow[]>>();
  const ruleRows = refs.map((r, i) => ruleRow(r, analyses[i], store.isPending(r.path)));
  for (const row of ruleRows) {
    const v = row.vendor.toLowerCase();
    let g = groups.get(v);
    if (!g) groups.set(v, (g = new Map<string, RuleRow[]>()));
    const list = g.get(row.package) ?? [];
    list.push(row);
    g.set(row.package, list);
  }
  const vendorRank = (v: string): number => {
    const i = VENDOR_ORDER.indexOf(v);
    return i < 0 ? VENDOR_ORDER.length : i;
  };
  const vendors: VendorGroup[] = [...groups]
    .sort(([a], [b]) => vendorRank(a) - vendorRank(b) || cmp(a, b))
    .map(([vendor, pk]) => ({
      vendor,
      label: vendorLabel(vendor),
      rules: [...pk.values()].reduce((n, l) => n + l.length, 0),
      packages: [...pk]
        .sort(([a], [b]) => cmp(a, b))
        .map(([pkg, list]) => ({ package: pkg, rules: list.sort((x, y) => compareText(x.title, y.title) || cmp(x.path, y.path)) })),
    }));

  const attack = ctx.details ? attackContext(ctx.details, id) : null;
  return {
    id,
    name: cov.name,
    catalogVersion: index.catalogVersion,
    status: cov.status,
    ...(cov.replacement ? { replacement: cov.replacement } : {}),
    rules: refs.length,
    rolledUp: rolledUpRules.length,
    successorRules: successorRules.length,
    ...(successorRules[0]?.via ? { successor: successorRules[0].via } : {}),
    parsedRules: analyses.filter((a) => a && a.predicates.length > 0).length,
    pending: ruleRows.filter((r) => r.state === 'pending').length,
    corpusRules: store.size,
    events: eventRows,
    guide: { fields: fieldRows, indicators: rows(indicators), exclusions: rows(exclusions) },
    vendors,
    unparsed: ruleRows
      .filter((r) => r.state !== 'full')
      .map((r) => ({ path: r.path, title: r.title, vendor: r.vendor, state: r.state, problems: r.problems })),
    attack,
    gap: attack ? gapOf(attack, eventRows) : null,
  };
}
