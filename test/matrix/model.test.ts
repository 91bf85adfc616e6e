/**
 * The matrix model against oracles computed from the raw catalog JSON and from the notes' data.
 */
import fc from 'fast-check';
import catalogJson from '../../src/core/attack/catalog.json';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { MatrixModel, bucketLabel, bucketOf, scoreOf, type MatrixCell } from '../../src/core/matrix';
import { source } from '../support/notes';
import { SAMPLE, SIGMA_LEVEL_WEIGHTS, buildIndex, ruleText, rulePath, testPath, testText, type RuleSpec, type TestSpec, type VaultSpec } from './fixtures';

interface RawTechnique {
  id: string;
  name: string;
  tactics: string[];
  platforms: string[];
  isSubtechnique: boolean;
  parent?: string;
  revoked?: boolean;
  deprecated?: boolean;
}
const raw = catalogJson as unknown as {
  version: string;
  tactics: Array<{ id: string; shortname: string; name: string }>;
  techniques: RawTechnique[];
  remaps: { techniques: Record<string, { id: string }> };
};
const active = raw.techniques.filter((t) => !t.revoked && !t.deprecated);
const catalog = defaultCatalog();

/** Oracle: the rules counted for a technique, from the spec alone. */
function oracleRules(spec: VaultSpec, id: string, rollUp = true): RuleSpec[] {
  const subs = new Set(active.filter((t) => t.parent === id).map((t) => t.id));
  for (const r of spec.rules ?? []) for (const t of r.techniques) if (t.startsWith(`${id}.`)) subs.add(t);
  const own = (spec.rules ?? []).filter((r) => r.techniques.includes(id) || (rollUp && id.length === 5 && r.techniques.some((t) => subs.has(t))));
  const next = raw.remaps.techniques[id]?.id;
  const successor = next ? (spec.rules ?? []).filter((r) => r.techniques.includes(next) && !own.includes(r)) : [];
  const subNext = rollUp && id.length === 5 ? subSuccessorsOf(id) : new Set<string>();
  const rolledSuccessor = (spec.rules ?? []).filter((r) => !own.includes(r) && !successor.includes(r) && r.techniques.some((t) => subNext.has(t)));
  return [...own, ...successor, ...rolledSuccessor];
}

/** The next-release IDs of a parent's active sub-techniques (T1070 → T1685.005, T1685.006), from the raw remap rows. */
function subSuccessorsOf(id: string): Set<string> {
  return new Set(active.filter((t) => t.parent === id).flatMap((t) => raw.remaps.techniques[t.id]?.id ?? []));
}

function oracleTests(spec: VaultSpec, id: string, rollUp = true): TestSpec[] {
  const next = raw.remaps.techniques[id]?.id;
  const subNext = rollUp && id.length === 5 ? subSuccessorsOf(id) : new Set<string>();
  return (spec.tests ?? []).filter(
    (t) => t.technique === id || t.technique === next || subNext.has(t.technique) || (rollUp && id.length === 5 && t.technique.startsWith(`${id}.`)),
  );
}

function expectCellMatchesOracle(cell: MatrixCell, spec: VaultSpec): void {
  const rules = oracleRules(spec, cell.id);
  const tests = oracleTests(spec, cell.id);
  expect(cell.rules.map((r) => r.title).sort()).toEqual(rules.map((r) => r.name).sort());
  expect(cell.levelScore).toBe(rules.reduce((n, r) => n + (SIGMA_LEVEL_WEIGHTS[r.level ?? 'medium'] ?? 0), 0));
  const testCount = tests.reduce((n, t) => n + Math.max(1, t.tests), 0);
  expect(cell.testCount).toBe(testCount);
  const state = rules.length ? (tests.length ? 'covered-tested' : 'covered-untested') : tests.length ? 'tested-undetected' : 'neither';
  expect(cell.state).toBe(state);
}

describe('matrix layout from the catalog', () => {
  const model = new MatrixModel(buildIndex({}), catalog);

  test('columns are the catalog tactics in matrix order (domain.md §4.1), then nothing else for an empty vault', () => {
    const order = ['TA0043', 'TA0042', 'TA0001', 'TA0002', 'TA0003', 'TA0004', 'TA0005', 'TA0006', 'TA0007', 'TA0008', 'TA0009', 'TA0011', 'TA0010', 'TA0040'];
    expect(model.columns().map((c) => c.tactic?.id)).toEqual(order);
  });

  test('every active technique of the release has a cell, even with no note at all', () => {
    expect(model.matrixCells().length).toBe(active.length);
    expect(active.length).toBeGreaterThan(600);
    for (const t of active) expect(model.cell(t.id)).toBeDefined();
    expect([...model.allCells()].every((c) => c.state === 'neither' && c.notePath === null)).toBe(true);
  });

  test('each parent sits in the column of each of its tactics; sub-techniques hang under it', () => {
    for (const col of model.columns()) {
      const expected = active.filter((t) => !t.isSubtechnique && t.tactics.includes(col.key)).map((t) => t.id).sort();
      expect([...col.techniques].sort()).toEqual(expected);
    }
    for (const t of active.filter((x) => !x.isSubtechnique)) {
      const subs = active.filter((s) => s.parent === t.id).map((s) => s.id).sort();
      expect([...(model.cell(t.id)?.subtechniques ?? [])].sort()).toEqual(subs);
    }
  });

  test('cells within a column are in name order, as Navigator shows them', () => {
    const col = model.columns().find((c) => c.key === 'execution')!;
    const names = col.techniques.map((id) => model.cell(id)!.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
  });

  test('platform filter keeps only techniques on that platform (oracle: the raw catalog)', () => {
    const esxi = new MatrixModel(buildIndex({}), catalog, { filters: { platforms: ['ESXi'] } });
    const expected = active.filter((t) => t.platforms.includes('ESXi')).map((t) => t.id).sort();
    expect(esxi.matrixCells().map((c) => c.id).sort()).toEqual(expected);
  });

  test('tactic filter keeps the chosen columns (by shortname, ID or name)', () => {
    const m = new MatrixModel(buildIndex({}), catalog, { filters: { tactics: ['execution', 'TA0006', 'Impact'] } });
    expect(m.columns().map((c) => c.key)).toEqual(['execution', 'credential-access', 'impact']);
  });
});

describe('cell scores against the notes', () => {
  const index = buildIndex(SAMPLE);
  const model = new MatrixModel(index, catalog);

  test.each(['T1059', 'T1059.001', 'T1059.004', 'T1003', 'T1003.001', 'T1105', 'T1218.011', 'T1562.001', 'T1562.002', 'T1562', 'T1046'])('%s', (id) => {
    expectCellMatchesOracle(model.cell(id)!, SAMPLE);
  });

  test('level weights are sigma-cli\'s: informational 1, low 2, medium 4, high 8, critical 12; no level weighs 0', () => {
    expect(model.cell('T1059.001')!.levelScore).toBe(8 + 12);
    expect(model.cell('T1105')!.levelScore).toBe(12 + 0);
    expect(scoreOf(model.cell('T1059.001')!, 'level')).toBe(20);
  });

  test('the four states all occur', () => {
    expect(model.cell('T1059.001')!.state).toBe('covered-tested');
    expect(model.cell('T1105')!.state).toBe('covered-untested');
    expect(model.cell('T1218.011')!.state).toBe('tested-undetected');
    expect(model.cell('T1046')!.state).toBe('neither');
  });

  test('tests filed under the v19 ID count for the v18 technique it replaces', () => {
    expect(model.cell('T1562.002')!.tests.map((t) => t.via)).toEqual(['T1685.001']);
    expect(model.cell('T1562.002')!.state).toBe('tested-undetected');
  });

  test('a rule filed under the v19 ID counts for the v18 technique it replaces (catalog remap rows)', () => {
    const cell = model.cell('T1562.001')!;
    expect(cell.successor).toBe('T1685');
    expect(cell.successorRules).toBe(1);
    expect(cell.rules.map((r) => r.title)).toEqual(['Disable Defender']);
  });

  test('a parent counts what its sub-techniques count under their v19 IDs, marked with the sub-technique', () => {
    // T1070.001 became T1685.005 and T1562.002 became T1685.001: neither parent is itself remapped to those IDs.
    const spec: VaultSpec = {
      rules: [
        { name: 'Event log cleared', techniques: ['T1685.005'] },
        { name: 'Log file deleted', techniques: ['T1070.004'] },
      ],
      tests: [
        { technique: 'T1685.005', tests: 3 },
        { technique: 'T1685.001', tests: 2 },
      ],
    };
    const m = new MatrixModel(buildIndex(spec), catalog);
    const sub = m.cell('T1070.001')!;
    const parent = m.cell('T1070')!;
    expect(sub.rules.map((r) => r.title)).toEqual(['Event log cleared']);
    expect(parent.rules.map((r) => r.title).sort()).toEqual(['Event log cleared', 'Log file deleted']);
    expect(parent.rolledUpRules).toBe(2);
    expect(parent.rules.find((r) => r.title === 'Event log cleared')!.via).toBe('T1070.001');
    expect(parent.testCount).toBe(3);
    expect(m.cell('T1562')!.testCount).toBe(2);
    expect(m.cell('T1562')!.tests.map((t) => t.via)).toEqual(['T1562.002']);
    for (const id of ['T1070', 'T1070.001', 'T1562', 'T1562.002']) expectCellMatchesOracle(m.cell(id)!, spec);
    // Without roll-up the parent keeps only its own.
    const flat = new MatrixModel(buildIndex(spec, false), catalog);
    expect(flat.cell('T1070')!.rules).toEqual([]);
    expect(flat.cell('T1562')!.tests).toEqual([]);
  });

  test('IDs outside the matrix get a cell in an extra column with their status', () => {
    const other = model.columns().find((c) => c.tactic === null)!;
    expect(other.techniques).toEqual(['T1086', 'T1685', 'T1685.001', 'T1999']);
    expect(model.cell('T1086')!.status).toBe('revoked');
    expect(model.cell('T1685')!.status).toBe('newer');
    expect(model.cell('T1999')!.status).toBe('unknown');
  });

  test('without roll-up a parent counts only its own rules and tests', () => {
    const flat = new MatrixModel(index, catalog, { rollUp: false });
    expect(flat.cell('T1059')!.rules.map((r) => r.title)).toEqual(['Generic interpreter']);
    expect(flat.cell('T1059')!.testCount).toBe(0);
  });

  test('vendor, status, level and product filters apply to the counted rules', () => {
    const check = (filters: Record<string, string[]>, keep: (r: RuleSpec) => boolean): void => {
      const m = new MatrixModel(index, catalog, { filters });
      const spec: VaultSpec = { ...SAMPLE, rules: SAMPLE.rules!.filter(keep) };
      for (const id of ['T1059', 'T1059.001', 'T1105', 'T1003.001']) expectCellMatchesOracle(m.cell(id)!, spec);
    };
    check({ vendor: ['elastic'] }, (r) => r.vendor === 'elastic');
    check({ status: ['stable'] }, (r) => r.status === 'stable');
    check({ level: ['high', 'critical'] }, (r) => r.level === 'high' || r.level === 'critical');
    check({ product: ['linux'] }, (r) => (r.product ?? 'windows') === 'linux');
  });

  test('facets list the values present in the vault', () => {
    const f = model.ruleFacets();
    expect(f.vendor).toEqual(['elastic', 'sigma', 'splunk']);
    expect(f.level).toEqual(['informational', 'low', 'medium', 'high', 'critical']);
  });
});

describe('score buckets', () => {
  test('fixed boundaries, labelled as ranges', () => {
    expect([0, 1, 2, 4, 5, 9, 10, 500].map((n) => bucketOf('rules', n))).toEqual([0, 1, 2, 2, 3, 3, 4, 4]);
    expect([0, 1, 2, 3, 4].map((b) => bucketLabel('rules', b))).toEqual(['0', '1', '2–4', '5–9', '10 or more']);
    expect(bucketLabel('level', 1)).toBe('1–7');
  });
});

describe('incremental updates', () => {
  function signatures(m: MatrixModel): Map<string, string> {
    return new Map([...m.allCells()].map((c) => [c.id, JSON.stringify(c)]));
  }

  test('editing one rule recomputes only the cells it touched, before and after', () => {
    const index = buildIndex(SAMPLE);
    const model = new MatrixModel(index, catalog);
    let paths: string[] = [];
    index.onChange((c) => (paths = c.paths));
    const rule: RuleSpec = { name: 'PowerShell encoded', techniques: ['T1003.001'], level: 'low' };
    index.upsert(source(rulePath(rule), ruleText(rule)));
    const delta = model.applyChange(paths);
    expect(delta.structural).toBe(false);
    // Before: T1059.001 (and its parent T1059); after: T1003.001 (and its parent T1003).
    expect([...delta.changed].sort()).toEqual(['T1003', 'T1003.001', 'T1059', 'T1059.001']);
    const fresh = new MatrixModel(index, catalog);
    expect(signatures(model)).toEqual(signatures(fresh));
  });

  test('a new ID outside the matrix is a structural change', () => {
    const index = buildIndex(SAMPLE);
    const model = new MatrixModel(index, catalog);
    const rule: RuleSpec = { name: 'Brand new', techniques: ['T1998'] };
    index.upsert(source(rulePath(rule), ruleText(rule)));
    const delta = model.applyChange([rulePath(rule)]);
    expect(delta.structural).toBe(true);
    expect(model.columns().find((c) => !c.tactic)!.techniques).toContain('T1998');
  });

  test('a cell outside the matrix goes when no note names its ID, even while a sub-technique rolls rules up into it', () => {
    // Found by the property below: T1685 (v19) kept a cell for r1's T1685.005 after r3, the only note naming T1685, went.
    const index = buildIndex({ techniqueNotes: ['T1059'] });
    const model = new MatrixModel(index, catalog);
    let paths: string[] = [];
    index.onChange((c) => (paths = c.paths));
    const step = (edit: () => void): void => {
      paths = [];
      edit();
      model.applyChange(paths);
    };
    const r3: RuleSpec = { name: 'r3', techniques: ['T1685', 'T1059'] };
    const r1: RuleSpec = { name: 'r1', techniques: ['T1685.005'] };
    step(() => index.upsert(source(rulePath(r3), ruleText(r3))));
    step(() => index.upsert(source(rulePath(r1), ruleText(r1))));
    expect(model.cell('T1685')?.rules.map((r) => r.path).sort()).toEqual([rulePath(r1), rulePath(r3)]);
    step(() => index.remove(rulePath(r3)));
    expect(model.cell('T1685')).toBeUndefined();
    expect(signatures(model)).toEqual(signatures(new MatrixModel(index, catalog)));
  });

  // Random edit sequences: after each step the incrementally updated model equals a fresh one.
  const ids = ['T1059', 'T1059.001', 'T1059.003', 'T1003.001', 'T1105', 'T1562.001', 'T1685', 'T1070', 'T1685.005', 'T1086', 'T1997'];
  const ruleArb = fc.record({
    name: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
    techniques: fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 3 }),
    level: fc.constantFrom('low', 'high', 'critical', ''),
    vendor: fc.constantFrom('sigma', 'elastic'),
  });
  const testArb = fc.record({ technique: fc.constantFrom(...ids), tests: fc.integer({ min: 0, max: 3 }), name: fc.constantFrom('a', 'b') });
  const op = fc.oneof(
    ruleArb.map((r) => ({ kind: 'rule' as const, r })),
    testArb.map((t) => ({ kind: 'test' as const, t })),
    fc.constantFrom('r1', 'r2', 'r3', 'r4').map((name) => ({ kind: 'delete' as const, name })),
    fc.tuple(fc.constantFrom('r1', 'r2'), fc.constantFrom('r3', 'r4')).map(([from, to]) => ({ kind: 'rename' as const, from, to })),
  );

  test('property: incremental model == fresh model after any edit sequence', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), fc.boolean(), (ops, vendorFilter) => {
        const index = buildIndex({ techniqueNotes: ['T1059'] });
        const opts = vendorFilter ? { filters: { vendor: ['sigma'] } } : {};
        const model = new MatrixModel(index, catalog, opts);
        let paths: string[] = [];
        index.onChange((c) => (paths = c.paths));
        for (const o of ops) {
          paths = [];
          if (o.kind === 'rule') index.upsert(source(rulePath(o.r), ruleText(o.r)));
          else if (o.kind === 'test') index.upsert(source(testPath(o.t), testText(o.t)));
          else if (o.kind === 'delete') index.remove(`Detection Rules/${o.name}.md`);
          else index.rename(`Detection Rules/${o.from}.md`, `Detection Rules/${o.to}.md`);
          const before = signatures(model);
          const delta = model.applyChange(paths);
          const fresh = new MatrixModel(index, catalog, opts);
          const now = signatures(model);
          expect(now).toEqual(signatures(fresh));
          // Every cell that differs from before is reported (a structural change re-renders everything).
          if (!delta.structural) for (const [id, s] of now) if (before.get(id) !== s) expect(delta.changed).toContain(id);
        }
      }),
      { numRuns: 60 },
    );
  });
});
