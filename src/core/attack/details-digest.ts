/**
 * Per-technique ATT&CK context digested from a STIX bundle: mitigations with their per-technique "how"
 * text, v17 data components with their per-technique text, and v18+ detection strategies with their
 * analytics (platforms, log sources and channels, mutable elements). Pure TS: the build script, the CLI
 * and the plugin (for a newer bundle the user selects) all call `digestDetails`.
 *
 * The output is compact: repeated strings (texts, log-source name + channel pairs) go into tables and
 * entries point at them by index, so the committed `details.json` can ship inside main.js.
 */
import { ATTACK_COPYRIGHT, attackRef, withoutCitations, type StixObject } from './stix';

export const DETAILS_FORMAT = 1;

/** `[platforms joined by ",", indexes into logSources, indexes into elements, index into texts (description)]`. */
export type AnalyticData = [platforms: string, logSources: number[], mutable: number[], description: number];

export interface TechniqueDetailsData {
  /** Mitigations: `[M####, index into texts]` (the `mitigates` relationship's description). */
  m?: Array<[string, number]>;
  /** v18+ detection strategies (DET####) that detect the technique. */
  s?: string[];
  /**
   * ≤ v17 data components: `[component key, paragraph indexes into texts…]` (the `detects` relationship's
   * description). Stored by paragraph: a technique's components repeat its general detection advice.
   */
  c?: Array<[string, ...number[]]>;
}

export interface DetailsData {
  format: number;
  /** ATT&CK release of the mitigations and strategies, e.g. "18.1". */
  version: string;
  source?: string;
  /** Where the v17 data components come from when merged from an older bundle (`mergeLegacyDetails`). */
  legacy?: { version: string; source?: string; textLimit?: number };
  copyright: string;
  mitigations: Record<string, string>;
  dataSources: Record<string, string>;
  /** Component key (DC#### when the bundle gives IDs, else "Source: Component") → [name, DS####]. */
  components: Record<string, [string, string]>;
  /** DET#### → [name, AN#### …]. */
  strategies: Record<string, [string, string[]]>;
  analytics: Record<string, AnalyticData>;
  /** Analytic log-source references as "name\tchannel\tcomponent key". */
  logSources: string[];
  /** Analytics' mutable elements as "field\tdescription". */
  elements: string[];
  /** Per-technique texts (mitigation "how", v17 component text). */
  texts: string[];
  techniques: Record<string, TechniqueDetailsData>;
}

export interface DetailsDigestOptions {
  version?: string;
  source?: string;
  /**
   * Keep at most this many characters of each per-technique v17 component text (cut at a paragraph or
   * sentence end, then "…"); the embedded "Analytic 1 - …" pseudo-queries are always dropped. 0 = no limit.
   */
  legacyTextLimit?: number;
  /** Keep the descriptions of analytics' mutable elements (default true). */
  mutableDescriptions?: boolean;
  /** Keep each analytic's description, v18's per-technique detection text (default true). */
  analyticDescriptions?: boolean;
}

const attackId = (o: StixObject | undefined): string | undefined => attackRef(o)?.external_id;

const active = (o: StixObject): boolean => o.revoked !== true && o.x_mitre_deprecated !== true;

/**
 * ATT&CK prose made plain: citations dropped, Markdown links reduced to their text, `<code>` tags
 * removed, whitespace tidied. The UI shows it as text, never as HTML.
 */
export function plainAttackText(s: string | undefined): string {
  return withoutCitations(s ?? '')
    .replace(/\[([^\]]*)\]\((?:https?:)?[^)\s]*\)/g, '$1')
    .replace(/<\/?code>/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * v17 detection text without its "Analytic 1 - …" pseudo-queries, cut to about `limit` characters at
 * sentence ends. v17 often puts the technique's general advice first and the component's own sentence
 * ("Monitor newly executed processes that may …") last: a cut keeps that last sentence. 0 = no limit.
 */
export function legacyText(s: string | undefined, limit: number): string {
  let t = plainAttackText(s);
  const analytic = t.search(/\n\s*Analytic \d/);
  if (analytic >= 0) t = t.slice(0, analytic).trim();
  if (limit <= 0 || t.length <= limit) return t;
  const ends = [...t.matchAll(/[.!?](?=\s)/g)].map((m) => (m.index ?? 0) + 1);
  const lastStart = ends.length ? (ends[ends.length - 1] as number) : 0;
  const last = t.slice(lastStart).trim();
  const keepLast = lastStart > 0 && /^Monitor\b/.test(last) && last.length <= limit * 0.6;
  const budget = keepLast ? limit - last.length - 3 : limit;
  const headEnd = ends.filter((e) => e <= budget).pop();
  const head = headEnd !== undefined ? t.slice(0, headEnd).trim() : t.slice(0, Math.max(0, t.lastIndexOf(' ', budget))).trim();
  if (keepLast) return head ? `${head} … ${last}` : last;
  return `${head || t.slice(0, limit)} …`;
}

/** Table cells are tab-separated: no tabs or line breaks inside. */
const oneLine = (s: string): string => s.replace(/[\t\r\n]+/g, ' ').trim();

const paragraphs = (s: string): string[] => s.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);

class Table {
  readonly items: string[] = [];
  private readonly index = new Map<string, number>();
  add(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.items.length;
      this.items.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

const sortedRecord = <T>(rec: Map<string, T>): Record<string, T> =>
  Object.fromEntries([...rec.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Digest a STIX bundle (v17-style, v18-style, or both) into the compact details shape. Throws only on a non-bundle. */
export function digestDetails(bundle: unknown, opts: DetailsDigestOptions = {}): DetailsData {
  const objects = (bundle as { objects?: unknown })?.objects;
  if (!Array.isArray(objects)) throw new Error('not a STIX bundle: no "objects" array');
  const all = objects as StixObject[];
  const byStixId = new Map<string, StixObject>();
  for (const o of all) if (o.id) byStixId.set(o.id, o);
  const collection = all.find((o) => o.type === 'x-mitre-collection');
  const texts = new Table();
  const logSources = new Table();
  const elements = new Table();
  const keepMutable = opts.mutableDescriptions !== false;
  const keepAnalyticText = opts.analyticDescriptions !== false;
  const limit = opts.legacyTextLimit ?? 0;

  const techniques = new Map<string, TechniqueDetailsData>();
  const tech = (stixId: string | undefined): TechniqueDetailsData | undefined => {
    const o = stixId ? byStixId.get(stixId) : undefined;
    if (o?.type !== 'attack-pattern' || !active(o)) return undefined;
    const id = attackId(o);
    if (!id) return undefined;
    let t = techniques.get(id);
    if (!t) techniques.set(id, (t = {}));
    return t;
  };

  // Data sources and components (IDs from v18 on; v17 components have none, so they are keyed by name).
  const dataSources = new Map<string, string>();
  const dsByStix = new Map<string, string>();
  for (const o of all) {
    if (o.type !== 'x-mitre-data-source' || !o.id) continue;
    const id = attackId(o) ?? o.name ?? '';
    dsByStix.set(o.id, id);
    dataSources.set(id, o.name ?? '');
  }
  const components = new Map<string, [string, string]>();
  const componentKey = new Map<string, string>();
  for (const o of all) {
    if (o.type !== 'x-mitre-data-component' || !o.id) continue;
    const ds = (o.x_mitre_data_source_ref && dsByStix.get(o.x_mitre_data_source_ref)) || '';
    const key = attackId(o) ?? `${dataSources.get(ds) ?? ''}: ${o.name ?? ''}`;
    componentKey.set(o.id, key);
    components.set(key, [o.name ?? '', ds]);
  }

  const mitigations = new Map<string, string>();
  const strategies = new Map<string, [string, string[]]>();
  const analytics = new Map<string, AnalyticData>();
  const analytic = (stixId: string): string | undefined => {
    const a = byStixId.get(stixId);
    const id = attackId(a);
    if (!a || !id || !active(a)) return undefined;
    if (!analytics.has(id)) {
      const refs = (a.x_mitre_log_source_references ?? []).map((r) =>
        logSources.add([r.name ?? '', r.channel ?? '', (r.x_mitre_data_component_ref && componentKey.get(r.x_mitre_data_component_ref)) || ''].map(oneLine).join('\t')),
      );
      const mutable = (a.x_mitre_mutable_elements ?? []).map((m) =>
        elements.add(`${oneLine(m.field ?? '')}\t${keepMutable ? oneLine(plainAttackText(m.description)) : ''}`),
      );
      analytics.set(id, [(a.x_mitre_platforms ?? []).join(','), refs, mutable, texts.add(keepAnalyticText ? plainAttackText(a.description) : '')]);
    }
    return id;
  };

  for (const r of all) {
    if (r.type !== 'relationship' || !active(r) || !r.source_ref || !r.target_ref) continue;
    if (r.relationship_type === 'mitigates') {
      const src = byStixId.get(r.source_ref);
      const mid = attackId(src);
      if (src?.type !== 'course-of-action' || !mid || !active(src)) continue;
      const t = tech(r.target_ref);
      if (!t) continue;
      mitigations.set(mid, src.name ?? '');
      (t.m ??= []).push([mid, texts.add(plainAttackText(r.description))]);
    } else if (r.relationship_type === 'detects') {
      const src = byStixId.get(r.source_ref);
      if (!src || !active(src)) continue;
      if (src.type === 'x-mitre-detection-strategy') {
        const did = attackId(src);
        const t = tech(r.target_ref);
        if (!did || !t) continue;
        if (!strategies.has(did)) {
          const ans = (src.x_mitre_analytic_refs ?? []).map(analytic).filter((x): x is string => !!x);
          strategies.set(did, [src.name ?? '', ans]);
        }
        if (!(t.s ??= []).includes(did)) t.s.push(did);
      } else if (src.type === 'x-mitre-data-component' && src.id) {
        const key = componentKey.get(src.id);
        const t = tech(r.target_ref);
        if (!key || !t) continue;
        (t.c ??= []).push([key, ...paragraphs(legacyText(r.description, limit)).map((p) => texts.add(p))]);
      }
    }
  }
  for (const t of techniques.values()) {
    t.m?.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    t.s?.sort();
    t.c?.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  // Only what some technique uses.
  const usedComponents = new Set<string>();
  for (const t of techniques.values()) for (const [k] of t.c ?? []) usedComponents.add(k);
  for (const ls of logSources.items) {
    const k = ls.split('\t')[2];
    if (k) usedComponents.add(k);
  }
  const keptComponents = new Map([...components].filter(([k]) => usedComponents.has(k)));
  const usedDs = new Set([...keptComponents.values()].map(([, ds]) => ds));

  return sortTables({
    format: DETAILS_FORMAT,
    version: collection?.x_mitre_version ?? opts.version ?? '',
    ...(opts.source ? { source: opts.source } : {}),
    copyright: ATTACK_COPYRIGHT,
    mitigations: sortedRecord(mitigations),
    dataSources: sortedRecord(new Map([...dataSources].filter(([k]) => usedDs.has(k)))),
    components: sortedRecord(keptComponents),
    strategies: sortedRecord(strategies),
    analytics: sortedRecord(analytics),
    logSources: logSources.items,
    elements: elements.items,
    texts: texts.items,
    techniques: sortedRecord(techniques),
  });
}

/** A table sorted, and where each old index went. */
function sortTable(items: readonly string[]): [string[], number[]] {
  const order = items.map((s, i): [string, number] => [s, i]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const to = new Array<number>(items.length);
  order.forEach(([, old], i) => {
    to[old] = i;
  });
  return [order.map(([s]) => s), to];
}

/**
 * The string tables in sorted order (indexes remapped): similar texts end up next to each other, which
 * is worth ~5% of the packed size, and the file no longer depends on the bundle's object order.
 */
function sortTables(d: DetailsData): DetailsData {
  const [texts, t] = sortTable(d.texts);
  const [logSources, l] = sortTable(d.logSources);
  const [elements, e] = sortTable(d.elements);
  const at = (map: number[], i: number): number => map[i] ?? i;
  const analytics: Record<string, AnalyticData> = {};
  for (const [id, [p, ls, mu, desc]] of Object.entries(d.analytics)) analytics[id] = [p, ls.map((i) => at(l, i)), mu.map((i) => at(e, i)), at(t, desc)];
  const techniques: Record<string, TechniqueDetailsData> = {};
  for (const [id, x] of Object.entries(d.techniques)) {
    techniques[id] = {
      ...(x.m ? { m: x.m.map(([m, i]): [string, number] => [m, at(t, i)]) } : {}),
      ...(x.s ? { s: x.s } : {}),
      ...(x.c ? { c: x.c.map(([k, ...ps]): [string, ...number[]] => [k, ...ps.map((i) => at(t, i))]) } : {}),
    };
  }
  return { ...d, analytics, logSources, elements, texts, techniques };
}

/**
 * Adds the v17 data components of an older digest to a newer one (v18 dropped them): the per-technique
 * component lists and texts come from `legacy`, keyed by the newer release's DC IDs where the names match.
 */
export function mergeLegacyDetails(current: DetailsData, legacy: DetailsData, legacyTextLimit?: number): DetailsData {
  const texts = new Table();
  for (const t of current.texts) texts.add(t);
  // Components keep their STIX identity across releases but only v18 gives them IDs: match by name.
  const byName = new Map<string, string[]>();
  for (const [key, [name]] of Object.entries(current.components)) byName.set(name.toLowerCase(), [...(byName.get(name.toLowerCase()) ?? []), key]);
  const components = { ...current.components };
  const dataSources = { ...current.dataSources };
  const techniques: Record<string, TechniqueDetailsData> = {};
  for (const [id, t] of Object.entries(current.techniques)) techniques[id] = { ...t };
  for (const [id, lt] of Object.entries(legacy.techniques)) {
    if (!lt.c?.length) continue;
    const t = (techniques[id] ??= {});
    t.c = lt.c.map(([key, ...paras]): [string, ...number[]] => {
      const [name, ds] = legacy.components[key] ?? [key, ''];
      const matches = byName.get(name.toLowerCase()) ?? [];
      const k = matches.length === 1 ? (matches[0] as string) : key;
      components[k] = [name, ds || components[k]?.[1] || ''];
      if (ds) dataSources[ds] = legacy.dataSources[ds] ?? '';
      return [k, ...paras.map((ti) => texts.add(legacy.texts[ti] ?? ''))];
    });
  }
  const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);
  return sortTables({
    ...current,
    legacy: { version: legacy.version, ...(legacy.source ? { source: legacy.source } : {}), ...(legacyTextLimit ? { textLimit: legacyTextLimit } : {}) },
    dataSources: Object.fromEntries(Object.entries(dataSources).sort(byKey)),
    components: Object.fromEntries(Object.entries(components).sort(byKey)),
    texts: texts.items,
    techniques: Object.fromEntries(Object.entries(techniques).sort(byKey)),
  });
}
