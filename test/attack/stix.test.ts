/** digestStix against the real v17.1 and v18.1 bundles; oracles are recomputed here from the raw objects. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { digestStix, type CatalogData } from '../../src/core/attack/stix';
import { describeCorpus } from '../support/corpus';

/** Raw STIX as read here: declared apart from stix.ts so that the oracle shares nothing with the digest. */
interface Raw {
  type?: string;
  id?: string;
  name?: string;
  created?: string;
  modified?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_is_subtechnique?: boolean;
  x_mitre_platforms?: string[];
  x_mitre_version?: string;
  x_mitre_shortname?: string;
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
  tactic_refs?: string[];
  kill_chain_phases?: { kill_chain_name?: string; phase_name?: string }[];
  external_references?: { source_name?: string; external_id?: string; url?: string }[];
  [other: string]: unknown;
}

const mitreId = (o: Raw | undefined): string | undefined =>
  o?.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;

describe('digestStix on small bundles', () => {
  const ap = (id: string, extra: Raw = {}): Raw => ({
    type: 'attack-pattern',
    id: `attack-pattern--${id}`,
    name: `N${id}`,
    created: '2020-01-02T03:04:05.000Z',
    modified: '2021-01-02T03:04:05.000Z',
    external_references: [{ source_name: 'mitre-attack', external_id: id, url: `u/${id}` }],
    ...extra,
  });

  test('reads the release from x-mitre-collection, ahead of the caller', () => {
    const d = digestStix({ objects: [{ type: 'x-mitre-collection', x_mitre_version: '19.1' }, ap('T0001')] }, { version: '1' });
    expect(d.version).toBe('19.1');
    expect(digestStix({ objects: [ap('T0001')] }, { version: '18.1' }).version).toBe('18.1');
    expect(digestStix({ objects: [] }).version).toBe('');
  });

  test('ignores T-IDs on other object types and objects without an ATT&CK ID', () => {
    const d = digestStix({
      objects: [ap('T0001'), { ...ap('T0002'), type: 'course-of-action' }, { ...ap('T0003'), external_references: [] }],
    });
    expect(d.techniques.map((t) => t.id)).toEqual(['T0001']);
    expect(d.techniques[0]).toMatchObject({ created: '2020-01-02', modified: '2021-01-02', url: 'u/T0001' });
  });

  test('rejects what is not a bundle', () => {
    expect(() => digestStix(null)).toThrow(/STIX bundle/);
    expect(() => digestStix({ objects: 3 })).toThrow(/STIX bundle/);
  });
});

for (const version of ['17.1', '18.1']) {
  describeCorpus(`digestStix on enterprise-attack-${version}.json`, (corpus) => {
    let raw: Raw[];
    let d: CatalogData;
    const byStix = new Map<string, Raw>();
    beforeAll(() => {
      raw = JSON.parse(readFileSync(path.join(corpus, `attack/enterprise-attack-${version}.json`), 'utf8')).objects;
      for (const o of raw) if (o.id) byStix.set(o.id, o);
      d = digestStix({ objects: raw }, { version });
    });

    test('keeps every attack-pattern with an ATT&CK ID, and flags the inactive ones', () => {
      const patterns = raw.filter((o) => o.type === 'attack-pattern' && mitreId(o));
      const active = patterns.filter((o) => !o.revoked && !o.x_mitre_deprecated);
      expect(d.techniques.length).toBe(patterns.length);
      expect(d.techniques.filter((t) => !t.revoked && !t.deprecated).length).toBe(active.length);
      expect(d.techniques.filter((t) => t.revoked).length).toBe(patterns.filter((o) => o.revoked).length);
      expect(d.techniques.filter((t) => t.deprecated).length).toBe(patterns.filter((o) => o.x_mitre_deprecated).length);
      const activeSubs = active.filter((o) => o.x_mitre_is_subtechnique).length;
      expect(d.techniques.filter((t) => t.isSubtechnique && !t.revoked && !t.deprecated).length).toBe(activeSubs);
    });

    test('T1059.006 carries the bundle’s tactics, platforms and version', () => {
      const o = raw.find((x) => x.type === 'attack-pattern' && mitreId(x) === 'T1059.006')!;
      const t = d.techniques.find((x) => x.id === 'T1059.006');
      expect(t).toMatchObject({
        name: o.name,
        tactics: o.kill_chain_phases?.filter((p) => p.kill_chain_name === 'mitre-attack').map((p) => p.phase_name),
        platforms: o.x_mitre_platforms,
        isSubtechnique: true,
        parent: 'T1059',
        version: o.x_mitre_version,
        created: o.created?.slice(0, 10),
      });
      expect(t?.tactics).toEqual(['execution']);
    });

    test('revoked techniques carry the revoked-by target’s ID', () => {
      const expected = new Map<string, string>();
      for (const r of raw) {
        if (r.type !== 'relationship' || r.relationship_type !== 'revoked-by') continue;
        const src = byStix.get(r.source_ref!);
        const dst = byStix.get(r.target_ref!);
        if (src?.type === 'attack-pattern' && dst?.type === 'attack-pattern') expected.set(mitreId(src)!, mitreId(dst)!);
      }
      expect(expected.size).toBeGreaterThan(100);
      const got = new Map(d.techniques.filter((t) => t.revokedBy).map((t) => [t.id, t.revokedBy]));
      expect(got).toEqual(expected);
      expect(d.techniques.filter((t) => t.revoked && !t.revokedBy)).toEqual([]);
    });

    test('tactics follow the matrix', () => {
      const matrix = raw.find((o) => o.type === 'x-mitre-matrix')!;
      const expected = matrix.tactic_refs!.map((ref) => {
        const t = byStix.get(ref)!;
        return { id: mitreId(t), shortname: t.x_mitre_shortname, name: t.name };
      });
      expect(d.tactics).toEqual(expected);
      expect(d.tactics.map((t) => t.id)).toEqual(
        ['TA0043', 'TA0042', 'TA0001', 'TA0002', 'TA0003', 'TA0004', 'TA0005', 'TA0006', 'TA0007', 'TA0008', 'TA0009', 'TA0011', 'TA0010', 'TA0040'],
      );
      const shortnames = new Set(d.tactics.map((t) => t.shortname));
      for (const t of d.techniques) for (const s of t.tactics) expect(shortnames).toContain(s);
    });

    test('parents match subtechnique-of relationships', () => {
      for (const r of raw) {
        if (r.type !== 'relationship' || r.relationship_type !== 'subtechnique-of') continue;
        const sub = d.techniques.find((t) => t.id === mitreId(byStix.get(r.source_ref!)));
        expect(sub?.parent).toBe(mitreId(byStix.get(r.target_ref!)));
      }
    });

    test('the digest stays small', () => {
      expect(Buffer.byteLength(JSON.stringify(d))).toBeLessThan(250 * 1024);
    });

    if (version === '18.1') {
      test('the committed catalog.json is this digest', () => {
        const committed = JSON.parse(readFileSync(path.resolve(__dirname, '../../src/core/attack/catalog.json'), 'utf8'));
        expect(committed.version).toBe('18.1');
        expect(committed.tactics).toEqual(d.tactics);
        expect(committed.techniques).toEqual(d.techniques);
      });
    }
  });
}
