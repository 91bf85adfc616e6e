/** Source files → drafts or reasons: what each importer accepts, flags and skips. */
import { load } from 'js-yaml';
import { parseYamlCore } from '../../src/cli/yaml';
import { atomicDraft, draftFor, elasticDraft, selectSourceFiles, sigmaDraft, splunkDraft, yamlDocuments } from '../../src/core/import/sources';
import { DEFAULT_FOLDERS } from '../../src/core/import/stix-import';
import { frontmatter, yamlBlocks } from './note-parts';

const F = DEFAULT_FOLDERS;
const SIGMA = `title: Python One-Liner
id: 0A1B-2C
status: test
description: Finds python -c.
author: Someone
date: 2024-01-02
tags:
    - attack.execution
    - attack.t1059.006
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        CommandLine|contains: ' -c '
    condition: sel
level: medium
`;

function draftOf(out: ReturnType<typeof draftFor>) {
  if ('skip' in out) throw new Error(`skipped: ${out.skip}`);
  return out.draft;
}

describe('selectSourceFiles', () => {
  test('Sigma: only the rule folders of a SigmaHQ checkout; any YAML in a plain folder', () => {
    const checkout = ['rules/a.yml', 'rules-emerging-threats/b.yaml', 'deprecated/c.yml', 'unsupported/d.yml', 'tests/config.yml', '.github/x.yml', 'deprecated/deprecated.json', 'README.md'];
    expect(selectSourceFiles('sigma', checkout)).toEqual(['deprecated/c.yml', 'rules-emerging-threats/b.yaml', 'rules/a.yml', 'unsupported/d.yml']);
    expect(selectSourceFiles('sigma', ['windows/x.yml', 'y.yaml', 'z.txt'])).toEqual(['windows/x.yml', 'y.yaml']);
  });

  test('Atomic Red Team: T####/T####.yaml only (the folder must name the same technique)', () => {
    const tree = ['atomics/T1059.006/T1059.006.yaml', 'atomics/T1003/T1003.yaml', 'atomics/T1003/src/x.yaml', 'atomics/Indexes/index.yaml', 'atomics/T1003/T1004.yaml', 'T1105/T1105.yml'];
    expect(selectSourceFiles('atomic', tree)).toEqual(['T1105/T1105.yml', 'atomics/T1003/T1003.yaml', 'atomics/T1059.006/T1059.006.yaml']);
  });

  test('Elastic and Splunk checkouts: their rule folders only', () => {
    expect(selectSourceFiles('elastic', ['rules/windows/a.toml', 'rules_building_block/b.toml', 'etc/c.toml', 'pyproject.toml'])).toEqual(['rules/windows/a.toml', 'rules_building_block/b.toml']);
    expect(selectSourceFiles('splunk', ['detections/endpoint/a.yml', 'stories/s.yml', 'macros/m.yml'])).toEqual(['detections/endpoint/a.yml']);
    expect(selectSourceFiles('splunk', ['endpoint/a.yml'])).toEqual(['endpoint/a.yml']);
  });
});

describe('Sigma', () => {
  test('a detection rule: ID from the rule, note with the YAML embedded verbatim', () => {
    const d = draftOf(sigmaDraft('rules/windows/proc_creation_win_python.yml', SIGMA, parseYamlCore, F));
    expect(d).toMatchObject({ kind: 'rule', source: 'sigma', sourceId: 'sigma:0a1b-2c', folder: 'Detection Rules', priority: 0 });
    expect(d.names[0]).toBe('proc_creation_win_python');
    const note = d.render('proc_creation_win_python');
    expect(yamlBlocks(note)).toEqual([SIGMA.replace(/\n$/, '')]);
    expect(frontmatter(note)).toMatchObject({ title: 'Python One-Liner', created: '2024-01-02', source_file: 'rules/windows/proc_creation_win_python.yml', tags: ['execution', 't1059_006', 'detection_rule'] });
    expect(frontmatter(note).deprecated).toBeUndefined();
  });

  test('deprecated/ and unsupported/ rules are flagged and claim names last', () => {
    const dep = draftOf(sigmaDraft('deprecated/windows/x.yml', SIGMA, parseYamlCore, F));
    expect(dep.priority).toBe(1);
    expect(dep.names[1]).toBe('x (deprecated)');
    expect(frontmatter(dep.render('x')).deprecated).toBe(true);
    expect(dep.render('x')).toContain('> [!warning] Deprecated');
    const uns = draftOf(sigmaDraft('rules/x.yml', SIGMA.replace('status: test', 'status: unsupported'), parseYamlCore, F));
    expect(frontmatter(uns.render('x')).unsupported).toBe(true);
  });

  test('correlation and filter files, broken YAML and non-rules are skipped with reasons', () => {
    const skip = (text: string): string => {
      const out = sigmaDraft('rules/x.yml', text, parseYamlCore, F);
      return 'skip' in out ? out.skip : 'imported';
    };
    expect(skip('title: Many failed logons\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5m\n')).toMatch(/correlation/);
    expect(skip('title: Exclude admins\nlogsource: {product: windows}\nfilter:\n  rules: [a]\n  selection: {User: admin}\n  condition: not selection\n')).toMatch(/filter/);
    expect(skip(`${SIGMA}\n---\ntitle: Burst\ncorrelation: {type: event_count, rules: [x]}\n`)).toMatch(/correlation/);
    expect(skip('title: [unclosed\n')).toMatch(/YAML does not parse/);
    expect(skip('')).toBe('empty file');
    expect(skip('# just a comment\n')).toBe('empty file');
    expect(skip('- a\n- b\n')).toMatch(/not a mapping/);
    expect(skip('title: x\ndetection: {sel: {a: 1}, condition: sel}\n')).toMatch(/no logsource/);
    expect(skip('logsource: {product: windows}\n')).toMatch(/no title, detection/);
  });

  test('an old rule collection (several documents) becomes one note with every document', () => {
    const text = `action: global\ntitle: Collection\nid: c-1\ntags: [attack.t1543.003]\ndetection:\n  condition: a or b\n---\nlogsource: {product: windows, service: system}\ndetection: {a: {EventID: 7045}}\n---\nlogsource: {product: windows, service: security}\ntags: [attack.t1021]\ndetection: {b: {EventID: 4697}}\n`;
    const d = draftOf(sigmaDraft('unsupported/c.yml', text, parseYamlCore, F));
    const note = d.render('c');
    expect(frontmatter(note)).toMatchObject({ title: 'Collection', logsrc_service: 'system', tags: ['t1543_003', 't1021', 'detection_rule'], unsupported: true });
    expect(yamlBlocks(note)[0]).toBe(text.replace(/\n$/, ''));
    expect(note).toContain('> [!note] Rule collection');
  });

  test('yamlDocuments splits on column-0 separators only', () => {
    expect(yamlDocuments('a: 1\n---\nb: |\n  ---\n  x\n')).toEqual(['a: 1\n', '\nb: |\n  ---\n  x\n']);
    expect(yamlDocuments('---\na: 1\n...\n')).toHaveLength(1);
  });
});

describe('Elastic', () => {
  const TOML = `[metadata]
creation_date = "2020/10/19"
integration = ["endpoint", "windows"]
maturity = "production"
updated_date = "2026/05/04"

[rule]
author = ["Elastic"]
description = "Shell via rundll32."
language = "eql"
name = "Command Shell Activity Started via RunDLL32"
risk_score = 21
rule_id = "9CCF3CE0-0057"
severity = "low"
tags = ["OS: Windows", "Tactic: Execution"]
type = "eql"
query = '''
process where process.name : "cmd.exe"
'''

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
name = "Command and Scripting Interpreter"
[[rule.threat.technique.subtechnique]]
id = "T1059.001"
name = "PowerShell"
[[rule.threat.technique.subtechnique]]
id = "T1059.003"
name = "Windows Command Shell"
[rule.threat.tactic]
id = "TA0002"
name = "Execution"

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1218"
name = "System Binary Proxy Execution"
[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"
`;

  test('rule.threat (techniques and sub-techniques) become technique tags; TOML embedded verbatim', () => {
    const d = draftOf(elasticDraft('rules/windows/execution_shell.toml', TOML, F));
    expect(d).toMatchObject({ sourceId: 'elastic:9ccf3ce0-0057', names: ['execution_shell', 'execution_shell (elastic)'] });
    const note = d.render('execution_shell');
    expect(frontmatter(note)).toMatchObject({
      title: 'Command Shell Activity Started via RunDLL32',
      status: 'production',
      level: 'low',
      logsrc_product: 'windows',
      logsrc_service: 'endpoint',
      id: '9CCF3CE0-0057',
      created: '2020/10/19',
      modified: '2026/05/04',
      tags: ['execution', 'defense-evasion', 't1059', 't1059_001', 't1059_003', 't1218', 'detection_rule'],
      vendor: 'elastic',
    });
    const toml = /^(`{3,})toml\n([\s\S]*?)\n\1$/m.exec(note);
    expect(toml?.[2]).toBe(TOML.replace(/\n$/, ''));
  });

  test('a rule tagged with several systems has no one product (not the first tag\'s)', () => {
    const cross = TOML.replace('tags = ["OS: Windows", "Tactic: Execution"]', 'tags = ["OS: Linux", "OS: Windows", "OS: macOS", "Tactic: Execution"]');
    const note = draftOf(elasticDraft('rules/cross-platform/execution_shell.toml', cross, F)).render('execution_shell');
    expect(frontmatter(note)).toMatchObject({ logsrc_product: '', logsrc_service: 'endpoint' });
  });

  test('malformed TOML and TOML that is not a rule are skipped', () => {
    expect(elasticDraft('a.toml', '[rule\nname = 1', F)).toEqual({ skip: expect.stringMatching(/TOML does not parse/) });
    expect(elasticDraft('a.toml', '[metadata]\nmaturity = "production"\n', F)).toEqual({ skip: expect.stringMatching(/no \[rule\] name/) });
  });
});

describe('Splunk', () => {
  const YML = `name: Windows InstallUtil Credential Theft
id: CCFEDDEC-43ec
version: 6
date: '2024-09-30'
author: Michael Haag, Splunk
status: production
type: TTP
description: InstallUtil loads vaultcli.dll.
data_source:
- Sysmon EventID 7
search: '\`sysmon\` EventCode=7 process_name=installutil.exe'
tags:
  mitre_attack_id:
  - T1218.004
  - T1218
  - T1218.004
  - not-an-id
  risk_score: 80
  security_domain: endpoint
`;

  test('tags.mitre_attack_id become technique tags (valid IDs, once each); YAML embedded verbatim', () => {
    const d = draftOf(splunkDraft('detections/endpoint/x.yml', YML, parseYamlCore, F));
    expect(d.sourceId).toBe('splunk:ccfeddec-43ec');
    const note = d.render('x');
    expect(frontmatter(note)).toMatchObject({ title: 'Windows InstallUtil Credential Theft', level: 'high', logsrc_product: 'Sysmon EventID 7', created: '2024-09-30', tags: ['t1218_004', 't1218', 'detection_rule'], vendor: 'splunk' });
    expect(load(yamlBlocks(note)[0] as string)).toEqual(load(YML));
  });

  test('YAML without a search is not a detection', () => {
    expect(splunkDraft('s.yml', 'name: A story\nnarrative: x\n', parseYamlCore, F)).toEqual({ skip: expect.stringMatching(/no name or search/) });
  });
});

describe('Atomic Red Team', () => {
  const ART = `attack_technique: T1059.006
display_name: 'Command and Scripting Interpreter: Python'
atomic_tests:
- name: Execute shell script via python
  auto_generated_guid: 3a95cdb2-c6ea
  supported_platforms: [linux]
  executor:
    command: python -c 'print(1)'
    name: sh
- name: Run as root
  auto_generated_guid: 161d694c-b543
  supported_platforms: [linux, macos]
  executor:
    command: sudo python x.py
    name: bash
    elevation_required: true
`;

  test('one note per technique, its own file name (not the technique note’s), a test table', () => {
    const d = draftOf(atomicDraft('atomics/T1059.006/T1059.006.yaml', ART, parseYamlCore, F));
    expect(d).toMatchObject({ kind: 'test', sourceId: 'atomic:T1059.006', folder: 'Testing Runbooks' });
    expect(d.names).toEqual(['T1059.006 - Command and Scripting Interpreter- Python (Atomic tests)']);
    const note = d.render('T1059.006 - Command and Scripting Interpreter- Python (Atomic tests)');
    expect(frontmatter(note)).toEqual({ tags: ['T1059_006', 'atomic_test'], filename: '[[T1059.006 - Command and Scripting Interpreter- Python (Atomic tests)]]' });
    expect(note).toContain('| 1 | Execute shell script via python | 3a95cdb2-c6ea | Linux | sh | no |');
    expect(note).toContain('| 2 | Run as root | 161d694c-b543 | Linux, macOS | bash | required |');
    expect(note.match(/^## Atomic Test #\d+ - /gm)).toHaveLength(2);
    expect(note).toContain("```sh\npython -c 'print(1)'\n```");
  });

  test('files that are not atomics are skipped with reasons', () => {
    const skip = (text: string): string => {
      const out = atomicDraft('T1/T1.yaml', text, parseYamlCore, F);
      return 'skip' in out ? out.skip : 'imported';
    };
    expect(skip('attack_technique: T1059.6\natomic_tests: [{name: x}]\n')).toMatch(/not a technique ID/);
    expect(skip('attack_technique: T1059\natomic_tests: []\n')).toMatch(/no atomic_tests/);
    expect(skip('attack_technique: T1059\natomic_tests: [x]\n')).toMatch(/must be a mapping/);
    expect(skip('attack_technique: T1059\natomic_tests:\n  - name: [\n')).toMatch(/YAML does not parse/);
  });
});
