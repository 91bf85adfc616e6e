/**
 * What the coverage panel shows, as plain data built from the index: one model per kind of note
 * (technique, rule, atomic test, anything else). The side pane, the `attack-coverage` block, the Dataview
 * stand-in, the browser harness and the CLI's report all render these with `technique-panel.ts`.
 * No DOM and no Obsidian here.
 */
import { evaluateCoverageBlock, type BlockSection, type CoverageBlock, type ParsedBlock } from '../core/coverage-block';
import { atomicTestTotal, fromSuccessor, type CoverageIndex, type RuleRef, type TechniqueCoverage, type TechniqueStatus, type TestRef } from '../core/coverage-index';
import { findIdsInText, idFromFileName, idFromPathOrUrl, idFromTag, type TechniqueId } from '../core/ids';
import { findFrontmatter } from '../core/markdown';

export const RULE_COLUMNS = ['status', 'level', 'logsource', 'vendor'] as const;
export type RuleColumn = (typeof RULE_COLUMNS)[number];

export const RULE_COLUMN_LABELS: Record<RuleColumn, string> = {
  status: 'Status',
  level: 'Level',
  logsource: 'Log source',
  vendor: 'Vendor',
};

export interface RuleRow {
  path: string;
  title: string;
  status: string;
  level: string;
  /** product / service / category, the parts that are set. */
  logsource: string;
  vendor: string;
  /** Rolled up: the sub-technique the rule names. Successor rows: the next-release ID. */
  via?: TechniqueId;
}

export interface TestRow {
  path: string;
  title: string;
  technique: TechniqueId;
  testCount: number;
  via?: TechniqueId;
}

export interface TechniqueSummary {
  id: TechniqueId;
  name: string;
  status: TechniqueStatus;
  replacement?: TechniqueId;
  /** The technique's note, if the vault has one. */
  path: string | null;
  rules: number;
  rolledUpRules: number;
  /** Rules and atomic tests filed under next-release IDs (its own or, rolling up, its sub-techniques'). */
  successorRules: number;
  successorTests: number;
  testNotes: number;
  tests: number;
  rolledUpTests: number;
  gaps: string[];
}

/** A technique's coverage as a panel shows it. */
export interface CoverageSection {
  summary: TechniqueSummary;
  show: Record<'rules' | 'tests' | 'gaps', boolean>;
  /** Direct rules first, then rolled-up ones (marked with `via`), each in the requested order, cut at the limit. */
  rules: RuleRow[];
  hiddenRules: number;
  /** Rules filed under the next ATT&CK release's ID for this technique. */
  successor: { id: TechniqueId; rules: RuleRow[] } | null;
  tests: TestRow[];
  problems: string[];
}

export interface RuleTechnique {
  summary: TechniqueSummary;
  otherRules: RuleRow[];
  hiddenRules: number;
  tests: TestRow[];
}

export type MentionSource = 'name' | 'frontmatter' | 'tags' | 'text';

export type PanelModel =
  | { kind: 'indexing'; done: number; total: number }
  | { kind: 'empty'; message: string }
  | { kind: 'technique'; path: string; section: CoverageSection }
  | { kind: 'rule'; path: string; rule: RuleRow & { ruleId: string; techniques: TechniqueId[] }; techniques: RuleTechnique[] }
  | { kind: 'test'; path: string; title: string; testCount: number; sections: CoverageSection[] }
  | { kind: 'other'; path: string; title: string; mentions: Array<{ summary: TechniqueSummary; from: MentionSource[] }>; more: number };

export const DEFAULT_LIMIT = 50;
const MAX_MENTIONS = 100;

export function ruleRow(r: RuleRef): RuleRow {
  return {
    path: r.path,
    title: r.title,
    status: r.status,
    level: r.level,
    logsource: [r.product, r.service, r.category].filter(Boolean).join(' / '),
    vendor: r.vendor,
    ...(r.via ? { via: r.via } : {}),
  };
}

function testRow(t: TestRef): TestRow {
  return { path: t.path, title: t.title, technique: t.technique, testCount: t.testCount, ...(t.via ? { via: t.via } : {}) };
}

export function summarize(c: TechniqueCoverage): TechniqueSummary {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    ...(c.replacement ? { replacement: c.replacement } : {}),
    path: c.path,
    rules: c.rules.length,
    rolledUpRules: c.rolledUpRules.length,
    // As every other view counts them (CoverageIndex.counted).
    successorRules: c.counted.rules.filter(fromSuccessor).length,
    successorTests: atomicTestTotal(c.counted.tests.filter(fromSuccessor)),
    testNotes: c.tests.length + c.rolledUpTests.length,
    tests: c.testCount,
    rolledUpTests: c.rolledUpTestCount,
    gaps: [...c.gaps],
  };
}

/** Coverage of one technique through a parsed `attack-coverage` block (the pane uses a default block). */
export function coverageSection(index: CoverageIndex, parsed: ParsedBlock, notePath: string): CoverageSection | { problems: string[] } {
  const unlimited: ParsedBlock = { block: { ...parsed.block, limit: Number.MAX_SAFE_INTEGER }, problems: parsed.problems };
  const res = evaluateCoverageBlock(index, unlimited, notePath);
  if (!res.coverage) return { problems: res.problems };
  const all = [...res.rules.filter((r) => !r.via), ...res.rules.filter((r) => r.via)];
  const rules = all.slice(0, parsed.block.limit).map(ruleRow);
  const show = { rules: parsed.block.show.includes('rules'), tests: parsed.block.show.includes('tests'), gaps: parsed.block.show.includes('gaps') };
  const cov = res.coverage;
  const successorRules = cov.successorRules.map(ruleRow);
  return {
    summary: summarize(cov),
    show,
    rules: show.rules ? rules : [],
    hiddenRules: show.rules ? all.length - rules.length : 0,
    successor: show.rules && successorRules.length ? { id: successorRules[0]?.via ?? '', rules: successorRules } : null,
    tests: res.tests.map(testRow),
    problems: res.problems,
  };
}

export function isSection(s: CoverageSection | { problems: string[] }): s is CoverageSection {
  return 'summary' in s;
}

export function defaultBlock(technique: TechniqueId, limit: number, show: BlockSection[] = ['rules', 'tests', 'gaps']): ParsedBlock {
  const block: CoverageBlock = { technique, show, filters: { status: [], level: [], vendor: [], product: [] }, sort: 'title', limit };
  return { block, problems: [] };
}

function techniqueSection(index: CoverageIndex, id: TechniqueId, limit: number): CoverageSection {
  const s = coverageSection(index, defaultBlock(id, limit), '');
  // A technique ID always yields coverage (possibly empty): the block names it.
  return s as CoverageSection;
}

export interface PaneOptions {
  /** Rule rows per table before "N more rules not shown". */
  limit?: number;
  /** The note's text, for the IDs an ordinary note mentions in its body. */
  text?: string;
}

/** The pane's model for the note at `path`. */
export function paneModel(index: CoverageIndex, path: string, opts: PaneOptions = {}): PanelModel {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const note = index.get(path);
  const role = note?.cls.role ?? 'other';
  if (note && role === 'technique' && note.cls.techniques[0]) {
    return { kind: 'technique', path, section: techniqueSection(index, note.cls.techniques[0], limit) };
  }
  if (note && role === 'rule') {
    const self = index.ruleRef(path);
    const rule = { ...ruleRow(self ?? { path, title: note.facts.title, vendor: '', status: '', level: '', product: '', service: '', category: '', ruleId: '', techniques: [] }), ruleId: self?.ruleId ?? '', techniques: [...note.cls.techniques] };
    const techniques = note.cls.techniques.map((id): RuleTechnique => {
      const cov = index.technique(id);
      const others = [...cov.rules, ...cov.rolledUpRules].filter((r) => r.path !== path);
      const shown = others.slice(0, limit).map(ruleRow);
      return { summary: summarize(cov), otherRules: shown, hiddenRules: others.length - shown.length, tests: [...cov.tests, ...cov.rolledUpTests].map(testRow) };
    });
    return { kind: 'rule', path, rule, techniques };
  }
  if (note && role === 'test') {
    return {
      kind: 'test',
      path,
      title: note.facts.title,
      testCount: note.facts.atomicTests,
      sections: note.cls.techniques.map((id) => techniqueSection(index, id, limit)),
    };
  }
  return otherModel(index, path, note?.facts.title ?? titleOf(path), opts.text);
}

function titleOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
}

function stringsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) stringsIn(x, out);
  return out;
}

/** Technique IDs an ordinary note mentions: in its frontmatter, its tags and its text. */
function otherModel(index: CoverageIndex, path: string, title: string, text: string | undefined): PanelModel {
  const note = index.get(path);
  const found = new Map<TechniqueId, Set<MentionSource>>();
  const add = (id: TechniqueId | null, from: MentionSource): void => {
    if (!id) return;
    let s = found.get(id);
    if (!s) found.set(id, (s = new Set()));
    s.add(from);
  };
  add(idFromFileName(titleOf(path)), 'name');
  if (note) {
    const fm = { ...(note.facts.frontmatter ?? {}) };
    delete fm.tags;
    delete fm.tag;
    for (const s of stringsIn(fm)) {
      add(idFromPathOrUrl(s), 'frontmatter');
      for (const id of findIdsInText(s)) add(id, 'frontmatter');
    }
    for (const t of [...note.facts.tags, ...note.facts.dataviewTags]) add(idFromTag(t), 'tags');
  }
  if (text !== undefined) {
    const fm = findFrontmatter(text);
    for (const id of findIdsInText(fm ? text.slice(fm.bodyStart) : text)) add(id, 'text');
  }
  const ids = [...found.keys()];
  const mentions = ids.slice(0, MAX_MENTIONS).map((id) => ({ summary: summarize(index.technique(id)), from: [...(found.get(id) ?? [])] }));
  return { kind: 'other', path, title, mentions, more: Math.max(0, ids.length - MAX_MENTIONS) };
}

/** Everything that changes what a panel shows, as one string: equal strings need no DOM swap. */
export function modelKey(model: unknown): string {
  return JSON.stringify(model);
}
