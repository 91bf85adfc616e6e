/**
 * Importing layers as an overlay (Sigma heat map, Atomic Red Team, threat-actor layers, an array of
 * layers, a v19 layer) and comparing them with the vault.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import catalogJson from '../../src/core/attack/catalog.json';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { LayerError, compareWithLayer, exportLayer, overlayCatalog, overlayEntryUnder, parseLayerFile, unmatchedLine } from '../../src/core/layers';
import { MatrixModel } from '../../src/core/matrix';
import { printComparison } from '../../src/cli/commands/layer';
import { SAMPLE, buildIndex } from '../matrix/fixtures';

const catalog = defaultCatalog();
const cat = overlayCatalog(catalog);
const rawCatalog = catalogJson as unknown as { techniques: Array<{ id: string; revokedBy?: string }>; remaps: { techniques: Record<string, { id: string }> } };
const revokedBy = new Map(rawCatalog.techniques.filter((t) => t.revokedBy).map((t) => [t.id, t.revokedBy as string]));
const remaps = rawCatalog.remaps.techniques;
const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const model = new MatrixModel(buildIndex(SAMPLE), catalog);
/** Oracle: techniques with at least one rule in SAMPLE (rolled up to parents, plus v19 successors). */
const detected = new Set(model.matrixCells().filter((c) => c.rules.length).map((c) => c.id));

describe('parseLayerFile', () => {
  test('Sigma heat map (format 4.4): read with a warning; score 0 is not "in the layer"', () => {
    const o = parseLayerFile(fixture('sigma-heatmap.json'), cat);
    expect(o.name).toBe('sigma-cli ATT&CK heatmap');
    expect([...o.entries.keys()].sort()).toEqual(['T1046', 'T1059.001', 'T1105', 'T1562.001']);
    expect(o.entries.get('T1059.001')!.score).toBe(40);
    expect(o.ignored).toBe(1);
    expect(o.problems.join('\n')).toMatch(/"4.4" must be "4.5"/);
    expect(o.layerFormat).toBe('4.4');
  });

  test('Atomic Red Team layer: scores are test counts; disabled entries are left out', () => {
    const o = parseLayerFile(fixture('art-layer.json'), cat);
    expect([...o.entries.keys()].sort()).toEqual(['T1003.001', 'T1059.001', 'T1218.011']);
    expect(o.entries.get('T1218.011')!.score).toBe(4);
    expect(o.entries.get('T1059.001')!.comment).toContain('Mimikatz');
    expect(o.problems).toEqual([]);
  });

  test('an array of layers (threat actor + v19 campaign) merges into one overlay, mapping retired IDs', () => {
    const o = parseLayerFile(fixture('apt-layers.json'), cat);
    expect(o.name).toBe('APT-EXAMPLE (G9999) + v19 campaign');
    // T1059 carries only showSubtechniques: not annotated. A colour without a score counts.
    expect(o.entries.has('T1059')).toBe(false);
    expect(o.entries.has('T1566.001')).toBe(true);
    // Revoked T1086 is compared as its replacement, T1059.001 (catalog revoked-by).
    expect(o.entries.get('T1059.001')!.layerIds).toEqual(['T1086']);
    // v19 T1685 lands on the v18 IDs it replaces (remap rows).
    for (const id of ['T1562', 'T1562.001', 'T1562.006']) expect(o.entries.get(id)!.layerIds).toEqual(['T1685']);
    expect(o.entries.get('T1059.001')!.tactics).toEqual(['execution']);
  });

  test('tactics: an entry without a tactic shows the technique under all of them, in one layer and across merged layers', () => {
    const layer = (techniques: object[]): object => ({ name: 'l', domain: 'enterprise-attack', versions: { layer: '4.5' }, techniques });
    const one = parseLayerFile(JSON.stringify(layer([{ techniqueID: 'T1078', tactic: 'persistence', score: 1 }, { techniqueID: 'T1078', tactic: 'defense-evasion', score: 1 }])), cat);
    expect(one.entries.get('T1078')!.tactics.sort()).toEqual(['defense-evasion', 'persistence']);
    const both = parseLayerFile(JSON.stringify(layer([{ techniqueID: 'T1078', tactic: 'persistence', score: 1 }, { techniqueID: 'T1078', score: 1 }])), cat);
    expect(both.entries.get('T1078')!.tactics).toEqual([]);
    const merged = parseLayerFile(JSON.stringify([layer([{ techniqueID: 'T1078', score: 1 }]), layer([{ techniqueID: 'T1078', tactic: 'persistence', score: 2 }])]), cat);
    expect(merged.entries.get('T1078')!.tactics).toEqual([]);
    expect(merged.entries.get('T1078')!.score).toBe(2);
  });

  test('a later disabled or unscored entry hides an earlier one under its tactics, as Navigator applies them in order', () => {
    const raw = (catalogJson as unknown as { techniques: Array<{ id: string; tactics: string[]; revoked?: boolean; deprecated?: boolean }> }).techniques;
    const t = raw.find((x) => !x.revoked && !x.deprecated && x.tactics.length >= 3)!;
    const [off, ...on] = t.tactics as [string, ...string[]];
    const layer = (techniques: object[]): string => JSON.stringify({ name: 'l', domain: 'enterprise-attack', versions: { navigator: '5.1.0', layer: '4.5' }, techniques });
    const shownUnder = (text: string): string[] => t.tactics.filter((tac) => overlayEntryUnder(parseLayerFile(text, cat), t.id, tac)).sort();
    // Everywhere, then disabled (or scored 0) under one tactic: shown under the others.
    expect(shownUnder(layer([{ techniqueID: t.id, score: 3 }, { techniqueID: t.id, tactic: off, score: 3, enabled: false }]))).toEqual([...on].sort());
    expect(shownUnder(layer([{ techniqueID: t.id, score: 3 }, { techniqueID: t.id, tactic: off, score: 0 }]))).toEqual([...on].sort());
    // Under one tactic, then disabled everywhere: not in the layer at all.
    const hidden = parseLayerFile(layer([{ techniqueID: t.id, tactic: off, score: 5 }, { techniqueID: t.id, score: 5, enabled: false }]), cat);
    expect(hidden.entries.has(t.id)).toBe(false);
    expect(hidden.ignored).toBe(1);
    // The other way round the later entries add to the earlier ones.
    expect(shownUnder(layer([{ techniqueID: t.id, tactic: off, score: 3, enabled: false }, { techniqueID: t.id, score: 3 }]))).toEqual([...t.tactics].sort());
  });

  test('a revoked ID without a tactic marks its replacement under all of the replacement\'s tactics', () => {
    const raw = (catalogJson as unknown as { techniques: Array<{ id: string; tactics: string[]; revokedBy?: string }> }).techniques;
    const byId = new Map(raw.map((t) => [t.id, t]));
    // A revoked technique whose replacement has a tactic it had not (T1004 → T1547.004 adds privilege-escalation).
    const old = raw.find((t) => {
      const r = t.revokedBy ? byId.get(t.revokedBy) : undefined;
      return !!r && r.tactics.some((x) => !t.tactics.includes(x)) && r.tactics.some((x) => t.tactics.includes(x));
    })!;
    const repl = byId.get(old.revokedBy!)!;
    const o = parseLayerFile(JSON.stringify({ name: 'l', domain: 'enterprise-attack', versions: { navigator: '5.1.0', layer: '4.5' }, techniques: [{ techniqueID: old.id, score: 1 }] }), cat);
    expect(repl.tactics.filter((tac) => overlayEntryUnder(o, repl.id, tac)).sort()).toEqual([...repl.tactics].sort());
  });

  test('a v19 layer under v19 tactics: the unknown tactic is reported once, not as a wrong tactic on every entry', () => {
    const raw = (catalogJson as unknown as { tactics: Array<{ shortname: string }>; techniques: Array<{ id: string; tactics: string[]; revoked?: boolean; deprecated?: boolean }> });
    expect(raw.tactics.map((t) => t.shortname)).not.toContain('stealth');
    const evasion = raw.techniques.filter((t) => !t.revoked && !t.deprecated && t.tactics.includes('defense-evasion')).slice(0, 30);
    expect(evasion.length).toBe(30);
    const techniques = evasion.map((t) => ({ techniqueID: t.id, tactic: 'stealth', score: 1 }));
    const o = parseLayerFile(JSON.stringify({ name: 'v19', domain: 'enterprise-attack', versions: { attack: '19', navigator: '5.3.0', layer: '4.5' }, techniques }), cat);
    expect(o.problems.filter((p) => p.includes('stealth'))).toHaveLength(1);
    expect(o.problems.filter((p) => /is not under tactic/.test(p))).toEqual([]);
  });

  test('a technique listed twice under the same tactic: the last entry counts, as in Navigator, and it is reported', () => {
    // Navigator's ViewModel.deserialize replaces the technique-tactic's annotations with each entry in turn.
    const layer = {
      name: 'repeats',
      domain: 'enterprise-attack',
      versions: { navigator: '5.1.0', layer: '4.5' },
      techniques: [
        { techniqueID: 'T1046', score: 5 },
        { techniqueID: 'T1105', tactic: 'command-and-control', score: 3 },
        { techniqueID: 'T1046', score: 2 },
        { techniqueID: 'T1105', tactic: 'command-and-control', score: 3, enabled: false },
      ],
    };
    const o = parseLayerFile(JSON.stringify(layer), cat);
    expect(o.entries.get('T1046')!.score).toBe(2);
    expect(o.entries.has('T1105')).toBe(false);
    expect(o.problems.filter((p) => /listed 2 times/.test(p))).toEqual([
      expect.stringContaining('T1046'),
      expect.stringContaining('T1105 under "command-and-control"'),
    ]);
  });

  test('one technique listed 40,000 times with different comments: the last entry is kept, the repeat reported once', () => {
    const techniques = Array.from({ length: 40_000 }, (_, i) => ({ techniqueID: 'T1059', comment: `comment ${i}` }));
    const o = parseLayerFile(JSON.stringify({ name: 'repeats', domain: 'enterprise-attack', techniques }), cat);
    expect(o.entries.get('T1059')!.comment).toBe('comment 39999');
    expect(o.problems).toContain('T1059 is listed 40000 times: the last entry is used, as in Navigator');
  });

  test('not a layer: a clear error', () => {
    expect(() => parseLayerFile('{ nope', cat)).toThrow(LayerError);
    expect(() => parseLayerFile('[]', cat)).toThrow(/empty list/);
    expect(() => parseLayerFile('{"rules": []}', cat)).toThrow(/not an ATT&CK Navigator layer/);
    expect(() => parseLayerFile('{"name": "x", "domain": "enterprise-attack", "techniques": {}}', cat)).toThrow(/not a list/);
  });
});

describe('compareWithLayer', () => {
  test('in layer but undetected, detected, vault only — against the notes', () => {
    const o = parseLayerFile(fixture('sigma-heatmap.json'), cat);
    const c = compareWithLayer(model, o, 'rules');
    const inLayer = [...o.entries.keys()];
    expect(c.undetected.map((r) => r.id)).toEqual(inLayer.filter((id) => !detected.has(id)).sort());
    expect(c.detected.map((r) => r.id)).toEqual(inLayer.filter((id) => detected.has(id)).sort());
    const counterparts = (id: string): string[] => [id, ...(revokedBy.get(id) ? [revokedBy.get(id)!] : []), ...Object.keys(remaps).filter((from) => remaps[from]!.id === id)];
    expect(c.vaultOnly.map((r) => r.id).sort()).toEqual([...model.allCells()].filter((x) => x.rules.length && !counterparts(x.id).some((id) => o.entries.has(id))).map((x) => x.id).sort());
    expect(c.undetected.map((r) => r.id)).toEqual(['T1046']);
  });

  test('a sub-technique row is named as ATT&CK names it: "Parent: Sub"', () => {
    const names = new Map((catalogJson as unknown as { techniques: Array<{ id: string; name: string }> }).techniques.map((t) => [t.id, t.name]));
    const c = compareWithLayer(model, parseLayerFile(fixture('sigma-heatmap.json'), cat), 'rules');
    const ps = c.differences.find((r) => r.id === 'T1059.001')!;
    expect(ps.name).toBe(`${names.get('T1059')}: ${names.get('T1059.001')}`);
    expect(c.differences.find((r) => r.id === 'T1046')!.name).toBe(names.get('T1046'));
  });

  test('a next-release sub-technique is named once with its parent, not "Parent: Parent: Sub"', () => {
    // SAMPLE has notes under T1685 and T1685.001, so both have cells outside the matrix.
    const next = (catalogJson as unknown as { next: { techniques: Record<string, string> } }).next.techniques;
    const layer = { name: 'v19', domain: 'enterprise-attack', versions: { navigator: '5.1.0', layer: '4.5' }, techniques: [{ techniqueID: 'T1685.001', score: 1 }] };
    const c = compareWithLayer(model, parseLayerFile(JSON.stringify(layer), cat), 'rules');
    expect(c.differences.find((r) => r.id === 'T1685.001')!.name).toBe(`${next['T1685']}: ${next['T1685.001']}`);
  });

  test('score difference: vault score minus layer score, largest first', () => {
    const c = compareWithLayer(model, parseLayerFile(fixture('sigma-heatmap.json'), cat), 'rules');
    const ps = c.differences.find((r) => r.id === 'T1059.001')!;
    expect(ps.layerScore).toBe(40);
    expect(ps.difference).toBe(2 - 40);
    expect(c.differences[0]!.id).toBe('T1059.001');
  });

  test('our own layer compared with the vault: rules filed under revoked or v19 IDs are in it, under the IDs they map to', () => {
    // SAMPLE files rules under T1086 (revoked) and T1685 (v19): cells outside the matrix, left out of the export.
    for (const id of ['T1086', 'T1685']) expect(model.cell(id)!.rules.length).toBeGreaterThan(0);
    const layer = exportLayer(model, { score: 'rules' });
    const scored = new Set((layer.techniques ?? []).filter((t) => (t.score ?? 0) > 0).map((t) => t.techniqueID));
    const c = compareWithLayer(model, parseLayerFile(JSON.stringify(layer), cat), 'rules');
    expect(c.inLayer).toBe(scored.size);
    // Only IDs no ATT&CK 18 technique stands for (T1999, unknown) are missing from the layer.
    const standsFor = (id: string): boolean => revokedBy.has(id) || Object.values(remaps).some((to) => to.id === id);
    const outside = [...model.allCells()].filter((x) => !x.inMatrix && x.rules.length);
    expect(outside.filter((x) => standsFor(x.id)).length).toBeGreaterThan(0);
    expect(c.vaultOnly.map((r) => r.id)).toEqual(outside.filter((x) => !standsFor(x.id)).map((x) => x.id).sort());
  });

  test('a v19 ID with no note of its own: its row links to no note, not to one of the v18 techniques it replaces', () => {
    const v18 = Object.keys(remaps).filter((from) => remaps[from]!.id === 'T1685');
    expect(v18.length).toBeGreaterThan(1);
    // Notes for the v18 techniques, none naming T1685 itself.
    const spec = { techniqueNotes: v18, rules: [{ name: 'Tamper', techniques: [v18[0]!], level: 'high', vendor: 'sigma' }] };
    const m = new MatrixModel(buildIndex(spec), catalog);
    expect(m.cell('T1685')).toBeUndefined();
    const layer = { name: 'v19', domain: 'enterprise-attack', versions: { navigator: '5.1.0', layer: '4.5' }, techniques: [{ techniqueID: 'T1685', score: 1 }] };
    const c = compareWithLayer(m, parseLayerFile(JSON.stringify(layer), cat), 'rules');
    expect(c.detected.map((r) => [r.id, r.notePath])).toEqual([['T1685', null]]);
  });

  test('v19 IDs with no v18 counterpart are reported as not in the matrix', () => {
    const c = compareWithLayer(model, parseLayerFile(fixture('apt-layers.json'), cat), 'rules');
    expect(c.unmatched).toEqual(['T1027.018']);
    // T1685 itself has a cell (a rule in SAMPLE is filed under it) and is detected.
    expect(c.detected.map((r) => r.id)).toContain('T1685');
    expect(c.undetected.map((r) => r.id)).toContain('T1021.001');
  });

  test('a layer of 30,000 unknown IDs: every one is reported as not in the matrix', () => {
    // 30,000 IDs no ATT&CK release has (T5000–T5029 with sub-technique numbers), a 1.3 MB file: quadratic work takes many seconds.
    const ids = Array.from({ length: 30_000 }, (_, i) => `T${5000 + Math.floor(i / 1000)}.${String(i % 1000).padStart(3, '0')}`);
    const text = JSON.stringify({ name: 'many', domain: 'enterprise-attack', versions: { navigator: '5.1.0', layer: '4.5' }, techniques: ids.map((techniqueID) => ({ techniqueID, score: 1 })) });
    const o = parseLayerFile(text, cat);
    const c = compareWithLayer(model, o, 'rules');
    expect(c.unmatched).toEqual([...ids].sort());
    expect(c.inLayer).toBe(0);
  });
});

describe('compareWithLayer with roll-up: a parent detected only through its sub-techniques', () => {
  const layerOf = (...ids: string[]): string =>
    JSON.stringify({ name: 'l', domain: 'enterprise-attack', versions: { navigator: '5.1.0', layer: '4.5' }, techniques: ids.map((techniqueID) => ({ techniqueID, score: 1 })) });
  const subOnly = new MatrixModel(buildIndex({ techniqueNotes: ['T1059', 'T1059.001'], rules: [{ name: 'ps', techniques: ['T1059.001'], level: 'high', vendor: 'sigma', product: 'windows' }] }), catalog);
  const withOwn = new MatrixModel(
    buildIndex({
      techniqueNotes: ['T1059', 'T1059.001'],
      rules: [
        { name: 'ps', techniques: ['T1059.001'], level: 'high', vendor: 'sigma', product: 'windows' },
        { name: 'generic', techniques: ['T1059'], level: 'low', vendor: 'sigma', product: 'linux' },
      ],
    }),
    catalog,
  );

  test('is not "detected, not in the layer" when the layer has those sub-techniques', () => {
    expect(subOnly.cell('T1059')?.rules.length).toBe(1); // rolled up
    expect(compareWithLayer(subOnly, parseLayerFile(layerOf('T1059.001'), cat), 'rules').vaultOnly.map((r) => r.id)).toEqual([]);
  });

  test('is, when the layer lacks them, and so is a parent with a rule of its own', () => {
    expect(compareWithLayer(subOnly, parseLayerFile(layerOf('T1003'), cat), 'rules').vaultOnly.map((r) => r.id).sort()).toEqual(['T1059', 'T1059.001']);
    expect(compareWithLayer(withOwn, parseLayerFile(layerOf('T1059.001'), cat), 'rules').vaultOnly.map((r) => r.id)).toEqual(['T1059']);
  });
});

describe('a layer with many IDs the matrix does not show', () => {
  const unknown = Array.from({ length: 100 }, (_, i) => `T9${String(i).padStart(3, '0')}`);
  const layer = JSON.stringify({ name: 'l', domain: 'enterprise-attack', versions: { navigator: '5.1.0', layer: '4.5' }, techniques: unknown.map((techniqueID) => ({ techniqueID, score: 1 })) });
  const c = compareWithLayer(model, parseLayerFile(layer, cat), 'rules');

  test('the CLI lists the first thirty and says how many more', () => {
    expect(c.unmatched).toHaveLength(unknown.length);
    const lines: string[] = [];
    printComparison(c, (l) => lines.push(l));
    expect(lines.find((l) => l.includes('not in the matrix'))).toBe(`  not in the matrix: ${unknown.slice(0, 30).join(', ')} and ${unknown.length - 30} more (see --json)`);
  });

  test('a short list is given whole', () => {
    const few = { ...c, unmatched: c.unmatched.slice(0, 3) };
    expect(unmatchedLine(few, ' (see --json)')).toBe(few.unmatched.join(', '));
  });
});
