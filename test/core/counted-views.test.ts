/**
 * One count of coverage across views: the scan summary and report, the matrix, the gap lists and a
 * technique's own coverage must agree on which techniques have rules and tests, including rules and
 * tests filed only under the ID the next ATT&CK release gives a technique (v18 T1562.001 → v19 T1685).
 *
 * The vaults are built from the committed catalog's own remap rows (read here from the raw JSON), and
 * the expected figures are computed here from the notes the test writes, not by the engine.
 */
import fc from 'fast-check';
import catalogJson from '../../src/core/attack/catalog.json';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { computeGaps } from '../../src/core/gaps';
import { MatrixModel } from '../../src/core/matrix';
import { scanReport, scanSummary } from '../../src/core/report';
import { buildIndex, type RuleSpec, type TestSpec, type VaultSpec } from '../matrix/fixtures';

interface RawTechnique {
  id: string;
  parent?: string;
  revoked?: boolean;
  deprecated?: boolean;
}
const raw = catalogJson as unknown as { techniques: RawTechnique[]; remaps: { techniques: Record<string, { id: string }> } };
const remaps = Object.entries(raw.remaps.techniques).map(([from, to]) => ({ from, to: to.id }));
const byId = new Map(raw.techniques.map((t) => [t.id, t]));
const activeSubs = (id: string): string[] => raw.techniques.filter((t) => t.parent === id && !t.revoked && !t.deprecated).map((t) => t.id);
const parentOf = (id: string): string => id.split('.')[0] as string;

/** The IDs a rule or test filed under `filed` counts for, from the raw remap rows and the spec's notes. */
function countsFor(id: string, filed: string, rollUp: boolean): boolean {
  if (filed === id) return true;
  const isParent = !id.includes('.');
  if (rollUp && isParent && filed.startsWith(`${id}.`)) return true;
  if (raw.remaps.techniques[id]?.id === filed) return true;
  return rollUp && isParent && activeSubs(id).some((s) => raw.remaps.techniques[s]?.id === filed);
}

function expected(spec: VaultSpec, rollUp: boolean): { withRules: Set<string>; withTests: Set<string>; tests: Map<string, number> } {
  const withRules = new Set<string>();
  const withTests = new Set<string>();
  const tests = new Map<string, number>();
  for (const id of spec.techniqueNotes ?? []) {
    if ((spec.rules ?? []).some((r) => r.techniques.some((t) => countsFor(id, t, rollUp)))) withRules.add(id);
    const mine = (spec.tests ?? []).filter((t) => countsFor(id, t.technique, rollUp));
    if (mine.length) withTests.add(id);
    // A test note counts its `## Atomic Test` sections, and one when it has none.
    tests.set(id, mine.reduce((n, t) => n + Math.max(1, t.tests), 0));
  }
  return { withRules, withTests, tests };
}

/** Technique notes for every remapped ID and its parent, plus a plain technique; notes filed per `plan`. */
function vaultOf(plan: Array<{ rule: 'none' | 'own' | 'successor'; tests: number | null }>): VaultSpec {
  const notes = new Set<string>(['T1059']);
  const rules: RuleSpec[] = [{ name: 'plain rule', techniques: ['T1059'] }];
  const tests: TestSpec[] = [];
  remaps.forEach(({ from, to }, i) => {
    notes.add(from);
    if (from.includes('.')) notes.add(parentOf(from));
    const p = plan[i % plan.length] ?? { rule: 'none', tests: null };
    if (p.rule !== 'none') rules.push({ name: `rule ${i}`, techniques: [p.rule === 'own' ? from : to] });
    // Test notes are filed under the successor, as Atomic Red Team does; `0`: a note without sections.
    if (p.tests !== null) tests.push({ technique: to, tests: p.tests, name: `Runbook ${i}` });
  });
  return { techniqueNotes: [...notes].sort(), rules, tests };
}

const planArb = fc.array(fc.record({ rule: fc.constantFrom('none' as const, 'own' as const, 'successor' as const), tests: fc.option(fc.integer({ min: 0, max: 3 })) }), {
  minLength: remaps.length,
  maxLength: remaps.length,
});

describe('coverage counts agree across views', () => {
  test('the catalog has remap rows for sub-techniques, parents and a revoked technique', () => {
    // The vaults below rely on these kinds of row; if the catalog loses them the test says so here.
    expect(remaps.some((r) => r.from.includes('.'))).toBe(true);
    expect(remaps.some((r) => !r.from.includes('.'))).toBe(true);
    expect(remaps.some((r) => byId.get(r.from)?.revoked)).toBe(true);
  });

  test.each([true, false])('with roll-up %s, scan, matrix, gaps and technique coverage count the same techniques', (rollUp) => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const spec = vaultOf(plan);
        const index = buildIndex(spec, rollUp);
        const want = expected(spec, rollUp);
        const noted = spec.techniqueNotes ?? [];
        const both = noted.filter((id) => want.withRules.has(id) && want.withTests.has(id));
        const neither = noted.filter((id) => !want.withRules.has(id) && !want.withTests.has(id));
        const counts = {
          techniquesWithRules: want.withRules.size,
          techniquesWithTests: want.withTests.size,
          techniquesWithBoth: both.length,
          techniquesWithNeither: neither.length,
        };

        expect(scanSummary(index, 'v').counts).toMatchObject({ techniques: noted.length, ...counts });
        expect(scanReport(index, 'v').counts).toMatchObject({ techniques: noted.length, ...counts });

        const model = new MatrixModel(index, defaultCatalog(), { rollUp });
        const gaps = computeGaps(index, defaultCatalog(), { rollUp });
        const noRules = new Set(gaps.noRules.map((t) => t.id));
        const noTests = new Set(gaps.noTests.map((t) => t.id));
        expect(gaps.counts.techniqueNotes).toBe(noted.length);
        for (const id of noted) {
          const cell = model.cell(id);
          const cov = index.technique(id, { rollUp });
          expect([id, cell?.rules.length ? 'rules' : 'no rules']).toEqual([id, want.withRules.has(id) ? 'rules' : 'no rules']);
          expect([id, cell?.testCount]).toEqual([id, want.tests.get(id)]);
          expect([id, noRules.has(id), noTests.has(id)]).toEqual([id, !want.withRules.has(id), !want.withTests.has(id)]);
          expect([id, cov.counted.rules.length > 0, cov.counted.tests.length > 0]).toEqual([id, want.withRules.has(id), want.withTests.has(id)]);
          // The gap strings say "no rules" / "no tests" only when no view counts any.
          expect([id, cov.gaps.includes('no rules'), cov.gaps.includes('no tests')]).toEqual([id, !want.withRules.has(id), !want.withTests.has(id)]);
        }
        // The gap lists' test figures are the matrix's.
        for (const t of [...gaps.noRules, ...gaps.noTests]) expect([t.id, t.tests]).toEqual([t.id, want.tests.get(t.id)]);
      }),
      { numRuns: 25 },
    );
  });
});
