/**
 * The `attack-coverage` code block: a small YAML body saying which technique and which sections to
 * show, with filters. Parsing is forgiving (unknown keys are reported, not fatal); evaluation gives the
 * rows the panel lists, which the CLI's `blocks` command prints and the plugin renders.
 */
import type { CoverageIndex, RuleRef, TechniqueCoverage, TestRef } from './coverage-index';
import { parseBareId, type TechniqueId } from './ids';
import type { YamlParser } from './rules';
import { compareText } from './text-order';

/** Panel sections; the last five are the technique analytics (src/ui/analytics.ts). */
export const SECTIONS = ['rules', 'tests', 'gaps', 'events', 'guide', 'packages', 'mitigations', 'detection'] as const;
export type BlockSection = (typeof SECTIONS)[number];

/** `view:` — one technique's panel (the default), the coverage matrix, or the gap lists. */
export const VIEWS = ['technique', 'matrix', 'gaps'] as const;
export type BlockView = (typeof VIEWS)[number];
/** `score:` of a matrix view (see matrix/model.ts). */
export const BLOCK_SCORES = ['rules', 'level', 'tests', 'state'] as const;
export type BlockScore = (typeof BLOCK_SCORES)[number];
/** `show:` of a gaps view (see gaps.ts). */
export const GAP_LISTS = ['no-rules', 'no-tests', 'untested-rules', 'undetected-tests', 'outdated'] as const;
export type GapList = (typeof GAP_LISTS)[number];

export interface RuleFilters {
  status: string[];
  level: string[];
  vendor: string[];
  product: string[];
}

export interface CoverageBlock {
  technique?: TechniqueId;
  show: BlockSection[];
  rollUp?: boolean;
  filters: RuleFilters;
  sort: 'title' | 'level' | 'status' | 'vendor';
  limit: number;
  /**
   * What the block shows (default `technique`); the keys below apply to the matrix and gaps views.
   * Optional so that blocks built in code stay valid; the parser always fills them.
   */
  view?: BlockView;
  /** Matrix colouring (default `state`). */
  score?: BlockScore;
  /** Catalog platforms (`Windows`, `Linux`…), lower-cased; empty: all. */
  platforms?: string[];
  /** Tactic shortnames, IDs or names, lower-cased; empty: all. */
  tactics?: string[];
  /** Sub-techniques shown open: none, those with coverage (default), or all. */
  expand?: 'none' | 'annotated' | 'all';
  /** Gaps view: lists to show (default all). */
  gaps?: GapList[];
  /** Gaps view: technique lists over techniques with a note (default) or the whole catalog. */
  scope?: 'notes' | 'catalog';
}

export interface ParsedBlock {
  block: CoverageBlock;
  problems: string[];
}

const LEVEL_ORDER = ['critical', 'high', 'medium', 'low', 'informational'];
const KNOWN_KEYS = new Set([
  'technique', 'show', 'sections', 'rollup', 'roll-up', 'roll_up', 'status', 'level', 'vendor', 'product', 'sort', 'limit',
  'view', 'score', 'platform', 'platforms', 'tactic', 'tactics', 'expand', 'scope',
]);

function words(v: unknown): string[] {
  if (typeof v === 'string') return v.split(/[,\s]+/).filter(Boolean).map((s) => s.toLowerCase());
  if (Array.isArray(v)) return v.flatMap(words);
  if (typeof v === 'number') return [String(v)];
  return [];
}

export function parseCoverageBlock(source: string, parseYaml: YamlParser): ParsedBlock {
  const problems: string[] = [];
  const block: CoverageBlock = {
    show: ['rules', 'tests'],
    filters: { status: [], level: [], vendor: [], product: [] },
    sort: 'title',
    limit: 50,
    view: 'technique',
    score: 'state',
    platforms: [],
    tactics: [],
    expand: 'annotated',
    gaps: [...GAP_LISTS],
    scope: 'notes',
  };
  let raw: unknown = {};
  try {
    raw = source.trim() ? parseYaml(source) : {};
  } catch (e) {
    problems.push(`the block's YAML does not parse: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    return { block, problems };
  }
  if (typeof raw === 'string') raw = { technique: raw }; // a bare "T1059.006"
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('the block should be YAML keys such as "technique: T1059.006"');
    return { block, problems };
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN_KEYS.has(k.toLowerCase())) problems.push(`unknown key "${k}"`);
  if (o.technique !== undefined && o.technique !== null) {
    const raw = typeof o.technique === 'string' || typeof o.technique === 'number' ? String(o.technique) : JSON.stringify(o.technique);
    const id = parseBareId(raw.replace(/^#/, ''));
    if (id) block.technique = id;
    else problems.push(`"${raw}" is not a technique ID`);
  }
  const view = words(o.view)[0];
  if (view && (VIEWS as readonly string[]).includes(view)) block.view = view as BlockView;
  else if (view) problems.push(`unknown view "${view}" (technique, matrix or gaps)`);
  const show = words(o.show ?? o.sections);
  if (block.view === 'gaps') {
    const ok = show.filter((s): s is GapList => (GAP_LISTS as readonly string[]).includes(s));
    for (const s of show) if (!ok.includes(s as GapList)) problems.push(`unknown gap list "${s}" (${GAP_LISTS.join(', ')})`);
    if (ok.length) block.gaps = ok;
  } else if (show.length && block.view === 'matrix') {
    problems.push('"show" does not apply to the matrix view');
  } else if (show.length) {
    const ok = show.filter((s): s is BlockSection => (SECTIONS as readonly string[]).includes(s));
    for (const s of show) if (!ok.includes(s as BlockSection)) problems.push(`unknown section "${s}"`);
    if (ok.length) block.show = ok;
  }
  const roll = o.rollUp ?? o.rollup ?? o['roll-up'] ?? o.roll_up;
  if (typeof roll === 'boolean') block.rollUp = roll;
  block.filters = { status: words(o.status), level: words(o.level), vendor: words(o.vendor), product: words(o.product) };
  const sort = words(o.sort)[0];
  if (sort === 'title' || sort === 'level' || sort === 'status' || sort === 'vendor') block.sort = sort;
  else if (sort) problems.push(`cannot sort by "${sort}"`);
  parseViewKeys(o, block, problems);
  if (o.limit !== undefined) {
    const n = Number(o.limit);
    if (Number.isInteger(n) && n > 0) block.limit = n;
    else problems.push('limit should be a positive whole number');
  }
  return { block, problems };
}

/** The matrix and gaps views' keys: score, platform, tactic, expand, scope. */
function parseViewKeys(o: Record<string, unknown>, block: CoverageBlock, problems: string[]): void {
  const score = words(o.score)[0];
  if (score && (BLOCK_SCORES as readonly string[]).includes(score)) block.score = score as BlockScore;
  else if (score) problems.push(`unknown score "${score}" (${BLOCK_SCORES.join(', ')})`);
  // Platforms have spaces ("Network Devices"): split on commas only.
  const list = (v: unknown): string[] =>
    typeof v === 'string' ? v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : Array.isArray(v) ? v.flatMap(list) : [];
  block.platforms = list(o.platforms ?? o.platform);
  block.tactics = list(o.tactics ?? o.tactic);
  const expand = typeof o.expand === 'string' ? o.expand.trim().toLowerCase() : o.expand;
  if (expand === true || expand === 'all') block.expand = 'all';
  else if (expand === false || expand === 'none') block.expand = 'none';
  else if (expand === 'annotated' || expand === undefined) block.expand = 'annotated';
  else problems.push('expand should be all, none or annotated');
  const scope = words(o.scope)[0];
  if (scope === 'notes' || scope === 'catalog') block.scope = scope;
  else if (scope) problems.push('scope should be notes or catalog');
  const viewOnly = block.view === 'technique' ? ['score', 'platform', 'platforms', 'tactic', 'tactics', 'expand', 'scope'].filter((k) => o[k] !== undefined) : [];
  if (viewOnly.length) problems.push(`${viewOnly.map((k) => `"${k}"`).join(', ')} apply to the matrix and gaps views only (add "view: matrix")`);
}

export function filterRules(rules: RuleRef[], f: RuleFilters): RuleRef[] {
  const ok = (want: string[], v: string): boolean => want.length === 0 || want.includes(v.toLowerCase());
  return rules.filter((r) => ok(f.status, r.status) && ok(f.level, r.level) && ok(f.vendor, r.vendor) && ok(f.product, r.product));
}

export function sortRules(rules: RuleRef[], by: CoverageBlock['sort']): RuleRef[] {
  const rank = (l: string): number => {
    const i = LEVEL_ORDER.indexOf(l);
    return i < 0 ? LEVEL_ORDER.length : i;
  };
  return [...rules].sort((a, b) => {
    const d = by === 'level' ? rank(a.level) - rank(b.level) : by === 'title' ? 0 : compareText(a[by], b[by]);
    return d !== 0 ? d : compareText(a.title, b.title) || (a.path < b.path ? -1 : 1);
  });
}

export interface BlockResult {
  technique: TechniqueId | null;
  coverage: TechniqueCoverage | null;
  rules: RuleRef[];
  tests: TestRef[];
  /** Rows cut by the limit. */
  hiddenRules: number;
  problems: string[];
}

/** Resolve a block in the note at `notePath`; its technique defaults to the note's own. */
export function evaluateCoverageBlock(index: CoverageIndex, parsed: ParsedBlock, notePath: string): BlockResult {
  const { block } = parsed;
  const problems = [...parsed.problems];
  // Matrix and gaps views are not about one technique: their renderers build the matrix instead.
  if ((block.view ?? 'technique') !== 'technique') return { technique: null, coverage: null, rules: [], tests: [], hiddenRules: 0, problems };
  const own = index.get(notePath);
  const technique = block.technique ?? (own?.cls.role === 'technique' ? own.cls.techniques[0] : own?.facts.ownId) ?? null;
  if (!technique) {
    problems.push('no technique: add "technique: T####" or put the block in a technique note');
    return { technique: null, coverage: null, rules: [], tests: [], hiddenRules: 0, problems };
  }
  const coverage = index.technique(technique, block.rollUp === undefined ? {} : { rollUp: block.rollUp });
  const all = sortRules(filterRules([...coverage.rules, ...coverage.rolledUpRules], block.filters), block.sort);
  const rules = block.show.includes('rules') ? all.slice(0, block.limit) : [];
  const tests = block.show.includes('tests') ? [...coverage.tests, ...coverage.rolledUpTests] : [];
  return { technique, coverage, rules, tests, hiddenRules: block.show.includes('rules') ? all.length - rules.length : 0, problems };
}
