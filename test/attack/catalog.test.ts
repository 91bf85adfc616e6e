/** Catalog look-ups over the committed catalog.json: no corpus needed. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Catalog, defaultCatalog, type CatalogData } from '../../src/core/attack/catalog';
import { ATTACK_COPYRIGHT } from '../../src/core/attack/stix';

const JSON_PATH = path.resolve(__dirname, '../../src/core/attack/catalog.json');

describe('catalog.json', () => {
  const text = readFileSync(JSON_PATH, 'utf8');
  const data = JSON.parse(text) as CatalogData;

  test('is compact and carries the MITRE notice', () => {
    expect(statSync(JSON_PATH).size).toBeLessThan(250 * 1024);
    expect(text).not.toMatch(/"description"/);
    expect(data.copyright).toBe(ATTACK_COPYRIGHT);
    expect(data.version).toMatch(/^\d+(\.\d+)*$/);
  });

  test('techniques are sorted by ID, unique, with YYYY-MM-DD dates', () => {
    const ids = data.techniques.map((t) => t.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of data.techniques) {
      expect(t.id).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(t.created).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(t.modified).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(t.isSubtechnique).toBe(t.id.includes('.'));
    }
  });

  test('every revokedBy and parent names an entry of the catalog', () => {
    const ids = new Set(data.techniques.map((t) => t.id));
    for (const t of data.techniques) {
      if (t.revokedBy) expect(ids).toContain(t.revokedBy);
      if (t.parent) expect(ids).toContain(t.parent);
      if (t.revokedBy) expect(t.revoked).toBe(true);
    }
  });

  test('remaps keep the explicit rows only, with their source', () => {
    const remaps = data.remaps;
    expect(remaps?.source).toMatch(/elastic\/detection-rules/);
    expect(remaps?.techniques['T1562.001']).toEqual({ id: 'T1685', name: 'Disable or Modify Tools' });
    // Name-guessed targets (domain.md §4.4) are unverified and must stay out.
    for (const guessed of ['T1562.003', 'T1562.009', 'T1562.011', 'T1562.012', 'T1562.013', 'T1672']) {
      expect(remaps?.techniques[guessed]).toBeUndefined();
    }
  });
});

describe('defaultCatalog()', () => {
  const cat = defaultCatalog();

  test('is built once', () => {
    expect(defaultCatalog()).toBe(cat);
    expect(cat.version).toBe(cat.data.version);
  });

  test('names: short, and "Parent: Name" for sub-techniques', () => {
    expect(cat.get('T1059.006')?.name).toBe('Python');
    expect(cat.displayName('T1059.006')).toBe('Command and Scripting Interpreter: Python');
    expect(cat.displayName('t1059.006')).toBe('Command and Scripting Interpreter: Python');
    expect(cat.displayName('T1059')).toBe('Command and Scripting Interpreter');
    expect(cat.displayName('T9999')).toBeUndefined();
  });

  test('status and replacement', () => {
    expect(cat.status('T1059.006')).toBe('active');
    expect(cat.status('T9999')).toBe('unknown');
    // T1086 PowerShell was revoked in favour of the sub-technique.
    expect(cat.status('T1086')).toBe('revoked');
    expect(cat.replacement('T1086')).toBe('T1059.001');
    // Active in v18, retired in v19: the remap table answers.
    expect(cat.status('T1562.001')).toBe('active');
    expect(cat.replacement('T1562.001')).toBe('T1685');
    expect(cat.remap('T1562.001')?.name).toBe('Disable or Modify Tools');
    expect(cat.remappedFrom('T1685')).toEqual(['T1562', 'T1562.001', 'T1562.006']);
    expect(cat.replacement('T1059.006')).toBeUndefined();
    const deprecated = cat.techniques({ includeInactive: true }).find((t) => t.deprecated);
    expect(deprecated && cat.status(deprecated.id)).toBe('deprecated');
  });

  test('revoked-by chains resolve to an entry that is not revoked', () => {
    for (const t of cat.techniques({ includeInactive: true })) {
      if (!t.revoked) continue;
      const r = cat.replacement(t.id);
      expect(r).toBeDefined();
      expect(cat.status(r as string)).not.toBe('revoked');
    }
  });

  test('tactics in matrix order, found by ID, shortname or name', () => {
    const tactics = cat.tactics();
    expect(tactics[0]?.shortname).toBe('reconnaissance');
    expect(tactics.at(-1)?.shortname).toBe('impact');
    expect(tactics.map((t) => t.id)).toContain('TA0005');
    expect(cat.tactic('execution')?.id).toBe('TA0002');
    expect(cat.tactic('TA0011')?.name).toBe('Command and Control');
    expect(cat.tactic('Command and Control')?.shortname).toBe('command-and-control');
  });

  test('technique lists', () => {
    const active = cat.techniques();
    const all = cat.techniques({ includeInactive: true });
    expect(active.every((t) => !t.revoked && !t.deprecated)).toBe(true);
    expect(all.length).toBe(cat.data.techniques.length);
    expect(cat.techniques({ subtechniques: false }).every((t) => !t.isSubtechnique)).toBe(true);
    const subs = cat.subtechniqueIds('T1059');
    expect(subs).toContain('T1059.006');
    expect(subs).toEqual([...subs].sort());
    expect(subs.every((id) => id.startsWith('T1059.'))).toBe(true);
    expect(cat.subtechniques('T1059', { includeInactive: true }).length).toBeGreaterThanOrEqual(subs.length);
  });
});

describe('Catalog over hand-made data', () => {
  const base = { url: '', version: '1.0', created: '2020-01-01', modified: '2020-01-01', tactics: [], platforms: [] };
  const data: CatalogData = {
    version: '99.0',
    specVersion: '3.3.0',
    dataModified: '2020-01-01',
    copyright: ATTACK_COPYRIGHT,
    tactics: [],
    techniques: [
      { ...base, id: 'T0001', name: 'A', isSubtechnique: false, revoked: true, revokedBy: 'T0002' },
      { ...base, id: 'T0002', name: 'B', isSubtechnique: false, revoked: true, revokedBy: 'T0003' },
      { ...base, id: 'T0003', name: 'C', isSubtechnique: false },
      { ...base, id: 'T0004', name: 'Loop', isSubtechnique: false, revoked: true, revokedBy: 'T0005' },
      { ...base, id: 'T0005', name: 'Loop', isSubtechnique: false, revoked: true, revokedBy: 'T0004' },
      { ...base, id: 'T0006.001', name: 'Orphan', isSubtechnique: true, parent: 'T0006' },
    ],
  };
  const cat = new Catalog(data);

  test('follows revoked-by chains to their end and survives cycles', () => {
    expect(cat.replacement('T0001')).toBe('T0003');
    expect(['T0004', 'T0005']).toContain(cat.replacement('T0004'));
  });

  test('a sub-technique without a known parent keeps its short name', () => {
    expect(cat.displayName('T0006.001')).toBe('Orphan');
  });

  test('no remaps, no version', () => {
    expect(cat.replacement('T0003')).toBeUndefined();
    expect(new Catalog({ ...data, version: '' }).version).toBe('');
  });
});

describe('next-release techniques', () => {
  const cat = defaultCatalog();
  // domain.md §4.4: "New in v19.1: T1027.018 Invisible Unicode, T1682 …, T1690".
  const NEW_IN_19_1 = [
    'T1027.018', 'T1682', 'T1683', 'T1683.001', 'T1683.002', 'T1684', 'T1684.001', 'T1684.002',
    'T1685', 'T1685.001', 'T1685.002', 'T1685.003', 'T1685.004', 'T1685.005', 'T1685.006',
    'T1686', 'T1686.001', 'T1686.002', 'T1686.003', 'T1687', 'T1688', 'T1689', 'T1690',
  ];

  test('every technique new in 19.1 is known by name, and nothing this release has', () => {
    expect(Object.keys(cat.data.next?.techniques ?? {})).toEqual(NEW_IN_19_1);
    for (const id of NEW_IN_19_1) {
      expect(cat.status(id)).toBe('unknown');
      expect(cat.nextRelease(id)?.version).toBe('19.1');
    }
    expect(cat.nextRelease('T1059.006')).toBeUndefined();
    expect(cat.nextRelease('T1562.001')).toBeUndefined(); // retired in 19, but an 18.1 technique
    expect(cat.nextRelease('T9999')).toBeUndefined();
  });

  test('sub-techniques are named as ATT&CK displays them, under their next-release or current parent', () => {
    expect(cat.nextRelease('T1686.003')?.name).toBe('Disable or Modify System Firewall: Windows Host Firewall');
    expect(cat.nextRelease('t1690')?.name).toBe('Prevent Command History Logging');
    expect(cat.nextRelease('T1027.018')?.name).toBe(`${cat.get('T1027')?.name}: Invisible Unicode`);
  });
});
