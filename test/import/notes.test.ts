/** Note writers on hand-made input: no corpus needed. */
import { load } from 'js-yaml';
import { defaultCatalog } from '../../src/core/attack/catalog';
import type { TechniqueInfo } from '../../src/core/attack/stix';
import { atomicNote } from '../../src/core/import/atomic-note';
import { fenced } from '../../src/core/import/markdown';
import { sigmaRuleNote, sigmaTagToNoteTag } from '../../src/core/import/sigma-note';
import { stixText, techniqueNote } from '../../src/core/import/technique-note';
import { frontmatter, yamlBlocks } from './note-parts';

describe('techniqueNote', () => {
  // Seed 004 (vault commit faf29d2), with shortened texts.
  const seed = [
    '---',
    'created: 2020-03-09',
    'last_modified: 2021-07-26',
    'version: 1.0',
    'tactics: Execution',
    'url: https://attack.mitre.org/techniques/T1059/006',
    'platforms: Linux, Windows, macOS',
    'tags: [T1059_006, techniques, Execution]',
    '---',
    '',
    '## Command and Scripting Interpreter- Python',
    '',
    '### Description',
    '',
    'Adversaries may abuse Python.',
    '',
    'Python comes with many built-in packages.',
    '',
    '### Detection',
    '',
    'Monitor systems for abnormal Python usage.',
    '',
    '### Defenses Bypassed',
    '',
    '',
    '',
    '### Data Sources',
    '',
    '  - Command: Command Execution',
    '  -  Process: Process Creation',
    '### Detection Rule',
    '',
    '```dataview',
    'table without id',
    'file.link AS "Name",',
    'status AS "Status",',
    'level AS "Level",',
    'logsrc_product AS "Log Source Product"',
    'FROM "Detection Rules" AND #T1059_006',
    '```',
    '',
    '### Rule Testing',
    '',
    '```dataview',
    'TABLE without id',
    'filename AS "Name"',
    'FROM "atomics" AND #T1059_006',
    '```',
    '',
  ].join('\n');
  const t: TechniqueInfo = {
    id: 'T1059.006',
    name: 'Python',
    tactics: ['execution'],
    platforms: ['Linux', 'Windows', 'macOS'],
    isSubtechnique: true,
    parent: 'T1059',
    url: 'https://attack.mitre.org/techniques/T1059/006',
    version: '1.0',
    created: '2020-03-09',
    modified: '2021-07-26',
  };
  const catalog = defaultCatalog();

  test('reproduces the seed note', () => {
    const note = techniqueNote(t, {
      catalog,
      description: 'Adversaries may abuse Python.(Citation: Some Source)\n\nPython comes with many built-in packages.',
      detection: 'Monitor systems for abnormal Python usage.',
      dataSources: ['Command: Command Execution', 'Process: Process Creation'],
      testsFolder: 'atomics',
    });
    expect(note).toBe(seed);
  });

  test('the later variant swaps only the two blocks for core query blocks', () => {
    const note = techniqueNote(t, { catalog, blocks: 'query' });
    expect(note).toContain('```query\ntag: detection_rule\ntag: T1059_006\n```\n\n### Rule Testing\n\n```query\ntag: atomic_test\ntag: T1059_006\n```\n');
    expect(note).not.toContain('dataview');
  });

  test('multi-tactic techniques get the generator’s comma tag and parse as YAML', () => {
    const t1548 = catalog.get('T1548') as TechniqueInfo;
    const fm = frontmatter(techniqueNote(t1548, { catalog }));
    expect(fm.tactics).toBe('Privilege Escalation, Defense Evasion');
    expect(fm.tags).toEqual(['T1548', 'techniques', 'Privilege_Escalation', '_Defense_Evasion']);
    expect(fm.created).toBe(t1548.created);
  });

  test('stixText drops citations', () => {
    expect(stixText('A (Citation: X) b.(Citation: Y)')).toBe('A b.');
  });
});

describe('sigmaRuleNote', () => {
  const yaml = [
    'title: Odd `rule` with ``` inside',
    'id: 0000-1',
    'status: test',
    'description: |',
    '    Has a fence:',
    '    ```',
    'author: Someone',
    'date: 2020/06/28',
    'tags:',
    '    - attack.execution',
    '    - attack.t1059.006',
    '    - attack.T1059',
    '    - car.2016-04-005',
    '    - attack.g0069',
    'logsource:',
    '    category: process_creation',
    '    product: windows',
    'detection:',
    '    sel:',
    '        Image|endswith: \'\\python.exe\'',
    '    condition: sel',
    'level: high',
    '',
  ].join('\r\n');
  const rule = load(yaml) as Record<string, unknown>;
  const note = sigmaRuleNote(yaml, rule);

  test('frontmatter: quoted values, tag forms, vendor', () => {
    const fm = frontmatter(note);
    expect(fm).toMatchObject({
      title: 'Odd `rule` with ``` inside',
      status: 'test',
      level: 'high',
      logsrc_product: 'windows',
      logsrc_service: '',
      logsrc_category: 'process_creation',
      id: '0000-1',
      author: 'Someone',
      created: '2020/06/28',
      modified: '',
      tags: ['execution', 't1059_006', 'T1059', 'car_2016-04-005', 'g0069', 'detection_rule'],
      vendor: 'sigma',
    });
    expect(note).toMatch(/^title: "/m);
  });

  test('embeds the rule in a fence longer than any backtick run, and it parses back', () => {
    expect(note).toContain('\n````yml\n');
    const blocks = yamlBlocks(note);
    expect(blocks).toHaveLength(1);
    expect(load(blocks[0] as string)).toEqual(rule);
  });

  test('body', () => {
    // The description's fence is closed, so that the rule below it is a block of its own.
    expect(note).toContain('\n## Odd `rule` with ``` inside\n\n### Description\n\nHas a fence:\n```\n```\n\n````yml');
  });

  test('tag conversion', () => {
    expect(sigmaTagToNoteTag('attack.t1059.006')).toBe('t1059_006');
    expect(sigmaTagToNoteTag('attack.command-and-control')).toBe('command-and-control');
    expect(sigmaTagToNoteTag('cve.2021-44228')).toBe('cve_2021-44228');
  });

  test('a rule without tags still gets detection_rule', () => {
    expect(frontmatter(sigmaRuleNote('title: x', { title: 'x' })).tags).toEqual(['detection_rule']);
  });
});

describe('atomicNote', () => {
  const atomic = {
    attack_technique: 'T1059.006',
    display_name: 'Command and Scripting Interpreter: Python',
    atomic_tests: [
      {
        name: 'Shell',
        auto_generated_guid: 'g-1',
        description: 'Runs | things\n',
        supported_platforms: ['linux', 'macos', 'iaas:aws'],
        input_arguments: { arg: { description: 'a|b', type: 'string', default: 'x\ny' } },
        executor: { name: 'sh', elevation_required: true, command: 'echo ```\n', cleanup_command: 'rm -f x' },
        dependency_executor_name: 'bash',
        dependencies: [{ description: 'Needs python', prereq_command: 'which python', get_prereq_command: 'apt install python3' }],
      },
      { name: 'By hand', auto_generated_guid: 'g-2', description: 'Manual.', supported_platforms: ['windows'], executor: { name: 'manual', steps: '1. Do it' } },
    ],
  };
  const note = atomicNote(atomic);

  test('frontmatter and title in the Testing Runbooks layout', () => {
    expect(note.startsWith('---\ntags: [T1059_006, atomic_test]\nfilename: "[[T1059.006 - Command and Scripting Interpreter- Python]]"\n---\n# T1059.006 - Command and Scripting Interpreter: Python\n\n## Atomic Test #1 - Shell\n')).toBe(true);
    expect(frontmatter(note)).toEqual({ tags: ['T1059_006', 'atomic_test'], filename: '[[T1059.006 - Command and Scripting Interpreter- Python]]' });
  });

  test('one heading per test, with platforms, guid, executor, elevation, commands', () => {
    expect(note.match(/^## Atomic Test #\d+ - /gm)).toHaveLength(2);
    expect(note).toContain('**Supported Platforms:** Linux, macOS, AWS');
    expect(note).toContain('**auto_generated_guid:** g-1');
    expect(note).toContain('| arg | a\\|b | string | x<br>y |');
    expect(note).toContain('#### Attack Commands: Run with `sh`! Elevation Required (e.g. root or admin)\n\n````sh\necho ```\n````');
    expect(note).toContain('#### Cleanup Commands:\n```sh\nrm -f x\n```');
    expect(note).toContain('#### Dependencies:  Run with `bash`!\n##### Description: Needs python\n##### Check Prereq Commands:\n```bash\nwhich python\n```');
    expect(note).toContain('## Atomic Test #2 - By hand\nManual.\n\n**Supported Platforms:** Windows');
    expect(note).toContain('#### Run it with these steps!\n\n1. Do it');
    expect(note.endsWith('\n')).toBe(true);
  });

  test('platform and executor names that are names of object properties are shown as written', () => {
    const odd = atomicNote({
      attack_technique: 'T1001',
      display_name: 'X',
      atomic_tests: [
        { name: 'odd', supported_platforms: ['constructor', 'toString', '__proto__', 'linux'], executor: { name: 'constructor', command: 'x' }, dependency_executor_name: 'hasOwnProperty', dependencies: [{ prereq_command: 'y' }] },
      ],
    });
    expect(odd).toContain('**Supported Platforms:** constructor, toString, __proto__, Linux');
    expect(odd).not.toMatch(/native code|\[object Object\]/);
    // No fence language from an unknown executor: the command block opens with a bare fence.
    expect(odd).toContain('#### Attack Commands: Run with `constructor`!\n\n```\nx\n```');
    expect(odd).toContain('##### Check Prereq Commands:\n```\ny\n```');
  });
});

test('fenced', () => {
  expect(fenced('a', 'x')).toBe('```x\na\n```');
  expect(fenced('````\n', '')).toBe('`````\n````\n`````');
});
