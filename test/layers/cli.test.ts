/**
 * `attack-coverage layer` on test-vault: a valid 4.5 layer whose scores agree with the rule notes'
 * tags (read independently of the engine), and the comparison with an overlay.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import catalogJson from '../../src/core/attack/catalog.json';
import { validateLayer, type Layer } from '../../src/core/layers';
import { VAULT, capture, taggedNotes } from '../matrix/cli';

const raw = catalogJson as unknown as { version: string; techniques: Array<{ id: string; tactics: string[]; revoked?: boolean; deprecated?: boolean }>; remaps: { techniques: Record<string, { id: string }> } };
const active = raw.techniques.filter((t) => !t.revoked && !t.deprecated);
const rules = taggedNotes('Detection Rules').filter((r) => r.ids.length);

/** Oracle: rule notes counted for a technique — its own tag, a sub-technique's (roll-up), or its v19 successor's. */
function ruleCount(id: string): number {
  const next = raw.remaps.techniques[id]?.id;
  return rules.filter((r) => r.ids.some((x) => x === id || (id.length === 5 && x.startsWith(`${id}.`)) || x === next)).length;
}

describe('attack-coverage layer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acm-layer-'));

  test('-o writes a valid 4.5 layer with one entry per technique and tactic', async () => {
    const file = join(dir, 'l.json');
    const r = await capture(['layer', VAULT, '-o', file, '--vault-name', 'test-vault']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote .*l\.json: \d+ technique entries, score rules, ATT&CK 18\.1/);
    const layer = JSON.parse(readFileSync(file, 'utf8')) as Layer;
    expect(validateLayer(layer).errors).toEqual([]);
    expect(layer.versions).toEqual({ attack: raw.version.split('.')[0], navigator: '5.1.0', layer: '4.5' });
    expect(layer.techniques!.length).toBe(active.reduce((n, t) => n + t.tactics.length, 0));
  });

  test('scores equal the number of rule notes tagged with the technique (oracle: the tags lines)', async () => {
    const r = await capture(['layer', VAULT]);
    expect(r.code).toBe(0);
    const layer = JSON.parse(r.stdout) as Layer;
    const byId = new Map(layer.techniques!.map((t) => [t.techniqueID, t.score]));
    for (const id of ['T1059', 'T1059.001', 'T1059.006', 'T1003.001', 'T1562.001', 'T1105', 'T1021.001', 'T1595']) {
      expect({ id, score: byId.get(id) }).toEqual({ id, score: ruleCount(id) });
    }
  });

  test('--score state colours entries; a bad --score is refused', async () => {
    const r = await capture(['layer', VAULT, '--score', 'state']);
    const layer = JSON.parse(r.stdout) as Layer;
    expect(layer.legendItems!.length).toBe(4);
    const bad = await capture(['layer', VAULT, '--score', 'max']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--score must be one of rules, level, tests, state');
  });

  test('--overlay compares with a layer: undetected techniques are listed', async () => {
    const overlay = join(__dirname, 'fixtures', 'apt-layers.json');
    const r = await capture(['layer', VAULT, '-o', join(dir, 'c.json'), '--overlay', overlay]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Layer "APT-EXAMPLE \(G9999\) \+ v19 campaign": \d+ techniques, \d+ detected, \d+ undetected/);
    expect(r.stdout).toContain('not in the matrix: T1027.018');
    const missing = await capture(['layer', VAULT, '--overlay', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read layer file');
  });

  test('--overlay with a one-technique layer: "1 technique", in the layer and gaps commands alike', async () => {
    const one = join(dir, 'one.json');
    const text = JSON.stringify({ name: 'one', domain: 'enterprise-attack', versions: { navigator: '5.1.0', layer: '4.5' }, techniques: [{ techniqueID: 'T1046', score: 1 }] });
    writeFileSync(one, text);
    const ids = (JSON.parse(text) as { techniques: Array<{ techniqueID: string }> }).techniques.map((t) => t.techniqueID);
    const gaps = await capture(['gaps', VAULT, '--overlay', one]);
    const layer = await capture(['layer', VAULT, '-o', join(dir, 'one-out.json'), '--overlay', one]);
    const summary = (out: string): string | undefined => out.split('\n').find((l) => l.startsWith('Layer "one"'));
    expect(summary(gaps.stdout)).toMatch(new RegExp(`^Layer "one": ${ids.length} technique, `));
    expect(summary(layer.stdout)).toBe(summary(gaps.stdout));
  });

  test('--overlay: what is wrong with the layer file is printed and in the JSON, not dropped', async () => {
    // Navigator ignores a score that is not a number and an entry without a techniqueID; a 4.4 layer is older than the spec.
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'odd layer',
        domain: 'enterprise-attack',
        versions: { navigator: '4.8.1', layer: '4.4' },
        techniques: [{ techniqueID: 'T1046', score: 'high' }, { score: 3 }, { techniqueID: 'T1105', score: 2 }],
      }),
    );
    const text = await capture(['gaps', VAULT, '--overlay', bad]);
    expect(text.code).toBe(0);
    for (const p of ['"4.4"', 'techniques[0].score', 'techniques[1].techniqueID']) expect(text.stdout).toContain(p);
    const layer = await capture(['layer', VAULT, '-o', join(dir, 'odd.json'), '--overlay', bad]);
    expect(layer.stdout).toContain('techniques[0].score');
    const md = await capture(['gaps', VAULT, '--markdown', '--overlay', bad]);
    expect(md.stdout).toContain(String.raw`- techniques\[0\]\.score must be a number`);
    const asJson = await capture(['gaps', VAULT, '--json', '--overlay', bad]);
    const problems = (JSON.parse(asJson.stdout) as { comparison: { problems: string[] } }).comparison.problems.join('\n');
    for (const p of ['"4.4"', 'techniques[0].score', 'techniques[1].techniqueID']) expect(problems).toContain(p);
  });
});
