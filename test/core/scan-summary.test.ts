/**
 * `scan`'s text output counts the notes that count for each technique (`counted`, `scanSummary`) instead
 * of building every list. The lists `technique()` builds are the oracle: a technique's counted notes are
 * its own, rolled-up and successor lists, plus its active sub-techniques' successor lists when rolling up.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticVault } from '../../bench/synthetic';
import { loadVault } from '../../src/cli/vault';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { scanReport, scanSummary } from '../../src/core/report';

const TEST_VAULT = join(__dirname, '../../test-vault');
const synthetic = mkdtempSync(join(tmpdir(), 'attack-coverage-summary-'));
writeSyntheticVault(synthetic, 1500, 7);
const paths = (xs: Array<{ path: string }>): string[] => xs.map((x) => x.path);

describe.each([
  ['test-vault', TEST_VAULT],
  ['a synthetic vault', synthetic],
])('on %s', (_name, vault) => {
  test.each([true, false])('with roll-up %s, counts equal the lengths of the built lists', (rollUp) => {
    const { index } = loadVault(vault, { keepSources: false, settings: { rollUp } });
    const ids = index.techniqueIds();
    expect(ids.length).toBeGreaterThan(30);
    for (const id of ids) {
      const t = index.technique(id);
      const subs = rollUp && !id.includes('.') ? defaultCatalog().subtechniqueIds(id).map((s) => index.technique(s, { rollUp: false })) : [];
      const rules = new Set([...paths(t.rules), ...paths(t.rolledUpRules), ...paths(t.successorRules), ...subs.flatMap((s) => paths(s.successorRules))]);
      const tests = new Set([...paths(t.tests), ...paths(t.rolledUpTests), ...paths(t.successorTests), ...subs.flatMap((s) => paths(s.successorTests))]);
      const counted = index.counted(id);
      expect(paths(counted.rules).sort()).toEqual([...rules].sort());
      expect(paths(counted.tests).sort()).toEqual([...tests].sort());
    }

    const report = scanReport(index, vault);
    const summary = scanSummary(index, vault);
    // The totals, recounted from the lists the full report holds (notes under successor IDs count too).
    const withRules = report.techniques.filter((t) => t.rules.length + t.rolledUpRules.length + t.successorRules.length > 0);
    const withTests = report.techniques.filter((t) => t.tests.length + t.rolledUpTests.length + t.successorTests.length > 0);
    expect(report.counts).toEqual({
      notes: index.size,
      techniques: report.techniques.length,
      rules: report.rules.length,
      tests: report.tests.length,
      techniquesWithRules: withRules.length,
      techniquesWithTests: withTests.length,
      techniquesWithBoth: withRules.filter((t) => withTests.includes(t)).length,
      techniquesWithNeither: report.techniques.filter((t) => !withRules.includes(t) && !withTests.includes(t)).length,
    });
    expect(summary.counts).toEqual(report.counts);
    expect(summary.diagnostics).toEqual(report.diagnostics);
    // A test note counts its `## Atomic Test` sections, and at least one.
    const atomic = new Map(report.tests.map((x) => [x.path, Math.max(1, x.testCount)]));
    const ruleTotal = (t: (typeof report.techniques)[number]): number => t.rules.length + t.rolledUpRules.length + t.successorRules.length;
    const mostCovered = [...report.techniques]
      .sort((a, b) => ruleTotal(b) - ruleTotal(a))
      .slice(0, 10)
      .map((t) => ({
        id: t.id,
        name: t.name,
        rules: t.rules.length,
        rolledUpRules: t.rolledUpRules.length,
        successorRules: t.successorRules.length,
        testCount: [...new Set([...t.tests, ...t.rolledUpTests, ...t.successorTests])].reduce((n, p) => n + (atomic.get(p) ?? 0), 0),
      }));
    expect(summary.mostCovered).toEqual(mostCovered);
  });
});
