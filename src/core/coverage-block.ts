/**
 * The `attack-coverage` code block: a small YAML body saying which technique and which sections to
 * show, with filters. Parsing is forgiving (unknown keys are reported, not fatal); evaluation gives the
 * rows the panel lists, which the CLI's `blocks` command prints and the plugin renders.
 */
import type { CoverageIndex, RuleRef, TechniqueCoverage, TestRef } from './coverage-index';
import { parseBareId, type TechniqueId } from './ids';
import type { YamlParser } from './rules';

export const SECTIONS = ['rules', 'tests', 'gaps'] as const;
export type BlockSection = (typeof SECTIONS)[number];

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
}

export interface ParsedBlock {
  block: CoverageBlock;
  problems: string[];
}

const LEVEL_ORDER = ['critical', 'high', 'medium', 'low', 'informational'];
const KNOWN_KEYS = new Set(['technique', 'show', 'sections', 'rollup', 'roll-up', 'roll_up', 'status', 'level', 'vendor', 'product', 'sort', 'limit']);

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
  const show = words(o.show ?? o.sections);
  if (show.length) {
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
  if (o.limit !== undefined) {
    const n = Number(o.limit);
    if (Number.isInteger(n) && n > 0) block.limit = n;
    else problems.push('limit should be a positive whole number');
  }
  return { block, problems };
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
    const d = by === 'level' ? rank(a.level) - rank(b.level) : by === 'title' ? 0 : a[by].localeCompare(b[by]);
    return d !== 0 ? d : a.title.localeCompare(b.title) || (a.path < b.path ? -1 : 1);
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
