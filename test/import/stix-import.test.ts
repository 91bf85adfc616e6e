/** ATT&CK bundles → technique notes: a hand-made bundle for the shapes, the real bundles for equivalence. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { digestStix } from '../../src/core/attack/stix';
import { jsonArrayElements } from '../../src/core/import/json-array';
import { StixCollector, techniqueDrafts, versionFromFileName, DEFAULT_FOLDERS } from '../../src/core/import/stix-import';
import { describeCorpus } from '../support/corpus';
import { frontmatter } from './note-parts';

const ref = (id: string, kind = 'techniques') => [{ source_name: 'mitre-attack', external_id: id, url: `https://attack.mitre.org/${kind}/${id.replace('.', '/')}` }];
const ap = (stix: string, id: string, name: string, extra: Record<string, unknown> = {}) => ({
  type: 'attack-pattern',
  id: stix,
  name,
  created: '2020-03-09T00:00:00.000Z',
  modified: '2025-10-24T00:00:00.000Z',
  x_mitre_version: '1.1',
  x_mitre_platforms: ['Linux', 'Windows'],
  external_references: ref(id),
  ...extra,
});
const phases = (...names: string[]) => names.map((phase_name) => ({ kill_chain_name: 'mitre-attack', phase_name }));
const rel = (type: string, source: string, target: string, extra: Record<string, unknown> = {}) => ({ type: 'relationship', id: `relationship--${source}-${target}`, relationship_type: type, source_ref: source, target_ref: target, ...extra });

/** A v18-style bundle: tactics out of matrix order in the technique, a sub-technique, a revoked and a deprecated one. */
const BUNDLE = {
  type: 'bundle',
  objects: [
    { type: 'x-mitre-tactic', id: 'tac-exec', name: 'Execution', x_mitre_shortname: 'execution', external_references: ref('TA0002', 'tactics') },
    { type: 'x-mitre-tactic', id: 'tac-pe', name: 'Privilege Escalation', x_mitre_shortname: 'privilege-escalation', external_references: ref('TA0004', 'tactics') },
    { type: 'x-mitre-tactic', id: 'tac-de', name: 'Defense Evasion', x_mitre_shortname: 'defense-evasion', external_references: ref('TA0005', 'tactics') },
    { type: 'x-mitre-matrix', id: 'matrix', tactic_refs: ['tac-exec', 'tac-pe', 'tac-de'] },
    ap('ap-1059', 'T1059', 'Command and Scripting Interpreter', { kill_chain_phases: phases('execution'), description: 'Parent (Citation: X).' }),
    ap('ap-1059-6', 'T1059.006', 'Python', { kill_chain_phases: phases('execution'), x_mitre_is_subtechnique: true, description: 'Python things.' }),
    ap('ap-1548', 'T1548', 'Abuse Elevation Control Mechanism', { kill_chain_phases: phases('defense-evasion', 'privilege-escalation') }),
    ap('ap-1086', 'T1086', 'PowerShell', { revoked: true, kill_chain_phases: phases('execution') }),
    ap('ap-1153', 'T1153', 'Source', { x_mitre_deprecated: true, kill_chain_phases: phases('execution') }),
    ap('ap-1059-1', 'T1059.001', 'PowerShell', { kill_chain_phases: phases('execution'), x_mitre_is_subtechnique: true }),
    { type: 'intrusion-set', id: 'group', name: 'dropped on arrival' },
    rel('subtechnique-of', 'ap-1059-6', 'ap-1059'),
    rel('subtechnique-of', 'ap-1059-1', 'ap-1059'),
    rel('revoked-by', 'ap-1086', 'ap-1059-1'),
    { type: 'course-of-action', id: 'coa-1038', name: 'Execution Prevention', external_references: ref('M1038', 'mitigations') },
    { type: 'course-of-action', id: 'coa-old', name: 'Old mitigation', external_references: ref('T1059', 'mitigations'), x_mitre_deprecated: true },
    rel('mitigates', 'coa-1038', 'ap-1059-6', { description: 'Denylist Python where not required.(Citation: Y)' }),
    rel('mitigates', 'coa-old', 'ap-1059-6', { description: 'should not show' }),
    { type: 'x-mitre-data-component', id: 'dc-pc', name: 'Process Creation', external_references: ref('DC0032', 'datacomponents') },
    {
      type: 'x-mitre-analytic',
      id: 'an-172',
      external_references: ref('AN0172', 'detectionstrategies'),
      x_mitre_platforms: ['Windows'],
      description: 'Python | with a pipe.',
      x_mitre_log_source_references: [{ x_mitre_data_component_ref: 'dc-pc', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' }],
    },
    { type: 'x-mitre-detection-strategy', id: 'det-63', name: 'Behavioral Detection of Python', external_references: ref('DET0063', 'detectionstrategies'), x_mitre_analytic_refs: ['an-172', 'an-missing'] },
    rel('detects', 'det-63', 'ap-1059-6'),
  ],
};

function collect(bundle: unknown, version = '18.1') {
  const c = new StixCollector();
  for (const e of jsonArrayElements(JSON.stringify(bundle), 'objects')) c.add(JSON.parse(e));
  return c.finish({ version });
}

describe('StixCollector on a hand-made bundle', () => {
  const result = collect(BUNDLE);
  const drafts = techniqueDrafts(result, 'bundle.json', DEFAULT_FOLDERS);
  const note = (id: string): string => {
    const d = drafts.find((x) => x.sourceId === `attack:${id}`);
    if (!d) throw new Error(`no draft for ${id}`);
    return d.render(d.names[0] as string);
  };

  test('one draft per technique, named and filed like the Use-Case-Catalogue', () => {
    expect(drafts.map((d) => d.names[0])).toEqual([
      'T1059 - Command and Scripting Interpreter',
      'T1059.001 - Command and Scripting Interpreter- PowerShell',
      'T1059.006 - Command and Scripting Interpreter- Python',
      'T1086 - PowerShell',
      'T1153 - Source',
      'T1548 - Abuse Elevation Control Mechanism',
    ]);
    expect(drafts.every((d) => d.folder === 'Use Cases' && d.kind === 'technique')).toBe(true);
  });

  test('tactics in matrix order, one tag each', () => {
    const fm = frontmatter(note('T1548'));
    expect(fm.tactics).toBe('Privilege Escalation, Defense Evasion');
    expect(fm.tags).toEqual(['T1548', 'techniques', 'Privilege_Escalation', 'Defense_Evasion']);
  });

  test('v18: detection strategy with analytics and log sources, mitigations with their per-technique text', () => {
    const n = note('T1059.006');
    expect(n).toContain('#### [DET0063](https://attack.mitre.org/detectionstrategies/DET0063) Behavioral Detection of Python');
    expect(n).toContain('| AN0172 | Windows | Process Creation: WinEventLog:Sysmon (EventCode=1) | Python \\| with a pipe. |');
    expect(n).toContain('| [M1038](https://attack.mitre.org/mitigations/M1038) | Execution Prevention | Denylist Python where not required. |');
    expect(n).not.toContain('should not show');
    expect(n).not.toContain('### Data Sources');
    expect(n).toContain('```attack-coverage\ntechnique: T1059.006\nshow: rules\n```');
    expect(n).toContain('```attack-coverage\ntechnique: T1059.006\nshow: tests\n```');
    expect(frontmatter(n)).toMatchObject({ created: '2020-03-09', last_modified: '2025-10-24', url: 'https://attack.mitre.org/techniques/T1059/006', platforms: 'Linux, Windows' });
  });

  test('revoked: flagged, with a link to the replacement; deprecated: flagged', () => {
    const revoked = note('T1086');
    expect(frontmatter(revoked)).toMatchObject({ revoked: true, revoked_by: 'T1059.001' });
    expect(revoked).toContain('Use [[T1059.001 - Command and Scripting Interpreter- PowerShell|T1059.001 Command and Scripting Interpreter: PowerShell]] instead.');
    const deprecated = note('T1153');
    expect(frontmatter(deprecated).deprecated).toBe(true);
    expect(deprecated).toContain('> [!warning] Deprecated');
    expect(frontmatter(note('T1059')).revoked).toBeUndefined();
  });

  test('a parent lists its active sub-techniques with links to their notes', () => {
    expect(note('T1059')).toContain(
      '### Sub-techniques\n\n- [[T1059.001 - Command and Scripting Interpreter- PowerShell|T1059.001 PowerShell]]\n- [[T1059.006 - Command and Scripting Interpreter- Python|T1059.006 Python]]\n',
    );
    expect(note('T1059.006')).not.toContain('### Sub-techniques');
  });

  test('options: a subset, other block styles, without revoked techniques', () => {
    const some = techniqueDrafts(result, 'b.json', DEFAULT_FOLDERS, { only: (id) => id.startsWith('T1059'), blocks: (id) => (id === 'T1059' ? 'dataview' : 'query'), includeRevoked: false });
    expect(some.map((d) => d.sourceId)).toEqual(['attack:T1059', 'attack:T1059.001', 'attack:T1059.006']);
    expect(some[0]?.render('x')).toContain('FROM "Detection Rules" AND #T1059\n```');
    expect(some[2]?.render('x')).toContain('```query\ntag: detection_rule\ntag: T1059_006\n```');
    expect(techniqueDrafts(result, 'b.json', DEFAULT_FOLDERS, { includeRevoked: false, includeDeprecated: false }).map((d) => d.sourceId)).not.toContain('attack:T1086');
  });

  test('v17: data sources and detection text in the seed layout', () => {
    const v17 = structuredClone(BUNDLE);
    const py = v17.objects.find((o) => o.id === 'ap-1059-6') as Record<string, unknown>;
    py.x_mitre_data_sources = ['Process: Process Creation', 'Command: Command Execution'];
    py.x_mitre_detection = 'Monitor python.exe.';
    v17.objects = v17.objects.filter((o) => o.type !== 'x-mitre-detection-strategy');
    const d = techniqueDrafts(collect(v17, '17.1'), 'b.json', DEFAULT_FOLDERS).find((x) => x.sourceId === 'attack:T1059.006');
    const n = d?.render('x') ?? '';
    expect(n).toContain('### Detection\n\nMonitor python.exe.\n\n### Defenses Bypassed\n\n\n\n### Data Sources\n\n  - Process: Process Creation\n  -  Command: Command Execution\n### Mitigations');
  });

  test('objects that cannot be used are reported; a bundle without techniques is an error', () => {
    const bad = collect({ objects: [...BUNDLE.objects, { type: 'attack-pattern', id: 'ap-x', name: 'No ID' }, 'a string'] });
    expect(bad.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/without an ATT&CK ID/), 'not a JSON object']);
    expect(() => collect({ objects: [{ type: 'x-mitre-tactic', id: 't' }] })).toThrow(/no ATT&CK techniques/);
  });

  test('an attack-pattern whose ATT&CK ID is not a technique ID is left out and reported', () => {
    const odd = ['T10590', '../../x', 'T1059\n', 't1003', 'T1059.6'];
    const r = collect({ objects: [...BUNDLE.objects, ...odd.map((id, i) => ap(`ap-odd-${i}`, id, `Odd ${i}`, { kill_chain_phases: phases('execution') }))] });
    expect(r.problems.map((p) => p.source)).toEqual(odd.map((_, i) => `ap-odd-${i}`));
    for (const p of r.problems) expect(p.reason).toMatch(/is not a technique ID \(T#### or T####\.###\); object left out/);
    const ids = techniqueDrafts(r, 'b.json', DEFAULT_FOLDERS).map((d) => d.sourceId);
    expect(ids).toEqual(techniqueDrafts(collect(BUNDLE), 'b.json', DEFAULT_FOLDERS).map((d) => d.sourceId));
  });

  test('an object whose properties have the wrong types is left out and reported; the rest is imported', () => {
    const broken = [
      ap('ap-1003', 'T1003', 'OS Credential Dumping', { kill_chain_phases: phases('execution'), description: { text: 'not a string' } }),
      ap('ap-1005', 'T1005', 'Data from Local System', { kill_chain_phases: 'execution' }),
      { type: 'x-mitre-tactic', id: 'tac-x', name: 5, x_mitre_shortname: 'x', external_references: ref('TA0099', 'tactics') },
      { type: 'x-mitre-analytic', id: 'an-9', external_references: [null], x_mitre_platforms: 'Windows' },
      rel('mitigates', 'coa-1038', 'ap-1059', { description: ['a list'] }),
    ];
    const r = collect({ objects: [...BUNDLE.objects, ...broken] });
    expect(r.problems.map((p) => p.source).sort()).toEqual(['an-9', 'ap-1003', 'ap-1005', 'relationship--coa-1038-ap-1059', 'tac-x']);
    expect(r.problems.every((p) => /is not .*; object left out/.test(p.reason))).toBe(true);
    const drafts = techniqueDrafts(r, 'bundle.json', DEFAULT_FOLDERS);
    expect(drafts.map((d) => d.sourceId).sort()).toEqual(techniqueDrafts(result, 'bundle.json', DEFAULT_FOLDERS).map((d) => d.sourceId).sort());
    for (const d of drafts) expect(typeof d.render(d.names[0] as string)).toBe('string');
  });

  test('frontmatter values from the bundle that YAML would misread are quoted; ordinary ones stay plain', () => {
    const odd = {
      objects: [
        { type: 'x-mitre-tactic', id: 'tac-x', name: 'Exec: #1 [x]\u001b[2J', x_mitre_shortname: 'execution', external_references: ref('TA0002', 'tactics') },
        { type: 'x-mitre-matrix', id: 'matrix', tactic_refs: ['tac-x'] },
        ap('ap-1059', 'T1059', 'Command and Scripting Interpreter', { kill_chain_phases: phases('execution'), x_mitre_platforms: ['Windows: 10 #x'], x_mitre_version: '- 1' }),
      ],
    };
    const r = collect(odd);
    const [d] = techniqueDrafts(r, 'bundle.json', DEFAULT_FOLDERS);
    const fm = frontmatter((d as (typeof drafts)[number]).render('T1059'));
    expect(fm).toMatchObject({ tactics: 'Exec: #1 [x]\u001b[2J', platforms: 'Windows: 10 #x', version: '- 1' });
    expect(fm.tags).toEqual(['T1059', 'techniques', 'Exec:_#1_[x]\u001b[2J']);
    expect(note('T1548')).toContain('\ntactics: Privilege Escalation, Defense Evasion\n');
  });

  test('versionFromFileName', () => {
    expect(versionFromFileName('enterprise-attack-18.1.json')).toBe('18.1');
    expect(versionFromFileName('enterprise-attack.json')).toBeUndefined();
  });
});

describeCorpus('StixCollector on the real bundles', (corpus) => {
  test.each(['17.1', '18.1'])('ATT&CK %s: the same technique facts as the catalog digest of the whole bundle', (version) => {
    const text = readFileSync(path.join(corpus, `attack/enterprise-attack-${version}.json`), 'utf8');
    const whole = digestStix(JSON.parse(text), { version });
    const c = new StixCollector();
    for (const e of jsonArrayElements(text, 'objects')) c.add(JSON.parse(e));
    const result = c.finish({ version });
    expect(result.problems).toEqual([]);
    expect(result.catalog.data.tactics).toEqual(whole.tactics);
    // Tactics are re-ordered into matrix order for notes; everything else must be identical.
    const order = whole.tactics.map((t) => t.shortname);
    const expected = whole.techniques.map((t) => ({ ...t, tactics: [...t.tactics].sort((a, b) => order.indexOf(a) - order.indexOf(b)) }));
    expect(result.techniques.map((t) => t.info)).toEqual(expected);
    const withStrategies = result.techniques.filter((t) => t.detectionStrategies.length > 0).length;
    const withSources = result.techniques.filter((t) => (t.dataSources?.length ?? 0) > 0).length;
    if (version === '18.1') {
      expect(withStrategies).toBe(691); // domain.md §4.1: one strategy per active technique
      expect(withSources).toBe(0);
    } else {
      expect(withStrategies).toBe(0);
      expect(withSources).toBeGreaterThan(600);
    }
    expect(result.techniques.filter((t) => t.mitigations.length > 0).length).toBeGreaterThan(400);
  }, 30_000);
});
