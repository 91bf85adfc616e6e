/**
 * Gap lists against oracles computed from the notes' data, and the v18 → v19 remap rows checked
 * against Elastic's mapping file in the shared corpus (when present).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { computeGaps, gapsMarkdown, wikilink } from '../../src/core/gaps';
import { parseCoverageBlock } from '../../src/core/coverage-block';
import { parseYamlCore } from '../../src/cli/yaml';
import { corpusDir } from '../support/corpus';
import { SAMPLE, buildIndex, rulePath, testPath, type RuleSpec, type VaultSpec } from '../matrix/fixtures';

const catalog = defaultCatalog();

describe('gap lists on a small vault', () => {
  const spec: VaultSpec = SAMPLE;
  const gaps = computeGaps(buildIndex(spec), catalog);

  // Oracles from the spec: which techniques are named by rules / tests (sub-techniques roll up into parents).
  const ruleIds = new Set(spec.rules!.flatMap((r) => r.techniques));
  const testIds = new Set(spec.tests!.map((t) => t.technique));
  const rolled = (ids: Set<string>, id: string): boolean => ids.has(id) || (id.length === 5 && [...ids].some((x) => x.startsWith(`${id}.`)));

  test('techniques with a note but no rules / no tests', () => {
    // Notes: T1059 (rules), T1059.001 (rules, tests), T1003.001 (rules, tests), T1086 (revoked; one rule).
    expect(gaps.noRules.map((t) => t.id)).toEqual(spec.techniqueNotes!.filter((id) => !rolled(ruleIds, id)).sort());
    expect(gaps.noTests.map((t) => t.id)).toEqual(spec.techniqueNotes!.filter((id) => !rolled(testIds, id)).sort());
    expect(gaps.noTests.map((t) => t.id)).toEqual(['T1086']);
  });

  test('whole-catalog counts match the catalog minus what the notes cover', () => {
    const all = computeGaps(buildIndex(spec), catalog, { scope: 'catalog' });
    const active = catalog.techniques();
    // Named directly or under the v19 ID that replaces it; a parent also through its sub-techniques (T1562 ← T1562.002 ← T1685.001).
    const named = (ids: Set<string>, id: string): boolean => ids.has(id) || ids.has(catalog.remap(id)?.id ?? '');
    const covered = (ids: Set<string>, id: string): boolean => rolled(ids, id) || named(ids, id) || catalog.subtechniqueIds(id).some((s) => named(ids, s));
    expect(all.counts.catalogNoRules).toBe(active.length - active.filter((t) => covered(ruleIds, t.id)).length);
    expect(all.noRules.length).toBe(all.counts.catalogNoRules);
    expect(all.counts.catalogNoTests).toBe(active.length - active.filter((t) => covered(testIds, t.id)).length);
  });

  test('rules none of whose techniques has a test', () => {
    const tested = (id: string): boolean => rolled(testIds, id);
    const expected = spec.rules!.filter((r) => !r.techniques.some(tested)).map(rulePath).sort();
    expect(gaps.untestedRules.map((r) => r.path)).toEqual(expected);
    expect(gaps.untestedRules.find((r) => r.title === 'Generic interpreter')).toBeUndefined(); // T1059 rolls up T1059.001's tests
  });

  test('tests whose technique has no rules', () => {
    expect(gaps.undetectedTests.map((t) => t.path)).toEqual(spec.tests!.filter((t) => !rolled(ruleIds, t.technique)).map(testPath));
    expect(gaps.undetectedTests.map((t) => t.technique)).toEqual(['T1218.011', 'T1685.001']);
  });

  test('outdated IDs with what to use instead', () => {
    const by = (id: string) => gaps.outdated.filter((o) => o.id === id);
    expect(by('T1086').map((o) => [o.role, o.kind, o.replacement])).toEqual([
      ['rule', 'revoked', 'T1059.001'],
      ['technique', 'revoked', 'T1059.001'],
    ]);
    expect(by('T1685')[0]).toMatchObject({ kind: 'newer', advice: expect.stringContaining('T1562.001') });
    expect(by('T1999')[0]).toMatchObject({ kind: 'unknown' });
  });

  test('the result note: headings with counts, wikilinks to the notes', () => {
    const md = gapsMarkdown(gaps);
    expect(md).toMatch(/^# ATT&CK coverage gaps/);
    expect(md).toContain(`## Tests whose techniques have no rules (2)`);
    expect(md).toContain('[[Testing Runbooks/T1218.011 - Runbook|');
    expect(wikilink('a/b|c].md', 'x | y [z]')).toBe('[[a/bc|x   y  z]]');
  });
});

describe('the attack-coverage block: view and its filters', () => {
  const parse = (s: string) => parseCoverageBlock(s, parseYamlCore);

  test('defaults keep the technique view and its behaviour', () => {
    const p = parse('technique: T1059.006\nshow: [rules]');
    expect(p.problems).toEqual([]);
    expect(p.block.view).toBe('technique');
    expect(p.block.show).toEqual(['rules']);
  });

  test('view: matrix with score and filters', () => {
    const p = parse('view: matrix\nscore: level\nplatform: [Windows, Network Devices]\ntactic: execution, persistence\nvendor: sigma\nexpand: all');
    expect(p.problems).toEqual([]);
    expect(p.block).toMatchObject({ view: 'matrix', score: 'level', platforms: ['windows', 'network devices'], tactics: ['execution', 'persistence'], expand: 'all' });
    expect(p.block.filters.vendor).toEqual(['sigma']);
  });

  test('view: gaps with lists and scope', () => {
    const p = parse('view: gaps\nshow: [no-tests, outdated]\nscope: catalog');
    expect(p.problems).toEqual([]);
    expect(p.block).toMatchObject({ view: 'gaps', gaps: ['no-tests', 'outdated'], scope: 'catalog' });
  });

  test('mistakes are reported, not fatal', () => {
    expect(parse('view: heatmap').problems).toEqual(['unknown view "heatmap" (technique, matrix or gaps)']);
    expect(parse('view: matrix\nscore: max').problems[0]).toMatch(/unknown score "max"/);
    expect(parse('view: gaps\nshow: [rules]').problems[0]).toMatch(/unknown gap list "rules"/);
    expect(parse('score: rules').problems[0]).toMatch(/apply to the matrix and gaps views only/);
  });
});

const V19_YAML = (() => {
  const dir = corpusDir();
  const file = dir ? join(dir, 'attack/v19-partial/elastic-attack_v18_to_v19.yaml') : '';
  return file && existsSync(file) ? file : null;
})();

(V19_YAML ? describe : describe.skip)('v18 → v19 remaps from Elastic\'s mapping file (shared corpus)', () => {
  if (!V19_YAML) {
    test.skip('elastic-attack_v18_to_v19.yaml is not in ../shared/corpus', () => undefined);
    return;
  }
  const doc = loadYaml(readFileSync(V19_YAML, 'utf8')) as Record<string, Record<string, { id: string; name: string } | null>>;
  const rows = Object.entries({ ...doc.techniques, ...doc.subtechniques }).filter((r): r is [string, { id: string; name: string }] => !!r[1]);

  test('the file has the rows domain.md lists', () => {
    expect(rows.length).toBeGreaterThanOrEqual(12);
  });

  test('every v18 ID in the file, used by a rule, is listed with its v19 replacement', () => {
    const rules: RuleSpec[] = rows.map(([from], i) => ({ name: `rule ${i}`, techniques: [from] }));
    const gaps = computeGaps(buildIndex({ rules }), catalog);
    for (const [from, to] of rows) {
      const use = gaps.outdated.find((o) => o.id === from);
      expect(use).toBeDefined();
      expect(use!.replacement).toBe(to.id);
      expect(use!.advice).toContain(to.id);
    }
  });
});
