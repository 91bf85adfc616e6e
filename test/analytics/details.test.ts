/**
 * The ATT&CK details catalog: the committed digest, its packed copy in main.js, the digest of the real
 * STIX bundles checked against an independent reading of the relationships, and `EventCode=` parsing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { digestDetails, mergeLegacyDetails, plainAttackText } from '../../src/core/attack/details-digest';
import { DetailsCatalog, inflateBase64, loadDetails, parseEventCodes } from '../../src/core/attack/details';
import { DETAILS_GZIP_BASE64, DETAILS_JSON_BYTES } from '../../src/core/attack/details-packed';
import { describeCorpus } from '../support/corpus';

interface StixObj {
  id: string;
  type: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  relationship_type?: string;
  source_ref: string;
  target_ref: string;
  external_references: Array<{ source_name: string; external_id: string }>;
}

const JSON_PATH = path.join(__dirname, '../../src/core/attack/details.json');
const committed = readFileSync(JSON_PATH, 'utf8');

describe('the committed details', () => {
  test('the packed string main.js carries is exactly details.json', async () => {
    expect(gunzipSync(Buffer.from(DETAILS_GZIP_BASE64, 'base64')).toString('utf8')).toBe(committed);
    expect(await inflateBase64(DETAILS_GZIP_BASE64)).toBe(committed);
    expect(Buffer.byteLength(committed)).toBe(DETAILS_JSON_BYTES);
  });

  test('loadDetails parses once and shares the result', async () => {
    const p1 = loadDetails();
    const p2 = loadDetails();
    expect(p2).toBe(p1);
    const d = await p1;
    expect(d.version).toBe('18.1');
    expect(d.legacyVersion).toBe('17.1');
    expect(await loadDetails()).toBe(d);
    expect(d.techniqueCount).toBeGreaterThan(600);
  });

  test('T1059.006 as in seed 000 (mitigations, v17 data sources) and domain.md §4.3 (DET0063, AN0172)', () => {
    const d = DetailsCatalog.fromJson(committed);
    const t = d.technique('t1059.006')!;
    expect(t.mitigations.map((m) => [m.id, m.name, m.how])).toEqual([
      ['M1033', 'Limit Software Installation', 'Prevent users from installing Python where not required.'],
      ['M1038', 'Execution Prevention', 'Denylist Python where not required.'],
      ['M1047', 'Audit', 'Inventory systems for unauthorized Python installations.'],
      ['M1049', 'Antivirus/Antimalware', 'Anti-virus can be used to automatically quarantine suspicious files.'],
    ]);
    expect(t.mitigations[0]!.url).toBe('https://attack.mitre.org/mitigations/M1033');
    const [s] = t.strategies;
    expect(s).toMatchObject({ id: 'DET0063', name: 'Cross-Platform Behavioral Detection of Python Execution' });
    const an = s!.analytics.find((a) => a.id === 'AN0172')!;
    expect(an.platforms).toEqual(['Windows']);
    expect(an.url).toBe('https://attack.mitre.org/detectionstrategies/DET0063#AN0172');
    expect(an.logSources[0]).toEqual({ name: 'WinEventLog:Sysmon', channel: 'EventCode=1', component: 'DC0032', componentName: 'Process Creation', eventIds: [1] });
    expect(an.logSources[1]).toMatchObject({ name: 'EDR:hunting', eventIds: [] });
    expect(an.mutable[0]).toEqual({ field: 'ParentProcess', description: 'Non-standard processes spawning python.exe (e.g., winword.exe, mshta.exe).' });
    expect(an.description).toMatch(/python\.exe/);
    // v17, as the MaxPatrol page lists them: DS0009 Process: Process Creation, DS0017 Command: Command Execution.
    const dc = Object.fromEntries(t.dataComponents.map((c) => [c.dataSourceId, c]));
    expect(dc.DS0009).toMatchObject({ id: 'DC0032', name: 'Process Creation', dataSource: 'Process' });
    expect(dc.DS0017).toMatchObject({ id: 'DC0064', name: 'Command Execution', dataSource: 'Command' });
    expect(dc.DS0009!.text).toMatch(/^Monitor systems for abnormal Python usage/);
    expect(dc.DS0009!.text).toMatch(/Monitor newly executed processes that may abuse Python commands and scripts for execution\.$/);
    expect(dc.DS0017!.text).toMatch(/Monitor executed commands and arguments that may abuse Python/);
  });

  test('texts are plain: no citations, no HTML code tags, no pseudo-query blocks', () => {
    const d = JSON.parse(committed) as { texts: string[] };
    for (const t of d.texts) {
      expect(t).not.toMatch(/\(Citation:/);
      expect(t).not.toMatch(/<\/?code>/);
      expect(t).not.toMatch(/\n\s*Analytic \d+ -/);
    }
  });

  test('a citation takes the space before it along: no stray space before the punctuation that followed it', () => {
    // Sentences as they stand in the 18.1 bundle (M1049 on T1014; the Office macro mitigation of T1187).
    expect(plainAttackText('include: rkhunter (Citation: SourceForge rkhunter), chrootkit (Citation: Chkrootkit Main), although')).toBe('include: rkhunter, chrootkit, although');
    expect(plainAttackText('content (Citation: Microsoft ASR Nov 2017).')).toBe('content.');
    expect(plainAttackText('one.(Citation: A) Two (Citation: B)(Citation: C) three')).toBe('one. Two three');
  });

  test('unknown IDs and non-digests', () => {
    const d = DetailsCatalog.fromJson(committed);
    expect(d.technique('T9999')).toBeUndefined();
    expect(d.technique('constructor')).toBeUndefined();
    expect(() => new DetailsCatalog({} as never)).toThrow(/not an ATT&CK details digest/);
    expect(() => digestDetails({})).toThrow(/not a STIX bundle/);
  });
});

describe('parseEventCodes', () => {
  test.each([
    ['EventCode=1', [1]],
    ['EventCode=4103, 4104, 4105, 4106', [4103, 4104, 4105, 4106]],
    ['EventCode=4778, EventCode=4779', [4778, 4779]],
    ['EventCode=5005 (WLAN), EventCode=302 (Bluetooth)', [5005, 302]],
    ['EventCode = 3, 22', [3, 22]],
    ['execve', []],
    ['Advanced Hunting: DeviceProcessEvents', []],
    ['', []],
    ['see EventCode=1', []],
  ])('%j → %j', (channel, ids) => {
    expect(parseEventCodes(channel)).toEqual(ids);
  });
});

describe('digestDetails on a small bundle', () => {
  const ref = (id: string): Array<{ source_name: string; external_id: string }> => [{ source_name: 'mitre-attack', external_id: id }];
  const bundle = {
    objects: [
      { type: 'attack-pattern', id: 'attack-pattern--1', external_references: ref('T1000') },
      { type: 'attack-pattern', id: 'attack-pattern--2', external_references: ref('T2000'), revoked: true },
      { type: 'course-of-action', id: 'coa--1', name: 'Audit', external_references: ref('M1047') },
      { type: 'course-of-action', id: 'coa--old', name: 'Old', external_references: ref('T1000'), x_mitre_deprecated: true },
      { type: 'relationship', relationship_type: 'mitigates', source_ref: 'coa--1', target_ref: 'attack-pattern--1', description: 'Audit it.(Citation: X)' },
      { type: 'relationship', relationship_type: 'mitigates', source_ref: 'coa--old', target_ref: 'attack-pattern--1', description: 'old' },
      { type: 'relationship', relationship_type: 'mitigates', source_ref: 'coa--1', target_ref: 'attack-pattern--2', description: 'revoked target' },
      { type: 'x-mitre-data-source', id: 'ds--1', name: 'Process', external_references: ref('DS0009') },
      { type: 'x-mitre-data-component', id: 'dc--1', name: 'Process Creation', x_mitre_data_source_ref: 'ds--1' },
      { type: 'relationship', relationship_type: 'detects', source_ref: 'dc--1', target_ref: 'attack-pattern--1', description: 'Watch [processes](https://x.y).\n\nAnalytic 1 - q\n\n`index=x`' },
    ],
  };

  test('v17 shape: mitigations and components with their per-technique text', () => {
    const d = digestDetails(bundle, { version: '17.1' });
    const t = new DetailsCatalog(d).technique('T1000')!;
    expect(t.mitigations).toEqual([{ id: 'M1047', name: 'Audit', how: 'Audit it.', url: 'https://attack.mitre.org/mitigations/M1047' }]);
    expect(t.dataComponents).toEqual([{ id: '', name: 'Process Creation', dataSourceId: 'DS0009', dataSource: 'Process', text: 'Watch processes.' }]);
    expect(t.strategies).toEqual([]);
    expect(new DetailsCatalog(d).technique('T2000')).toBeUndefined();
  });

  test('merging keys v17 components by the newer release\'s DC IDs', () => {
    const v18 = digestDetails(
      {
        objects: [
          { type: 'attack-pattern', id: 'attack-pattern--1', external_references: ref('T1000') },
          { type: 'x-mitre-data-component', id: 'dc--1', name: 'Process Creation', external_references: ref('DC0032'), x_mitre_data_source_ref: '' },
          { type: 'x-mitre-analytic', id: 'an--1', external_references: ref('AN0001'), x_mitre_platforms: ['Windows'], x_mitre_log_source_references: [{ x_mitre_data_component_ref: 'dc--1', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' }] },
          { type: 'x-mitre-detection-strategy', id: 'det--1', name: 'D', external_references: ref('DET0001'), x_mitre_analytic_refs: ['an--1'] },
          { type: 'relationship', relationship_type: 'detects', source_ref: 'det--1', target_ref: 'attack-pattern--1' },
        ],
      },
      { version: '18.1' },
    );
    const merged = new DetailsCatalog(mergeLegacyDetails(v18, digestDetails(bundle, { version: '17.1' })));
    const t = merged.technique('T1000')!;
    expect(t.legacyVersion).toBe('17.1');
    expect(t.dataComponents).toEqual([{ id: 'DC0032', name: 'Process Creation', dataSourceId: 'DS0009', dataSource: 'Process', text: 'Watch processes.' }]);
    expect(t.strategies[0]!.analytics[0]!.logSources[0]).toMatchObject({ component: 'DC0032', componentName: 'Process Creation', eventIds: [1] });
  });
});

describeCorpus('digest of the real bundles', (corpus) => {
  const bundle18 = JSON.parse(readFileSync(path.join(corpus, 'attack/enterprise-attack-18.1.json'), 'utf8')) as { objects: StixObj[] };
  const d18 = new DetailsCatalog(digestDetails(bundle18, { version: '18.1' }));

  /** Independent reading: active `mitigates` relationships from active M#### to active techniques. */
  function oracleMitigations(objects: StixObj[]): Map<string, string[]> {
    const byId = new Map(objects.map((o) => [o.id, o]));
    const ext = (o: StixObj | undefined): string | undefined => o?.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;
    const live = (o: StixObj | undefined): boolean => !!o && !o.revoked && !o.x_mitre_deprecated;
    const out = new Map<string, string[]>();
    for (const r of objects) {
      if (r.type !== 'relationship' || r.relationship_type !== 'mitigates' || !live(r)) continue;
      const src = byId.get(r.source_ref);
      const tgt = byId.get(r.target_ref);
      if (src?.type !== 'course-of-action' || tgt?.type !== 'attack-pattern' || !live(src) || !live(tgt)) continue;
      const t = ext(tgt)!;
      out.set(t, [...(out.get(t) ?? []), ext(src)!].sort());
    }
    return out;
  }

  test('T1059.006 mitigations are M1033, M1038, M1047, M1049 in the STIX bundle and in the digest', () => {
    const oracle = oracleMitigations(bundle18.objects);
    expect(oracle.get('T1059.006')).toEqual(['M1033', 'M1038', 'M1047', 'M1049']);
    expect(d18.technique('T1059.006')!.mitigations.map((m) => m.id)).toEqual(['M1033', 'M1038', 'M1047', 'M1049']);
  });

  test('every technique\'s mitigations match the bundle', () => {
    const oracle = oracleMitigations(bundle18.objects);
    let links = 0;
    for (const [id, ms] of oracle) {
      expect([id, d18.technique(id)?.mitigations.map((m) => m.id)]).toEqual([id, ms]);
      links += ms.length;
    }
    expect(links).toBe(1445); // corpus README / domain.md §4.1
  });

  test('exactly one detection strategy per active 18.1 technique; analytics keep their log sources', () => {
    const active = bundle18.objects.filter((o) => o.type === 'attack-pattern' && !o.revoked && !o.x_mitre_deprecated);
    let analytics = 0;
    for (const o of active) {
      const id = o.external_references[0]!.external_id;
      const t = d18.technique(id);
      expect([id, t?.strategies.length]).toEqual([id, 1]);
      analytics += t!.strategies[0]!.analytics.length;
    }
    expect(active.length).toBe(691);
    expect(analytics).toBeGreaterThan(1700);
  });

  test('the committed details.json is what the build script gives today (regenerable)', () => {
    const d = JSON.parse(committed) as { version: string; techniques: Record<string, unknown>; mitigations: Record<string, string> };
    const fresh = d18.data;
    expect(d.version).toBe(fresh.version);
    expect(Object.keys(d.techniques).sort()).toEqual(Object.keys(fresh.techniques).sort());
    expect(d.mitigations).toEqual(fresh.mitigations);
  });

  test('17.1: data components detect techniques with text; no strategies', () => {
    const bundle17 = JSON.parse(readFileSync(path.join(corpus, 'attack/enterprise-attack-17.1.json'), 'utf8'));
    const d17 = new DetailsCatalog(digestDetails(bundle17, { version: '17.1' }));
    const t = d17.technique('T1059.006')!;
    expect(t.strategies).toEqual([]);
    expect(t.dataComponents.map((c) => `${c.dataSourceId} ${c.dataSource}: ${c.name}`).sort()).toEqual(['DS0009 Process: Process Creation', 'DS0017 Command: Command Execution']);
    const links = Object.values(d17.data.techniques).reduce((n, x) => n + (x.c?.length ?? 0), 0);
    expect(links).toBe(2116); // domain.md §4.1: 2,116 component detects
  });
});
