/**
 * `scan`'s text output counts coverage lists instead of building them (`techniqueCounts`, `scanSummary`).
 * The full report is the oracle: every count must equal the length of the list `technique()` builds.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticVault } from '../../bench/synthetic';
import { loadVault } from '../../src/cli/vault';
import { scanReport, scanSummary } from '../../src/core/report';

const TEST_VAULT = join(__dirname, '../../test-vault');
const synthetic = mkdtempSync(join(tmpdir(), 'attack-coverage-summary-'));
writeSyntheticVault(synthetic, 1500, 7);

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
      expect(index.techniqueCounts(id)).toEqual({
        rules: t.rules.length,
        rolledUpRules: t.rolledUpRules.length,
        tests: t.tests.length,
        rolledUpTests: t.rolledUpTests.length,
        testCount: t.testCount,
        rolledUpTestCount: t.rolledUpTestCount,
      });
    }

    const report = scanReport(index, vault);
    const summary = scanSummary(index, vault);
    // The totals, recounted from the lists the full report holds.
    const withRules = report.techniques.filter((t) => t.rules.length + t.rolledUpRules.length > 0);
    const withTests = report.techniques.filter((t) => t.tests.length > 0 || index.technique(t.id).rolledUpTests.length > 0);
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
    const mostCovered = [...report.techniques]
      .sort((a, b) => b.rules.length + b.rolledUpRules.length - (a.rules.length + a.rolledUpRules.length))
      .slice(0, 10)
      .map((t) => ({ id: t.id, name: t.name, rules: t.rules.length, rolledUpRules: t.rolledUpRules.length, testCount: t.testCount }));
    expect(summary.mostCovered).toEqual(mostCovered);
  });
});
