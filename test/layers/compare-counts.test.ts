/**
 * "In the layer" counts the layer's techniques once each, however many cells a revoked or next-release
 * ID marks. Oracle: the layer JSON read here by the rules import.ts documents (enabled; a score above 0,
 * or no score and a colour, comment, metadata or links; the last entry per technique and tactic wins),
 * with revoked IDs taken as their replacement from the catalog's revoked-by (a layer naming both is one
 * technique).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import catalogJson from '../../src/core/attack/catalog.json';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { compareWithLayer, overlayCatalog, parseLayerFile, type Comparison } from '../../src/core/layers';
import { MatrixModel } from '../../src/core/matrix';
import { SAMPLE, buildIndex } from '../matrix/fixtures';
import { VAULT, capture } from '../matrix/cli';
import { describeCorpus } from '../support/corpus';

const catalog = defaultCatalog();
const cat = overlayCatalog(catalog);
const model = new MatrixModel(buildIndex(SAMPLE), catalog);
const revokedBy = new Map(
  (catalogJson as unknown as { techniques: Array<{ id: string; revokedBy?: string }> }).techniques.filter((t) => t.revokedBy).map((t) => [t.id, t.revokedBy as string]),
);

type Entry = Record<string, unknown>;

/** The techniques a layer file annotates, read straight from its JSON. */
function layerTechniques(text: string): Set<string> {
  const json = JSON.parse(text) as Entry | Entry[];
  const last: Entry[] = [];
  for (const layer of Array.isArray(json) ? json : [json]) {
    const byKey = new Map<string, Entry>();
    for (const t of (layer.techniques as Entry[] | undefined) ?? []) byKey.set(`${String(t.techniqueID)} ${typeof t.tactic === 'string' ? t.tactic : ''}`, t);
    last.push(...byKey.values());
  }
  const full = (v: unknown): boolean => (typeof v === 'string' ? v.trim() !== '' : Array.isArray(v) && v.length > 0);
  const ids = new Set<string>();
  for (const t of last) {
    if (t.enabled === false) continue;
    const on = typeof t.score === 'number' ? t.score > 0 : full(t.color) || full(t.comment) || full(t.metadata) || full(t.links);
    if (on) ids.add(revokedBy.get(String(t.techniqueID)) ?? String(t.techniqueID));
  }
  return ids;
}

/** Each layer technique is one row (as its ID or an ID the layer used) or unmatched, never two. */
function placements(c: Comparison): string[] {
  return [...c.detected, ...c.undetected].flatMap((r) => [r.id, ...r.layerIds].filter((x) => !revokedBy.has(x)));
}

function expectCountedOnce(c: Comparison, ids: Set<string>): void {
  expect(c.inLayer).toBe(c.detected.length + c.undetected.length);
  expect(c.inLayer + c.unmatched.length).toBe(ids.size);
  const rows = placements(c);
  const counted = [...rows, ...c.unmatched].filter((x) => ids.has(x)).sort();
  expect(counted).toEqual([...ids].sort());
}

describe('in the layer: each technique once', () => {
  const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

  test.each(['art-layer.json', 'sigma-heatmap.json', 'apt-layers.json'])('%s', (name) => {
    const text = fixture(name);
    expectCountedOnce(compareWithLayer(model, parseLayerFile(text, cat)), layerTechniques(text));
  });

  test('a revoked ID and its replacement are one technique; a next-release ID is one, however many IDs it replaces', () => {
    // SAMPLE has notes under T1086 and T1685, so both have cells of their own besides the IDs they map onto.
    const text = JSON.stringify({
      name: 'mapped',
      domain: 'enterprise-attack',
      versions: { navigator: '5.1.0', layer: '4.5' },
      techniques: [
        { techniqueID: 'T1086', score: 2 },
        { techniqueID: 'T1059.001', score: 1 },
        { techniqueID: 'T1685', score: 3 },
      ],
    });
    const ids = layerTechniques(text);
    expect(ids.size).toBe(2);
    const c = compareWithLayer(model, parseLayerFile(text, cat));
    expectCountedOnce(c, ids);
    expect(c.inLayer).toBe(2);
  });
});

describeCorpus('an Atomic Red Team layer of the corpus atomics', (corpus) => {
  // Shaped like Atomic Red Team's own Navigator layer: one entry per atomics folder, score = its tests.
  const atomics = join(corpus, 'atomic-red-team', 'atomics');
  const techniques = readdirSync(atomics)
    .filter((d) => /^T\d{4}(\.\d{3})?$/.test(d))
    .map((d) => {
      const doc = yaml.load(readFileSync(join(atomics, d, `${d}.yaml`), 'utf8')) as { atomic_tests?: unknown[] };
      return { techniqueID: d, score: doc.atomic_tests?.length ?? 0, enabled: true, comment: `${d} tests` };
    });
  const text = JSON.stringify({ name: 'Atomic Red Team', domain: 'enterprise-attack', versions: { attack: '19', navigator: '5.1.0', layer: '4.5' }, techniques });
  const ids = layerTechniques(text);

  test('every technique of the layer is counted once', () => {
    expect(ids.size).toBeGreaterThan(300);
    expectCountedOnce(compareWithLayer(model, parseLayerFile(text, cat)), ids);
  });

  test('the CLI prints the same figures', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'acm-art-')), 'art.json');
    writeFileSync(file, text);
    const r = await capture(['gaps', VAULT, '--overlay', file]);
    expect(r.code).toBe(0);
    const m = /Layer "Atomic Red Team": (\d+) techniques, (\d+) detected, (\d+) undetected/.exec(r.stdout);
    expect(m).not.toBeNull();
    const [inLayer, detected, undetected] = [m![1], m![2], m![3]].map(Number);
    const unmatched = /not in the matrix: (.*)/.exec(r.stdout)?.[1]?.split(', ').length ?? 0;
    expect(inLayer).toBe((detected as number) + (undetected as number));
    expect((inLayer as number) + unmatched).toBe(ids.size);
  });
});
