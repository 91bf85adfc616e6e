/**
 * Gap lists over the coverage matrix: techniques without rules or without tests, rules whose techniques
 * have no tests, tests whose techniques have no rules, and notes naming revoked, deprecated, unknown or
 * next-release-retired IDs with what to use instead (including the v18 → v19 remaps).
 *
 * The lists read the same cells as the matrix (same filters, same roll-up), so a technique listed
 * "without tests" is exactly a cell the matrix shows untested.
 */
import type { Catalog } from './attack/catalog';
import { GAP_LISTS, filterRules } from './coverage-block';
import { atomicTestTotal, newerThanCatalog, type CoverageIndex, type TechniqueStatus } from './coverage-index';
import type { TechniqueId } from './ids';
import type { Comparison } from './layers/compare';
import { escapeMarkdown } from './markdown/escape';
import { MatrixModel, cellDisplayName, type MatrixCell, type MatrixOptions } from './matrix';
import { byId, byPath } from './text-order';

/** The gap lists (the block's `show:` values in `view: gaps`). */
export const GAP_SECTIONS = GAP_LISTS;
export type GapSection = (typeof GAP_SECTIONS)[number];

export const GAP_TITLES: Readonly<Record<GapSection, string>> = {
  'no-rules': 'Techniques without rules',
  'no-tests': 'Techniques without tests',
  'untested-rules': 'Rules whose techniques have no tests',
  'undetected-tests': 'Tests whose techniques have no rules',
  outdated: 'Notes using revoked, deprecated, retiring, unknown or newer IDs',
};

export interface GapTechnique {
  id: TechniqueId;
  /** Display name ("Parent: Sub" for sub-techniques). */
  name: string;
  tactics: string[];
  notePath: string | null;
  rules: number;
  tests: number;
}

export interface GapRule {
  path: string;
  title: string;
  level: string;
  status: string;
  vendor: string;
  techniques: TechniqueId[];
}

export interface GapTest {
  path: string;
  title: string;
  technique: TechniqueId;
  testCount: number;
}

/** `retired-next`: active in this release, but the next one replaces it (v18 T1562.001 → v19 T1685). */
export type OutdatedKind = Exclude<TechniqueStatus, 'active'> | 'retired-next';

export interface OutdatedUse {
  path: string;
  title: string;
  role: 'technique' | 'rule' | 'test';
  id: TechniqueId;
  kind: OutdatedKind;
  replacement?: TechniqueId;
  replacementName?: string;
  /** One line for people: "revoked in ATT&CK 18.1: use T1647 Plist File Modification". */
  advice: string;
}

export interface GapReport {
  attackVersion: string;
  /** `notes`: technique lists cover techniques that have a note; `catalog`: every active technique. */
  scope: 'notes' | 'catalog';
  counts: {
    catalogTechniques: number;
    techniqueNotes: number;
    noRules: number;
    noTests: number;
    /** Same lists over the whole catalog, whatever the scope. */
    catalogNoRules: number;
    catalogNoTests: number;
    untestedRules: number;
    undetectedTests: number;
    outdated: number;
  };
  noRules: GapTechnique[];
  noTests: GapTechnique[];
  untestedRules: GapRule[];
  undetectedTests: GapTest[];
  outdated: OutdatedUse[];
  /** Set when an overlay layer was compared. */
  comparison?: Comparison;
}

export interface GapOptions extends MatrixOptions {
  scope?: 'notes' | 'catalog';
}


function gapTechnique(cell: MatrixCell, catalog: Catalog): GapTechnique {
  return {
    id: cell.id,
    name: cellDisplayName(cell, catalog),
    tactics: [...cell.tactics],
    notePath: cell.notePath,
    rules: cell.rules.length,
    tests: cell.testCount,
  };
}

/** Gaps from a matrix model (reuse the model the view already holds). */
export function gapsFromModel(model: MatrixModel, scope: 'notes' | 'catalog' = 'notes'): GapReport {
  const { index, catalog } = model;
  const active = model.matrixCells();
  const noted = (c: MatrixCell): boolean => c.notePath !== null;
  const inScope = scope === 'catalog' ? active : [...model.allCells()].filter(noted);
  const noRules = inScope.filter((c) => c.rules.length === 0).map((c) => gapTechnique(c, catalog)).sort(byId);
  const noTests = inScope.filter((c) => c.tests.length === 0).map((c) => gapTechnique(c, catalog)).sort(byId);

  // Whether a technique is tested / detected: counted as the matrix counts it, cell or no cell.
  const hasTests = (id: TechniqueId): boolean => model.countedRows(id).tests.length > 0;
  const hasRules = (id: TechniqueId): boolean => model.countedRows(id).rules.length > 0;
  // A next-release ID and the IDs it replaces are the same behaviour for testing purposes.
  const related = (id: TechniqueId): TechniqueId[] => {
    const next = catalog.remap(id)?.id;
    return [id, ...catalog.remappedFrom(id), ...(next ? [next] : [])];
  };

  const untestedRules: GapRule[] = [];
  const undetectedTests: GapTest[] = [];
  const outdated: OutdatedUse[] = [];
  const version = catalog.version ? `ATT&CK ${catalog.version}` : 'the catalog';
  const nextVersion = catalog.data.remaps?.to ? `ATT&CK ${catalog.data.remaps.to}` : 'the next release';
  for (const n of index.allNotes()) {
    const role = n.cls.role;
    if (role === 'other') continue;
    const path = n.facts.path;
    if (role === 'rule') {
      const ref = index.ruleRef(path);
      const ids = n.cls.techniques;
      if (ref && ids.length && filterRules([ref], model.filters).length && !ids.some((id) => related(id).some(hasTests))) {
        untestedRules.push({ path, title: ref.title, level: ref.level, status: ref.status, vendor: ref.vendor, techniques: [...ids] });
      }
    } else if (role === 'test') {
      const id = n.cls.techniques[0];
      if (id && !related(id).some(hasRules)) {
        undetectedTests.push({ path, title: n.facts.title, technique: id, testCount: atomicTestTotal([{ testCount: n.facts.atomicTests }]) });
      }
    }
    for (const id of n.cls.techniques) {
      const status = index.statusOf(id);
      const remap = catalog.remap(id);
      if (status === 'active' && !remap) continue;
      const kind: OutdatedKind = status === 'active' ? 'retired-next' : status;
      const replacement = kind === 'newer' ? undefined : catalog.replacement(id);
      const replacementName = replacement ? (catalog.displayName(replacement) ?? (remap?.id === replacement ? remap.name : undefined)) : undefined;
      const use = replacement ? `use ${replacement}${replacementName ? ` ${replacementName}` : ''}` : '';
      let advice: string;
      if (kind === 'newer') advice = newerThanCatalog(catalog, id);
      else if (kind === 'retired-next') advice = `replaced in ${nextVersion}: ${use}`;
      else if (kind === 'unknown') advice = `not in ${version}${use ? `: ${use}` : ''}`;
      else advice = `${kind} in ${version}${use ? `: ${use}` : ''}`;
      outdated.push({
        path,
        title: n.facts.title,
        role,
        id,
        kind,
        ...(replacement ? { replacement } : {}),
        ...(replacementName ? { replacementName } : {}),
        advice,
      });
    }
  }
  untestedRules.sort(byPath);
  undetectedTests.sort(byPath);
  outdated.sort((a, b) => byPath(a, b) || byId(a, b));
  const techniqueNotes = [...model.allCells()].filter(noted).length;
  return {
    attackVersion: catalog.version,
    scope,
    counts: {
      catalogTechniques: active.length,
      techniqueNotes,
      noRules: noRules.length,
      noTests: noTests.length,
      catalogNoRules: active.filter((c) => c.rules.length === 0).length,
      catalogNoTests: active.filter((c) => c.tests.length === 0).length,
      untestedRules: untestedRules.length,
      undetectedTests: undetectedTests.length,
      outdated: outdated.length,
    },
    noRules,
    noTests,
    untestedRules,
    undetectedTests,
    outdated,
  };
}

export function computeGaps(index: CoverageIndex, catalog: Catalog, opts: GapOptions = {}): GapReport {
  return gapsFromModel(new MatrixModel(index, catalog, opts), opts.scope ?? 'notes');
}

// ---- Markdown for the result note ---------------------------------------------------------------

/** `[[path|label]]` with the characters that break a wikilink (or a list line) neutralised. */
export function wikilink(path: string, label: string): string {
  const target = path.replace(/\.md$/i, '').replace(/[|\]]/g, '');
  const text = label.replace(/[|[\]\n]/g, ' ').trim();
  return text ? `[[${target}|${text}]]` : `[[${target}]]`;
}

export interface GapMarkdownOptions {
  /** Shown under the title (e.g. the date). */
  subtitle?: string;
  /** Rows per list before "… and N more" (default 200). */
  limit?: number;
  /**
   * `wiki` (the default): notes as `[[wikilinks]]`, for the note the plugin writes. `text`: titles and
   * paths as escaped text, for Markdown read outside the vault (a CI job summary).
   */
  links?: 'wiki' | 'text';
}

/**
 * The gap lists as Markdown. Text that comes from notes or layers (rule levels, layer and technique
 * names outside links, and in `text` mode every title and path) is escaped, so that it cannot add
 * links, images or HTML to the page.
 */
export function gapsMarkdown(r: GapReport, o: GapMarkdownOptions = {}): string {
  const limit = o.limit ?? 200;
  const text = o.links === 'text';
  const ref = (path: string, label: string): string => (text ? `${escapeMarkdown(label)} (${escapeMarkdown(path)})` : wikilink(path, label));
  // Names without a note come from the catalog; escaped in text mode for one rule throughout.
  const catalogName = (s: string): string => (text ? escapeMarkdown(s) : s);
  const out: string[] = ['# ATT&CK coverage gaps', ''];
  if (o.subtitle) out.push(o.subtitle, '');
  const scope = r.scope === 'catalog' ? `every active technique of ATT&CK ${r.attackVersion}` : 'techniques that have a note';
  out.push(
    `Technique lists cover ${scope}. Across the whole catalog (${r.counts.catalogTechniques} techniques), ` +
      `${r.counts.catalogNoRules} have no rules and ${r.counts.catalogNoTests} have no tests.`,
    '',
  );
  const list = <T>(title: string, rows: T[], line: (x: T) => string): void => {
    out.push(`## ${title} (${rows.length})`, '');
    if (!rows.length) out.push('None.');
    for (const x of rows.slice(0, limit)) out.push(`- ${line(x)}`);
    if (rows.length > limit) out.push(`- … and ${rows.length - limit} more`);
    out.push('');
  };
  const tech = (t: GapTechnique): string => `${t.notePath ? ref(t.notePath, `${t.id} ${t.name}`) : `${t.id} ${catalogName(t.name)}`} — ${t.rules} rules, ${t.tests} tests`;
  list(GAP_TITLES['no-rules'], r.noRules, tech);
  list(GAP_TITLES['no-tests'], r.noTests, tech);
  list(GAP_TITLES['untested-rules'], r.untestedRules, (x) => `${ref(x.path, x.title)} — ${x.techniques.join(', ')}${x.level ? ` (${escapeMarkdown(x.level)})` : ''}`);
  list(GAP_TITLES['undetected-tests'], r.undetectedTests, (x) => `${ref(x.path, x.title)} — ${x.technique}, ${x.testCount} tests`);
  list(GAP_TITLES.outdated, r.outdated, (x) => `${ref(x.path, x.title)} (${x.role}) — ${x.id} ${x.advice}`);
  const c = r.comparison;
  if (c) {
    const layer = escapeMarkdown(c.layer);
    list(`In layer "${layer}" but undetected`, c.undetected, (x) => `${x.notePath ? ref(x.notePath, `${x.id} ${x.name}`) : `${x.id} ${escapeMarkdown(x.name)}`}${x.layerScore !== undefined ? ` — layer score ${x.layerScore}` : ''}`);
    list(`Detected, not in layer "${layer}"`, c.vaultOnly, (x) => `${x.id} ${escapeMarkdown(x.name)} — ${x.rules} rules`);
    if (c.problems.length) list(`Problems in the file of layer "${layer}"`, c.problems, escapeMarkdown);
  }
  return out.join('\n');
}
