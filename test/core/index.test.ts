import fc from 'fast-check';
import { CoverageIndex, type IndexChange } from '../../src/core/coverage-index';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { withDefaults } from '../../src/core/settings';
import { parseYamlCore } from '../../src/cli/yaml';
import { indexOf, source } from '../support/notes';
import * as F from './formats';

const UCC = {
  'Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md': F.UCC_TECHNIQUE,
  'Use Cases/T1059 - Command and Scripting Interpreter.md': F.UCC_PARENT_TECHNIQUE,
  'Detection Rules/File Was Not Allowed To Run.md': F.UCC_APPLOCKER_RULE,
  'Detection Rules/proc_creation_win_python_inline_command_execution.md': F.UCC_PARENT_ONLY_RULE,
  'Testing Runbooks/T1059.006 - Command and Scripting Interpreter- Python.md': F.UCC_RUNBOOK,
  'atomics/T1059.006/T1059.006.md': F.UCC_ART_MD,
  'atomics/Indexes/Indexes-Markdown/index.md': F.UCC_INDEX_NOTE,
  'atomics/windows-index.md': F.UCC_INDEX_NOTE,
};

describe('Use-Case-Catalogue vault', () => {
  const index = indexOf(UCC);

  test('roles', () => {
    const role = (p: string): string | undefined => index.get(p)?.cls.role;
    expect(role('Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md')).toBe('technique');
    expect(role('Detection Rules/File Was Not Allowed To Run.md')).toBe('rule');
    expect(role('Testing Runbooks/T1059.006 - Command and Scripting Interpreter- Python.md')).toBe('test');
    expect(role('atomics/T1059.006/T1059.006.md')).toBe('test');
    // Index notes tagged atomic_test but naming no technique are not tests (domain.md §1.1 quirk).
    expect(role('atomics/Indexes/Indexes-Markdown/index.md')).toBe('other');
    expect(role('atomics/windows-index.md')).toBe('other');
  });

  test('a technique note quoting an example rule stays the technique\'s note; without folder, tag or ID the rule makes a rule note', () => {
    const example = '```yml\ntitle: Example\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {Image|endswith: python.exe}, condition: sel}\ntags: [attack.t1059.006]\n```\n';
    const ix = indexOf({
      'Use Cases/T1059.006 - Python.md': `---\ntags: [T1059_006, techniques, Execution]\n---\n## Detection\n\n${example}`,
      'Use Cases/example.md': example,
      'Notes/T1059.006 - Example.md': example,
      'Notes/T1059.006 - Tagged.md': `---\ntags: [techniques]\n---\n${example}`,
    });
    expect(ix.get('Use Cases/T1059.006 - Python.md')?.cls).toEqual({ role: 'technique', techniques: ['T1059.006'] });
    expect(ix.get('Notes/T1059.006 - Tagged.md')?.cls.role).toBe('technique');
    expect(ix.get('Use Cases/example.md')?.cls).toEqual({ role: 'rule', techniques: ['T1059.006'] });
    expect(ix.get('Notes/T1059.006 - Example.md')?.cls.role).toBe('rule');
    // The index says the same from metadata alone, which is what lets the plugin skip such bodies.
    expect(ix.roleWithoutBody({ path: 'Use Cases/T1059.006 - Python.md', cache: { frontmatter: { tags: ['T1059_006', 'techniques', 'Execution'] } } })).toBe('technique');
  });

  test('a multi-technique rule covers each technique it names, once', () => {
    const rule = 'Detection Rules/File Was Not Allowed To Run.md';
    for (const id of ['T1204.002', 'T1059.001', 'T1059.003', 'T1059.005', 'T1059.006', 'T1059.007']) {
      expect(index.technique(id).rules.map((r) => r.path)).toEqual([rule]);
    }
    const r = index.technique('T1059.006').rules[0]!;
    expect(r).toMatchObject({ title: 'File Was Not Allowed To Run', status: 'test', level: 'medium', product: 'windows', service: 'applocker', vendor: 'sigma' });
    expect(r.ruleId).toBe('401e5d00-b944-11ea-8f9a-00163ecd60ae');
  });

  test('atomic notes link to their technique and count their tests', () => {
    const t = index.technique('T1059.006');
    expect(t.tests.map((x) => [x.path, x.testCount])).toEqual([
      ['Testing Runbooks/T1059.006 - Command and Scripting Interpreter- Python.md', 4],
      ['atomics/T1059.006/T1059.006.md', 1],
    ]);
    expect(t.testCount).toBe(5);
  });

  test('a parent-only rule stays on the parent; sub-technique rules roll up, marked', () => {
    const sub = index.technique('T1059.006');
    expect(sub.rules.map((r) => r.title)).not.toContain('Python Inline Command Execution');
    const parent = index.technique('T1059');
    expect(parent.rules.map((r) => r.title)).toEqual(['Python Inline Command Execution']);
    expect(parent.rolledUpRules.map((r) => [r.title, r.via])).toEqual([['File Was Not Allowed To Run', 'T1059.001']]);
    expect(parent.rolledUpTests.every((t) => t.via === 'T1059.006')).toBe(true);
    const off = index.technique('T1059', { rollUp: false });
    expect(off.rolledUpRules).toEqual([]);
    expect(off.rolledUpTests).toEqual([]);
  });

  test('names and gaps come from the catalog', () => {
    expect(index.technique('T1059.006').name).toBe('Command and Scripting Interpreter: Python');
    expect(index.technique('T1059.006').gaps).toEqual([]);
    expect(index.technique('T1204.002').gaps).toEqual(['no tests']);
  });

  test('tests filed under the next release\'s ID are named in the gap, as rules are, not called missing', () => {
    // Atomic Red Team files v18 T1562.001's tests under v19 T1685 (domain.md §4.4); the catalog's remap row says so.
    const tests = 4;
    const runbook = ['---', 'tags: [T1685, atomic_test]', '---', '# T1685 - Disable or Modify Tools', ''];
    for (let i = 1; i <= tests; i++) runbook.push(`## Atomic Test #${i} - test ${i}`, 'Does something.', '');
    const v19 = indexOf({
      'Use Cases/T1562.001 - Disable or Modify Tools.md': '---\ntags: [T1562_001, techniques]\n---\n',
      'Testing Runbooks/T1685 - Disable or Modify Tools (Atomic tests).md': runbook.join('\n'),
    });
    const c = v19.technique('T1562.001');
    expect(c.tests).toEqual([]);
    expect(c.successorTests.map((t) => [t.path, t.via, t.testCount])).toEqual([['Testing Runbooks/T1685 - Disable or Modify Tools (Atomic tests).md', 'T1685', tests]]);
    expect(c.gaps).toEqual(['no rules', `no tests under this ID; ${tests} under its successor`]);
  });
});

describe('other vault formats', () => {
  test.each([
    ['vault/kb/mitre/attack/techniques/T1059.006-Python.md', F.FORK_TECHNIQUE],
    ['techniques/Python.md', F.UPSTREAM_VINCENZO_TECHNIQUE],
    ['Techniques/Enterprise attack/Execution/Command and Scripting Interpreter/Python - T1059.006.md', F.REUTERAS_TECHNIQUE],
  ])('%s is the technique note of T1059.006', (path, text) => {
    const index = indexOf({ [path]: text, 'Detection Rules/r.md': F.UCC_APPLOCKER_RULE });
    expect(index.get(path)?.cls).toEqual({ role: 'technique', techniques: ['T1059.006'] });
    expect(index.technique('T1059.006').path).toBe(path);
    expect(index.technique('T1059.006').rules).toHaveLength(1);
  });

  // reuteras always writes all three matrices, each technique tagged with its domain (domain.md §1.3);
  // the catalog and the coverage are Enterprise ATT&CK.
  test.each([
    ['Techniques/Mobile attack/Execution/Native API - T1575.md', 'mobile-attack', 'T1575'],
    ['Techniques/ICS attack/Execution/Change Operating Mode - T0858.md', 'ics-attack', 'T0858'],
  ])('%s (another ATT&CK matrix) is not an Enterprise technique note', (path, domain, id) => {
    const text = F.REUTERAS_TECHNIQUE.replace(/T1059\.006/g, id).replace('enterprise-attack', domain);
    const enterprise = 'Techniques/Enterprise attack/Execution/Command and Scripting Interpreter/Python - T1059.006.md';
    const index = indexOf({ [path]: text, [enterprise]: F.REUTERAS_TECHNIQUE });
    expect(index.get(path)?.cls.role).toBe('other');
    expect(index.techniqueNoteIds()).toEqual(['T1059.006']);
    expect(index.diagnostics().filter((d) => d.severity !== 'info')).toEqual([]);
  });
});

describe('incremental updates', () => {
  test('upsert moves a rule between techniques and notifies with the path', () => {
    const index = indexOf(UCC);
    const changes: IndexChange[] = [];
    index.onChange((c) => changes.push(c));
    const p = 'Detection Rules/proc_creation_win_python_inline_command_execution.md';
    index.upsert(source(p, F.UCC_PARENT_ONLY_RULE.replace('tags: [execution, t1059, detection_rule]', 'tags: [execution, t1059_006, detection_rule]').replace('attack.t1059\n', 'attack.t1059.006\n')));
    expect(index.technique('T1059').rules).toEqual([]);
    expect(index.technique('T1059.006').rules.map((r) => r.path)).toContain(p);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.paths).toEqual([p]);
  });

  test('rename re-classifies by folder and re-derives the ID from the file name', () => {
    const index = indexOf(UCC);
    const from = 'Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md';
    index.rename(from, 'Archive/T1059.006 - Python.md');
    // Still a technique note: its tags say so even outside the technique folder.
    expect(index.technique('T1059.006').path).toBe('Archive/T1059.006 - Python.md');
    index.rename('Detection Rules/File Was Not Allowed To Run.md', 'Detection Rules/sub/renamed.md');
    expect(index.technique('T1059.006').rules.map((r) => r.path)).toEqual(['Detection Rules/sub/renamed.md']);
    expect(index.get('Detection Rules/File Was Not Allowed To Run.md')).toBeUndefined();
  });

  test('remove drops every link of the note', () => {
    const index = indexOf(UCC);
    index.remove('Detection Rules/File Was Not Allowed To Run.md');
    expect(index.technique('T1059.001').rules).toEqual([]);
    expect(index.techniqueIds()).not.toContain('T1204.002');
    expect(index.notesWithTag('t1059_006', 'obsidian').has('Detection Rules/File Was Not Allowed To Run.md')).toBe(false);
  });

  // Any sequence of single-note operations leaves the index exactly as a rebuild from the final notes.
  test('incremental state equals a rebuild (property)', () => {
    const texts = Object.values(UCC);
    const names = ['Use Cases/T1059 - a.md', 'Use Cases/T1059.006 - b.md', 'Detection Rules/x.md', 'Detection Rules/y.md', 'Testing Runbooks/T1059.006 - t.md', 'misc/z.md'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('upsert' as const), path: fc.constantFrom(...names), text: fc.constantFrom(...texts) }),
      fc.record({ kind: fc.constant('remove' as const), path: fc.constantFrom(...names) }),
      fc.record({ kind: fc.constant('rename' as const), path: fc.constantFrom(...names), to: fc.constantFrom(...names) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const live = new CoverageIndex({ settings: withDefaults(undefined), catalog: defaultCatalog(), env: { parseYaml: parseYamlCore } });
        const files = new Map<string, string>();
        for (const o of ops) {
          if (o.kind === 'upsert') {
            files.set(o.path, o.text);
            live.upsert(source(o.path, o.text));
          } else if (o.kind === 'remove') {
            files.delete(o.path);
            live.remove(o.path);
          } else if (files.has(o.path) && o.path !== o.to) {
            files.set(o.to, files.get(o.path)!);
            files.delete(o.path);
            live.rename(o.path, o.to);
          }
        }
        const fresh = indexOf(Object.fromEntries(files));
        expect(live.techniqueIds()).toEqual(fresh.techniqueIds());
        for (const id of fresh.techniqueIds()) expect(live.technique(id)).toEqual(fresh.technique(id));
        expect(live.diagnostics()).toEqual(fresh.diagnostics());
      }),
      { numRuns: 150 },
    );
  });
});

describe('flags and diagnostics', () => {
  const catalog = defaultCatalog();
  const revoked = catalog.techniques({ includeInactive: true }).find((t) => t.revoked && t.revokedBy)!;

  test('a revoked ID is kept, flagged, and points at its replacement', () => {
    const tag = revoked.id.replace('.', '_').toLowerCase();
    const index = indexOf({ 'Detection Rules/old.md': `---\ntitle: "Old"\ntags: [${tag}, detection_rule]\n---\n` });
    const t = index.technique(revoked.id);
    expect(t.rules).toHaveLength(1);
    expect(t.status).toBe('revoked');
    expect(t.replacement).toBeDefined();
    expect(index.diagnostics().some((d) => d.path === 'Detection Rules/old.md' && d.message.includes(revoked.id) && d.message.includes('revoked'))).toBe(true);
  });

  test('unknown and malformed IDs become diagnostics naming the note', () => {
    const index = indexOf({ 'Detection Rules/odd.md': '---\ntags: [t9999_999, t1059_6, detection_rule]\n---\n' });
    const msgs = index.diagnostics().filter((d) => d.path === 'Detection Rules/odd.md').map((d) => d.message);
    expect(msgs.some((m) => m.includes('T9999.999') && m.includes('not in ATT&CK'))).toBe(true);
    expect(msgs.some((m) => m.includes('t1059_6') && m.includes('malformed'))).toBe(true);
    expect(index.technique('T9999.999').rules).toHaveLength(1);
  });

  test.each([
    ['sigma', 'T1059.6', '```yml\ntitle: Odd\nlogsource:\n    product: windows\ndetection:\n    sel:\n        Image: x\n    condition: sel\ntags:\n    - attack.execution\n    - attack.t1059.6\n    - attack.t1059.001\n```\n'],
    ['elastic', 'T10591', '```toml\n[metadata]\nmaturity = "production"\n[rule]\nname = "Odd"\nrule_id = "x"\nseverity = "low"\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T10591"\nname = "x"\n[[rule.threat.technique]]\nid = "T1059"\nname = "y"\n[[rule.threat.technique.subtechnique]]\nid = "T1059.001"\nname = "z"\n```\n'],
    ['splunk', 'T1059.01', '```yaml\nname: Odd\nid: x\nsearch: "| tstats count"\ntags:\n  mitre_attack_id:\n  - T1059.01\n  - T1059.001\n```\n'],
  ])('a malformed ID in an embedded %s rule becomes a diagnostic, not silence', (_vendor, bad, body) => {
    const index = indexOf({ 'Detection Rules/odd.md': `# Odd\n\n${body}` });
    expect(index.technique('T1059.001').rules.map((r) => r.path)).toEqual(['Detection Rules/odd.md']);
    const msgs = index.diagnostics().filter((d) => d.path === 'Detection Rules/odd.md').map((d) => d.message);
    expect(msgs.some((m) => m.includes(bad.slice(1)) && m.includes('malformed'))).toBe(true);
  });

  test('duplicate rule IDs are reported on both notes', () => {
    const index = indexOf({ 'Detection Rules/a.md': F.UCC_APPLOCKER_RULE, 'Detection Rules/b.md': F.UCC_APPLOCKER_RULE });
    const dups = index.diagnostics().filter((d) => d.message.includes('401e5d00'));
    expect(dups.map((d) => d.path)).toEqual(['Detection Rules/a.md', 'Detection Rules/b.md']);
  });
});

describe('techniques of the next ATT&CK release', () => {
  test('a rule tagged with a 19.1-only ID is linked, named, and reported as newer, not unknown', () => {
    const idx = new CoverageIndex({ catalog: defaultCatalog(), env: { parseYaml: parseYamlCore } });
    idx.upsert({ path: 'Detection Rules/fw.md', cache: { frontmatter: { tags: ['attack.t1686.003', 'detection_rule'], title: 'Firewall rule added' } } });
    expect(idx.statusOf('T1686.003')).toBe('newer');
    expect(idx.technique('T1686.003').name).toBe('Disable or Modify System Firewall: Windows Host Firewall');
    expect(idx.technique('T1686.003').rules.map((r) => r.path)).toEqual(['Detection Rules/fw.md']);
    const d = idx.diagnostics().filter((x) => x.path === 'Detection Rules/fw.md' && /T1686\.003/.test(x.message));
    expect(d).toEqual([{ path: 'Detection Rules/fw.md', severity: 'info', message: 'T1686.003 is in ATT&CK 19.1 ("Disable or Modify System Firewall: Windows Host Firewall"), newer than ATT&CK 18.1' }]);
  });
});
