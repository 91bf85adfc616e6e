/**
 * Layer export: valid against the 4.5 checker, one entry per technique and tactic (oracle: the raw
 * catalog JSON), scores from the notes, rules and tests named, links back to the notes.
 */
import catalogJson from '../../src/core/attack/catalog.json';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { UNDETECTED_COLOR, exportLayer, obsidianUrl, parseLayerFile, overlayCatalog, validateLayer, versionAtLeast, type LayerTechnique, type MetadataItem } from '../../src/core/layers';
import { MatrixModel, type ScoreKind } from '../../src/core/matrix';
import { SAMPLE, SIGMA_LEVEL_WEIGHTS, buildIndex } from '../matrix/fixtures';

const raw = catalogJson as unknown as {
  version: string;
  techniques: Array<{ id: string; tactics: string[]; isSubtechnique: boolean; parent?: string; revoked?: boolean; deprecated?: boolean }>;
  remaps: { techniques: Record<string, { id: string }> };
};
const active = raw.techniques.filter((t) => !t.revoked && !t.deprecated);
const catalog = defaultCatalog();
const model = new MatrixModel(buildIndex(SAMPLE), catalog);
const facts = {
  tactics: (id: string) => raw.techniques.find((t) => t.id === id)?.tactics,
  hasSubtechniques: (id: string) => active.some((t) => t.parent === id),
};

function entries(layer: { techniques?: LayerTechnique[] }, id: string): LayerTechnique[] {
  return (layer.techniques ?? []).filter((t) => t.techniqueID === id);
}

describe.each(['rules', 'level', 'tests', 'state'] as ScoreKind[])('layer scored by %s', (score) => {
  const layer = exportLayer(model, { score, vaultName: 'My Vault' });

  test('valid 4.5 layer, with the catalog cross-checks (tactic of the technique, showSubtechniques on parents)', () => {
    expect(validateLayer(layer, { catalog: facts })).toEqual({ errors: [], warnings: [] });
  });

  test('versions: layer 4.5, navigator ≥ 4.9.0, attack = the catalog\'s major release, as Navigator keys it', () => {
    expect(layer.versions?.layer).toBe('4.5');
    expect(versionAtLeast(layer.versions!.navigator, '4.9.0')).toBe(true);
    expect(layer.versions?.attack).toBe(raw.version.split('.')[0]);
    expect(layer.domain).toBe('enterprise-attack');
  });

  test('one entry per active technique and tactic', () => {
    const expected = active.flatMap((t) => t.tactics.map((tac) => `${t.id}@${tac}`)).sort();
    const got = (layer.techniques ?? []).map((t) => `${t.techniqueID}@${t.tactic}`).sort();
    expect(got).toEqual(expected);
  });

  test('the gradient spans the scores', () => {
    const max = Math.max(...(layer.techniques ?? []).map((t) => t.score ?? 0));
    expect(layer.gradient!.minValue).toBe(0);
    expect(layer.gradient!.maxValue).toBe(score === 'state' ? 3 : Math.max(1, max));
  });
});

describe('scores, comments, metadata and links', () => {
  const byScore = (score: ScoreKind, id: string): number => entries(exportLayer(model, { score }), id)[0]!.score!;

  test('scores match the notes: rules, level (sigma-cli weights), tests, state', () => {
    // T1059.001: "PowerShell encoded" (high) and "PowerShell download" (critical); one runbook with 3 tests.
    expect(byScore('rules', 'T1059.001')).toBe(2);
    expect(byScore('level', 'T1059.001')).toBe(SIGMA_LEVEL_WEIGHTS.high! + SIGMA_LEVEL_WEIGHTS.critical!);
    expect(byScore('tests', 'T1059.001')).toBe(3);
    expect(byScore('state', 'T1059.001')).toBe(3);
    expect(byScore('state', 'T1218.011')).toBe(1);
    expect(byScore('rules', 'T1046')).toBe(0);
  });

  test('a technique under two tactics gets the same annotation under each', () => {
    const layer = exportLayer(model, { score: 'rules' });
    const e = entries(layer, 'T1078');
    expect(e.map((x) => x.tactic).sort()).toEqual([...raw.techniques.find((t) => t.id === 'T1078')!.tactics].sort());
    expect(new Set(e.map((x) => JSON.stringify({ ...x, tactic: '' }))).size).toBe(1);
  });

  test('comment and metadata name the rules and tests', () => {
    const e = entries(exportLayer(model, { score: 'rules' }), 'T1059.001')[0]!;
    expect(e.comment).toMatch(/^2 rules/);
    const meta = (e.metadata ?? []).filter((m): m is MetadataItem => 'name' in m);
    expect(meta.filter((m) => m.name === 'Rule').map((m) => m.value.replace(/ \[.*$/, '')).sort()).toEqual(['PowerShell download', 'PowerShell encoded']);
    expect(meta.some((m) => m.name === 'Test' && /3 tests/.test(m.value))).toBe(true);
  });

  test('links go back to the notes as obsidian:// URLs when a vault name is given, and not otherwise', () => {
    const withLinks = entries(exportLayer(model, { vaultName: 'My Vault' }), 'T1059.001')[0]!;
    const urls = (withLinks.links ?? []).flatMap((l) => ('url' in l ? [l.url] : []));
    expect(urls[0]).toBe('obsidian://open?vault=My%20Vault&file=Use%20Cases%2FT1059.001%20-%20Note');
    expect(urls).toContain(obsidianUrl('My Vault', 'Detection Rules/PowerShell encoded.md'));
    expect(entries(exportLayer(model), 'T1059.001')[0]!.links).toBeUndefined();
  });

  test('showSubtechniques on parents whose sub-techniques are annotated', () => {
    const layer = exportLayer(model, { score: 'rules' });
    expect(entries(layer, 'T1059')[0]!.showSubtechniques).toBe(true);
    expect(entries(layer, 'T1548')[0]!.showSubtechniques).toBeUndefined();
  });

  test('state layers colour each entry and carry a legend', () => {
    const layer = exportLayer(model, { score: 'state' });
    expect(layer.legendItems!.map((l) => l.label)).toEqual(['Covered and tested', 'Covered, untested', 'Tested, undetected', 'Neither']);
    const colours = new Set((layer.techniques ?? []).map((t) => t.color));
    expect(colours.size).toBe(4);
  });

  test('IDs outside the release stay out of the layer but are mentioned', () => {
    const layer = exportLayer(model);
    for (const id of ['T1685', 'T1086', 'T1999']) expect(entries(layer, id)).toEqual([]);
    expect(JSON.stringify(layer.metadata)).toContain('Outside the matrix');
  });

  test('an overlay entry scoped to one tactic marks the technique under that tactic only, as Navigator draws it', () => {
    // T1659 Content Injection sits under initial-access and command-and-control; no rule in the sample covers it.
    const tactics = raw.techniques.find((t) => t.id === 'T1659')!.tactics;
    expect(tactics.length).toBeGreaterThan(1);
    const scoped = tactics[0]!;
    const layerText = (entry: Record<string, unknown>): string =>
      JSON.stringify({ name: 'Actor', versions: { attack: '18', navigator: '5.1.0', layer: '4.5' }, domain: 'enterprise-attack', techniques: [{ techniqueID: 'T1659', score: 1, ...entry }] });
    const inLayer = (e: LayerTechnique): boolean => (e.metadata ?? []).some((m) => 'name' in m && m.name === 'In layer "Actor"');
    const marked = (overlayText: string): string[] =>
      entries(exportLayer(model, { overlay: parseLayerFile(overlayText, overlayCatalog(catalog)) }), 'T1659')
        .filter((e) => e.color === UNDETECTED_COLOR && inLayer(e))
        .map((e) => e.tactic!);
    expect(marked(layerText({ tactic: scoped }))).toEqual([scoped]);
    // Without a tactic the entry applies under all of the technique's tactics.
    expect(marked(layerText({})).sort()).toEqual([...tactics].sort());
  });

  test('a v19 layer\'s entries under v19 tactics mark the v18 techniques under their own tactics', () => {
    // v19 split Defense Evasion into "stealth" and "defense-impairment"; ATT&CK 18 has neither tactic.
    const v19 = raw.remaps.techniques;
    const layer = {
      name: 'v19',
      versions: { attack: '19', navigator: '5.3.0', layer: '4.5' },
      domain: 'enterprise-attack',
      techniques: [
        { techniqueID: 'T1686', tactic: 'defense-impairment', score: 1 },
        { techniqueID: 'T1027', tactic: 'stealth', score: 1 },
      ],
    };
    const out = exportLayer(model, { overlay: parseLayerFile(JSON.stringify(layer), overlayCatalog(catalog)) });
    const inLayer = (e: LayerTechnique): boolean => (e.metadata ?? []).some((m) => 'name' in m && m.name === 'In layer "v19"');
    const v18Of1686 = Object.keys(v19).filter((id) => v19[id]!.id === 'T1686');
    expect(v18Of1686.length).toBeGreaterThan(0);
    for (const id of [...v18Of1686, 'T1027']) {
      const tactics = raw.techniques.find((t) => t.id === id)!.tactics;
      expect({ id, marked: entries(out, id).filter(inLayer).map((e) => e.tactic).sort() }).toEqual({ id, marked: [...tactics].sort() });
    }
  });

  test('round trip: our own layer imported again marks exactly the scored techniques', () => {
    const layer = exportLayer(model, { score: 'rules' });
    const overlay = parseLayerFile(JSON.stringify(layer), overlayCatalog(catalog));
    const scored = [...model.matrixCells()].filter((c) => c.rules.length > 0).map((c) => c.id).sort();
    expect([...overlay.entries.keys()].sort()).toEqual(scored);
    expect(overlay.problems).toEqual([]);
  });
});
