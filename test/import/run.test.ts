/** The whole import against an in-memory vault folder: idempotency, user edits, skips, dry runs, yielding. */
import { parseYamlCore } from '../../src/cli/yaml';
import { contentHash } from '../../src/core/import/hash';
import { markerLine, parseGeneratedNote, type SourceKind } from '../../src/core/import/merge';
import { unsafePathReason } from '../../src/core/import/names';
import { runImport, SOURCE_KINDS, type ImportSourceFile, type ImportTarget } from '../../src/core/import/run';
import { findCodeBlocks, type CodeBlock } from '../../src/core/markdown/code-blocks';
import { indexOf } from '../support/notes';
import * as names from '../../src/core/import/names';
import * as sigmaNote from '../../src/core/import/sigma-note';
import * as techniqueNoteModule from '../../src/core/import/technique-note';
import { frontmatter } from './note-parts';

class MemoryTarget implements ImportTarget {
  readonly files = new Map<string, string>();
  writes: string[] = [];
  failOn = new Set<string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.files.set(k, v);
  }
  list(): Promise<string[]> {
    return Promise.resolve([...this.files.keys()]);
  }
  read(path: string): Promise<string> {
    const t = this.files.get(path);
    return t === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(t);
  }
  write(path: string, text: string, previous: string | null): Promise<void> {
    if (unsafePathReason(path)) throw new Error(`unsafe path reached the target: ${path}`);
    if (this.failOn.has(path)) return Promise.reject(new Error('disk full'));
    if ((this.files.get(path) ?? null) !== previous) return Promise.reject(new Error('changed'));
    this.files.set(path, text);
    this.writes.push(path);
    return Promise.resolve();
  }
  snapshot(): Record<string, string> {
    return Object.fromEntries([...this.files].sort());
  }
}

const src = (files: Record<string, string>): ImportSourceFile[] => Object.entries(files).map(([path, text]) => ({ path, read: () => Promise.resolve(text) }));

const rule = (id: string, title: string, tags: string[], extra = ''): string =>
  `title: ${title}\nid: ${id}\nstatus: test\ndescription: ${title}.\ntags:\n${tags.map((t) => `    - ${t}`).join('\n')}\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: '\\x.exe'\n    condition: sel\nlevel: high\n${extra}`;

const V1 = {
  'rules/windows/a.yml': rule('id-a', 'Rule A', ['attack.t1059.006']),
  'rules/windows/b.yml': rule('id-b', 'Rule B', ['attack.t1059']),
  'rules/windows/c.yml': rule('id-c', 'Rule C', ['attack.t1003.001']),
  'deprecated/a.yml': rule('id-a-old', 'Rule A (old)', ['attack.t1059.006']),
  'rules/broken.yml': 'title: [unclosed\n',
  'rules/corr.yml': 'title: Burst\ncorrelation:\n  type: event_count\n  rules: [id-a]\n  timespan: 1m\n',
};
const opts = { kind: 'sigma' as const, parseYaml: parseYamlCore };

describe('runImport (Sigma into an empty folder, then again)', () => {
  test('first import creates one note per rule; malformed and non-detection files are listed, not written', async () => {
    const t = new MemoryTarget();
    const s = await runImport(src(V1), t, opts);
    expect(s.created.sort()).toEqual(['Detection Rules/a (deprecated).md', 'Detection Rules/a.md', 'Detection Rules/b.md', 'Detection Rules/c.md']);
    expect(s.skipped).toEqual([
      { source: 'rules/broken.yml', reason: expect.stringMatching(/^YAML does not parse/) },
      { source: 'rules/corr.yml', reason: expect.stringMatching(/^Sigma correlation rule/) },
    ]);
    expect(s.sourceFiles).toBe(6);
    expect([...t.files.keys()].some((p) => /broken|corr/.test(p))).toBe(false);
    expect(frontmatter(t.files.get('Detection Rules/a (deprecated).md') as string)).toMatchObject({ title: 'Rule A (old)', deprecated: true });
  });

  test('the same source twice changes nothing: all unchanged, no writes, identical bytes', async () => {
    const t = new MemoryTarget();
    await runImport(src(V1), t, opts);
    const before = t.snapshot();
    t.writes = [];
    const s = await runImport(src(V1), t, opts);
    expect(s.unchanged).toHaveLength(4);
    expect([s.created, s.updated, s.conflicts, s.keptEdits, s.stale, s.failed]).toEqual([[], [], [], [], [], []]);
    expect(t.writes).toEqual([]);
    expect(t.snapshot()).toEqual(before);
  });

  test('a newer source: untouched notes update, user sections survive, edited notes are reported and kept', async () => {
    const t = new MemoryTarget();
    await runImport(src(V1), t, opts);
    const a = 'Detection Rules/a.md';
    const b = 'Detection Rules/b.md';
    // The user edits A's generated text, appends notes to B, leaves C alone.
    const editedA = (t.files.get(a) as string).replace('level: "high"', 'level: "critical"');
    t.files.set(a, editedA);
    t.files.set(b, `${t.files.get(b) as string}## Notes\n\nTuned for our SIEM.\n`);
    const v2 = Object.fromEntries(Object.entries(V1).map(([k, v]) => [k, v.replace('level: high', 'level: medium')]));
    const s = await runImport(src(v2), t, opts);
    expect(s.conflicts).toEqual([{ path: a, source: 'rules/windows/a.yml', reason: expect.stringMatching(/edited by you/) }]);
    expect(t.files.get(a)).toBe(editedA);
    expect(s.updated.sort()).toEqual(['Detection Rules/a (deprecated).md', b, 'Detection Rules/c.md']);
    const newB = t.files.get(b) as string;
    expect(frontmatter(newB).level).toBe('medium');
    expect(newB.endsWith('-->\n## Notes\n\nTuned for our SIEM.\n')).toBe(true);
    expect(parseGeneratedNote(newB)?.edited).toBe(false);
    // Re-importing v2: the edited note is kept and no longer a conflict (its source has not changed since).
    const again = await runImport(src(v2), t, opts);
    expect(again.conflicts).toEqual([{ path: a, source: 'rules/windows/a.yml', reason: expect.stringMatching(/edited by you/) }]);
    expect(again.unchanged).toHaveLength(3);
    // Back to v1, which A was imported from: the edit is kept, quietly.
    const back = await runImport(src(V1), t, opts);
    expect(back.keptEdits).toEqual([a]);
    expect(t.files.get(a)).toBe(editedA);
  });

  test('rules gone from the source are reported as stale and kept', async () => {
    const t = new MemoryTarget();
    await runImport(src(V1), t, opts);
    const { ['rules/windows/c.yml']: _gone, ...rest } = V1;
    const s = await runImport(src(rest), t, opts);
    expect(s.stale).toEqual(['Detection Rules/c.md']);
    expect(t.files.has('Detection Rules/c.md')).toBe(true);
  });

  test('a rule whose file cannot be read this time is not called stale: its note is not known to be gone', async () => {
    const t = new MemoryTarget();
    await runImport(src(V1), t, opts);
    const s = await runImport(src({ ...V1, 'rules/windows/c.yml': 'title: [unclosed\n' }), t, opts);
    expect(s.skipped.map((x) => x.source)).toContain('rules/windows/c.yml');
    expect(s.stale).toEqual([]);
    expect(t.files.has('Detection Rules/c.md')).toBe(true);
  });

  test('a source that gives no rule at all (the wrong folder, every file broken) does not call every note stale', async () => {
    const t = new MemoryTarget();
    await runImport(src(V1), t, opts);
    const before = t.snapshot();
    const broken = await runImport(src(Object.fromEntries(Object.keys(V1).map((k) => [k, 'title: [unclosed\n']))), t, opts);
    expect(broken.skipped).toHaveLength(6);
    expect(broken.stale).toEqual([]);
    const empty = await runImport(src({ 'README.md': '# not rules\n' }), t, opts);
    expect(empty.skipped).toEqual([{ source: '(source)', reason: expect.any(String) }]);
    expect(empty.stale).toEqual([]);
    expect(t.snapshot()).toEqual(before);
  });

  test('a renamed note is found again by its marker and updated in place', async () => {
    const t = new MemoryTarget();
    await runImport(src(V1), t, opts);
    t.files.set('Detection Rules/My folder/My name for C.md', t.files.get('Detection Rules/c.md') as string);
    t.files.delete('Detection Rules/c.md');
    const s = await runImport(src({ ...V1, 'rules/windows/c.yml': V1['rules/windows/c.yml'].replace('Rule C', 'Rule C v2') }), t, opts);
    expect(s.updated).toEqual(['Detection Rules/My folder/My name for C.md']);
    expect(t.files.has('Detection Rules/c.md')).toBe(false);
  });

  test('a copy of an imported note (Obsidian names it "a 1") does not take the place of the note', async () => {
    const a = 'Detection Rules/a.md';
    const copy = 'Detection Rules/a 1.md';
    const v2 = { ...V1, 'rules/windows/a.yml': V1['rules/windows/a.yml'].replace('level: high', 'level: critical') };
    for (const edit of [(n: string) => n.replace('level: "high"', 'level: "low"'), (n: string) => `${n}## My variant\n`]) {
      const t = new MemoryTarget();
      await runImport(src(V1), t, opts);
      const mine = edit(t.files.get(a) as string);
      t.files.set(copy, mine);
      const s = await runImport(src(v2), t, opts);
      expect(frontmatter(t.files.get(a) as string).level).toBe('critical');
      expect(s.updated).toContain(a);
      expect(t.files.get(copy)).toBe(mine);
      expect(s.conflicts).toEqual([]);
    }
  });

  test('a folder where a note would go is reported as in the way, not as a failed write', async () => {
    const t = new MemoryTarget({ 'Detection Rules/a.md/inside.md': '# mine\n' });
    const s = await runImport(src(V1), t, opts);
    expect(s.conflicts).toEqual([{ path: 'Detection Rules/a.md', source: 'rules/windows/a.yml', reason: expect.stringMatching(/a folder is at this path/) }]);
    expect(s.failed).toEqual([]);
    expect(s.created).toHaveLength(3);
    expect(t.files.has('Detection Rules/a.md')).toBe(false);
  });

  test('a note the importer did not make is never overwritten', async () => {
    const mine = '# My own note about rule A\n';
    const t = new MemoryTarget({ 'Detection Rules/a.md': mine });
    const s = await runImport(src(V1), t, opts);
    expect(s.conflicts).toEqual([{ path: 'Detection Rules/a.md', source: 'rules/windows/a.yml', reason: expect.stringMatching(/did not make/) }]);
    expect(t.files.get('Detection Rules/a.md')).toBe(mine);
  });

  test('a lone surrogate in a rule (a YAML "\\ud800" escape) neither stops the import nor makes it rewrite the note', async () => {
    // In the ID (which the marker holds URI-encoded), and in text written into the note as UTF-8.
    const odd = `title: "Odd \\udc00 title"\nid: "id-\\ud800"\nstatus: test\ndescription: "Half a pair: \\ud83d."\nlogsource: {product: windows}\ndetection: {sel: {a: b}, condition: sel}\n`;
    const files = { ...V1, 'rules/windows/odd.yml': odd };
    const t = new MemoryTarget();
    const s = await runImport(src(files), t, opts);
    expect(s.created).toContain('Detection Rules/odd.md');
    expect(s.created).toHaveLength(5);
    // What a UTF-8 file system gives back.
    for (const [p, text] of t.files) t.files.set(p, Buffer.from(text, 'utf8').toString('utf8'));
    t.writes = [];
    const again = await runImport(src(files), t, opts);
    expect(again.unchanged).toHaveLength(5);
    expect(t.writes).toEqual([]);
  });

  test('dry run: the same decisions, nothing written', async () => {
    const t = new MemoryTarget();
    const s = await runImport(src(V1), t, { ...opts, dryRun: true });
    expect(s.created).toHaveLength(4);
    expect(s.dryRun).toBe(true);
    expect(t.files.size).toBe(0);
  });

  test('a failed write is listed; the other notes are still written', async () => {
    const t = new MemoryTarget();
    t.failOn.add('Detection Rules/b.md');
    const s = await runImport(src(V1), t, opts);
    expect(s.failed).toEqual([{ path: 'Detection Rules/b.md', reason: 'disk full' }]);
    expect(s.created).toHaveLength(3);
    expect(t.files.has('Detection Rules/b.md')).toBe(false);
  });

  describe('a rule whose note cannot be made', () => {
    afterEach(() => jest.restoreAllMocks());

    // The renderer fails for one rule, through the module the importer calls it from.
    const failFor = (title: string): void => {
      const real = sigmaNote.sigmaRuleNote;
      jest.spyOn(sigmaNote, 'sigmaRuleNote').mockImplementation((text, rule, o) => {
        if (rule.title === title) throw new Error('renderer exploded');
        return real(text, rule, o);
      });
    };

    test('the failure names the source file; the other rules are imported', async () => {
      failFor('Rule B');
      const t = new MemoryTarget();
      const s = await runImport(src(V1), t, opts);
      expect(s.created.sort()).toEqual(['Detection Rules/a (deprecated).md', 'Detection Rules/a.md', 'Detection Rules/c.md']);
      expect(s.failed).toEqual([{ path: 'Detection Rules/b.md', source: 'rules/windows/b.yml', reason: expect.stringContaining('renderer exploded') }]);
      expect(s.failed[0]?.reason).toContain('rules/windows/b.yml');
      expect(t.files.has('Detection Rules/b.md')).toBe(false);
    });

    test('on re-import the note of that rule stays as it was, byte for byte; the others update', async () => {
      const t = new MemoryTarget();
      await runImport(src(V1), t, opts);
      const b = `${t.files.get('Detection Rules/b.md') as string}my notes\n`;
      t.files.set('Detection Rules/b.md', b);
      failFor('Rule B');
      const v2 = Object.fromEntries(Object.entries(V1).map(([k, v]) => [k, v.replace('level: high', 'level: low')]));
      const s = await runImport(src(v2), t, opts);
      expect(s.updated.sort()).toEqual(['Detection Rules/a (deprecated).md', 'Detection Rules/a.md', 'Detection Rules/c.md']);
      expect(s.failed.map((f) => f.source)).toEqual(['rules/windows/b.yml']);
      expect(t.files.get('Detection Rules/b.md')).toBe(b);
      expect(s.stale).toEqual([]);
    });

    test('a rule that breaks the importer before it has a note path: named, the rest imported', async () => {
      // A YAML parser (the plugin's differs from the CLI's) giving a rule whose title cannot be read.
      const parseYaml = (text: string): unknown => {
        const doc = parseYamlCore(text) as Record<string, unknown>;
        if (doc.title !== 'Rule C') return doc;
        return Object.defineProperty({ ...doc }, 'title', { enumerable: true, get: () => { throw new Error('unreadable title'); } });
      };
      const t = new MemoryTarget();
      const s = await runImport(src(V1), t, { ...opts, parseYaml });
      expect(s.created).toHaveLength(3);
      expect(s.failed).toEqual([{ path: 'rules/windows/c.yml', source: 'rules/windows/c.yml', reason: expect.stringContaining('unreadable title') }]);
    });
  });

  test('hostile source file names never steer a note out of its folder', async () => {
    const names = ['../../etc/passwd.yml', '/abs/x.yml', 'CON.yml', 'nul.yaml', `${'long'.repeat(100)}.yml`, 'ünïcödé\u202e.yml', 'a:b|c?.yml', '.hidden.yml', 'x/../../../y.yml'];
    const t = new MemoryTarget();
    const s = await runImport(src(Object.fromEntries(names.map((n, i) => [n, rule(`h-${i}`, `Hostile ${i}`, ['attack.t1059'])]))), t, opts);
    expect(s.created).toHaveLength(names.length);
    for (const p of t.files.keys()) {
      expect(p.split('/')).toHaveLength(2);
      expect(p.startsWith('Detection Rules/')).toBe(true);
      expect(unsafePathReason(p)).toBeNull();
    }
    expect(new Set([...t.files.keys()].map((p) => p.toLowerCase())).size).toBe(names.length);
  });

  test('with a yield function the work is cut into slices', async () => {
    const t = new MemoryTarget();
    let yields = 0;
    const s = await runImport(src(V1), t, { ...opts, sliceMs: 0, yieldToUi: () => (yields++, Promise.resolve()) });
    expect(yields).toBeGreaterThanOrEqual(6 + 4); // at least after every source file and every note
    expect(s.yields).toBe(yields);
  });
});

describe('runImport, other kinds', () => {
  test('an ATT&CK "bundle" that is not JSON is skipped with a reason, nothing written', async () => {
    const t = new MemoryTarget();
    const s = await runImport(src({ 'enterprise-attack-18.1.json': '{"type": "bundle", "objects": [ {"type": "attack-pattern", ' }), t, { kind: 'attack', parseYaml: parseYamlCore });
    expect(s.skipped).toEqual([{ source: 'enterprise-attack-18.1.json', reason: expect.stringMatching(/^not a STIX bundle/) }]);
    expect(t.files.size).toBe(0);
  });

  test.each(SOURCE_KINDS)('%s: a source without a single file of the kind is reported, not a silent success', async (kind) => {
    const t = new MemoryTarget();
    const s = await runImport(src({ 'README.md': '# Not a source\n', 'docs/notes.txt': 'x\n' }), t, { kind, parseYaml: parseYamlCore });
    expect(s.sourceFiles).toBe(0);
    expect(s.skipped).toEqual([{ source: '(source)', reason: expect.stringMatching(/^no .*: expected /) }]);
    expect(t.files.size).toBe(0);
  });

  test('a technique whose note cannot be made, before or while rendering: named with the bundle, the others imported', async () => {
    const ap = (id: string, name: string) => ({ type: 'attack-pattern', id: `ap-${id}`, name, external_references: [{ source_name: 'mitre-attack', external_id: id }] });
    const bundle = JSON.stringify({ objects: [ap('T1001', 'One'), ap('T1002', 'Two'), ap('T1003', 'Three')] });
    const realName = names.techniqueFileName;
    jest.spyOn(names, 'techniqueFileName').mockImplementation((id, name) => {
      if (id === 'T1001') throw new Error('no name for it');
      return realName(id, name);
    });
    const realNote = techniqueNoteModule.techniqueNote;
    jest.spyOn(techniqueNoteModule, 'techniqueNote').mockImplementation((info, o) => {
      if (info.id === 'T1002') throw new Error('renderer exploded');
      return realNote(info, o);
    });
    try {
      const t = new MemoryTarget();
      const s = await runImport(src({ 'enterprise-attack-18.1.json': bundle }), t, { kind: 'attack', parseYaml: parseYamlCore });
      expect(s.created).toEqual(['Use Cases/T1003 - Three.md']);
      expect(s.failed).toEqual([
        { path: 'enterprise-attack-18.1.json#T1001', source: 'enterprise-attack-18.1.json#T1001', reason: expect.stringContaining('no name for it') },
        { path: 'Use Cases/T1002 - Two.md', source: 'enterprise-attack-18.1.json#T1002', reason: expect.stringContaining('renderer exploded') },
      ]);
      expect([...t.files.keys()]).toEqual(['Use Cases/T1003 - Three.md']);
    } finally {
      jest.restoreAllMocks();
    }
  });

  test('links between technique notes lead to the notes, also after ATT&CK renames a technique', async () => {
    // ATT&CK 18 renamed T1552.003 "Bash History" to "Shell History"; its note keeps the name it was imported under.
    const bundle = (subName: string): string => {
      const ap = (id: string, stix: string, name: string, extra: Record<string, unknown> = {}) => ({
        type: 'attack-pattern',
        id: stix,
        name,
        external_references: [{ source_name: 'mitre-attack', external_id: id }],
        ...extra,
      });
      const rel = (type: string, source: string, target: string) => ({ type: 'relationship', id: `relationship--${source}-${type}`, relationship_type: type, source_ref: source, target_ref: target });
      return JSON.stringify({
        objects: [
          ap('T1552', 'ap-1552', 'Unsecured Credentials'),
          ap('T1552.003', 'ap-1552-3', subName, { x_mitre_is_subtechnique: true }),
          ap('T1139', 'ap-1139', 'Bash History', { revoked: true }),
          rel('subtechnique-of', 'ap-1552-3', 'ap-1552'),
          rel('revoked-by', 'ap-1139', 'ap-1552-3'),
        ],
      });
    };
    const t = new MemoryTarget();
    const attack = { kind: 'attack' as const, parseYaml: parseYamlCore };
    await runImport(src({ 'enterprise-attack-17.1.json': bundle('Bash History') }), t, attack);
    const s = await runImport(src({ 'enterprise-attack-18.1.json': bundle('Shell History') }), t, attack);
    expect(s.updated).toHaveLength(3);
    const notes = new Set([...t.files.keys()].map((p) => p.slice(p.lastIndexOf('/') + 1, -'.md'.length)));
    expect(notes).toContain('T1552.003 - Unsecured Credentials- Bash History');
    const links = [...t.files.values()].flatMap((text) => [...text.matchAll(/\[\[([^\]|]+)/g)].map((m) => m[1] as string));
    expect(links.sort()).toEqual(['T1552.003 - Unsecured Credentials- Bash History', 'T1552.003 - Unsecured Credentials- Bash History']);
    // And the import after that changes nothing.
    t.writes = [];
    await runImport(src({ 'enterprise-attack-18.1.json': bundle('Shell History') }), t, attack);
    expect(t.writes).toEqual([]);
  });

  test('a technique note renamed in Obsidian, which updates the links to it: no conflict, the links stay', async () => {
    const bundle = JSON.stringify({
      objects: [
        { type: 'attack-pattern', id: 'ap-1059', name: 'Command and Scripting Interpreter', external_references: [{ source_name: 'mitre-attack', external_id: 'T1059' }] },
        { type: 'attack-pattern', id: 'ap-1059-6', name: 'Python', x_mitre_is_subtechnique: true, external_references: [{ source_name: 'mitre-attack', external_id: 'T1059.006' }] },
        { type: 'relationship', id: 'relationship--1', relationship_type: 'subtechnique-of', source_ref: 'ap-1059-6', target_ref: 'ap-1059' },
      ],
    });
    const t = new MemoryTarget();
    const attack = { kind: 'attack' as const, parseYaml: parseYamlCore };
    await runImport(src({ 'b.json': bundle }), t, attack);
    const old = 'T1059.006 - Command and Scripting Interpreter- Python';
    t.files.set('Use Cases/Python.md', t.files.get(`Use Cases/${old}.md`) as string);
    t.files.delete(`Use Cases/${old}.md`);
    const parent = 'Use Cases/T1059 - Command and Scripting Interpreter.md';
    t.files.set(parent, (t.files.get(parent) as string).replace(`[[${old}|`, '[[Python|'));
    const s = await runImport(src({ 'b.json': bundle }), t, attack);
    expect(s.conflicts).toEqual([]);
    expect(t.files.get(parent)).toContain('[[Python|T1059.006 Python]]');
    expect(parseGeneratedNote(t.files.get(parent) as string)?.edited).toBe(false);
    t.writes = [];
    await runImport(src({ 'b.json': bundle }), t, attack);
    expect(t.writes).toEqual([]);
  });

  test("a test's text that reads like another test's heading does not add to the technique's test count", async () => {
    const yaml = [
      'attack_technique: T1059.006',
      'display_name: Python',
      'atomic_tests:',
      '- name: one',
      '  description: |',
      '    See below.',
      '    ## Atomic Test #7 - not a test',
      '    Atomic Test #8',
      '    ---',
      '  executor: {name: sh, command: id}',
      '- name: two',
      '  executor:',
      '    name: manual',
      '    steps: |',
      '      ## atomic test #9',
      '      Do it by hand.',
    ].join('\n');
    const t = new MemoryTarget();
    await runImport(src({ 'T1059.006/T1059.006.yaml': `${yaml}\n` }), t, { kind: 'atomic', parseYaml: parseYamlCore });
    const [note] = [...t.files.values()] as [string];
    expect(indexOf(t.snapshot()).technique('T1059.006', { rollUp: false }).testCount).toBe(2);
    // Shown as written.
    expect(note).toContain('Atomic Test \\#7 - not a test');
  });

  test('a technique name or data source with line breaks stays on its line', async () => {
    const t = new MemoryTarget();
    const bundle = JSON.stringify({
      objects: [
        {
          type: 'attack-pattern',
          id: 'ap',
          name: 'Owner\n```\nDiscovery',
          x_mitre_data_sources: ['Process: Process\n```\nCreation'],
          x_mitre_defense_bypassed: ['A\n```'],
          external_references: [{ source_name: 'mitre-attack', external_id: 'T1033' }],
        },
      ],
    });
    await runImport(src({ 'b.json': bundle }), t, { kind: 'attack', parseYaml: parseYamlCore });
    const [note] = [...t.files.values()] as [string];
    // Both coverage blocks ("Detection Rule", "Rule Testing") are blocks of their own, and nothing else is.
    expect(findCodeBlocks(note).map((b) => b.lang)).toEqual(['attack-coverage', 'attack-coverage']);
    expect(note).toContain('\n## Owner ``` Discovery\n');
  });

  test('a bundle that cannot be read does not call every technique note stale', async () => {
    const ap = (id: string, name: string) => ({ type: 'attack-pattern', id: `ap-${id}`, name, external_references: [{ source_name: 'mitre-attack', external_id: id }] });
    const t = new MemoryTarget();
    const attack = { kind: 'attack' as const, parseYaml: parseYamlCore };
    await runImport(src({ 'enterprise-attack-18.1.json': JSON.stringify({ objects: [ap('T1001', 'One'), ap('T1002', 'Two')] }) }), t, attack);
    // A download cut short.
    const s = await runImport(src({ 'enterprise-attack-18.1.json': '{"type": "bundle", "objects": [{"type": "attack-pattern", ' }), t, attack);
    expect(s.skipped).toEqual([{ source: 'enterprise-attack-18.1.json', reason: expect.stringMatching(/^not a STIX bundle/) }]);
    expect(s.stale).toEqual([]);
  });

  test('a folder holding several bundles: none is picked by guess, the choice is left to the user', async () => {
    const bundle = (name: string): string =>
      JSON.stringify({ objects: [{ type: 'attack-pattern', id: 'ap', name, external_references: [{ source_name: 'mitre-attack', external_id: 'T1033' }] }] });
    const t = new MemoryTarget();
    const attack = { kind: 'attack' as const, parseYaml: parseYamlCore };
    await runImport(src({ 'enterprise-attack-18.1.json': bundle('System Owner/User Discovery') }), t, attack);
    const before = t.snapshot();
    const s = await runImport(src({ 'enterprise-attack-17.1.json': bundle('Old name'), 'enterprise-attack-18.1.json': bundle('System Owner/User Discovery') }), t, attack);
    expect(s.skipped.map((x) => x.source)).toEqual(['enterprise-attack-17.1.json', 'enterprise-attack-18.1.json']);
    expect(s.notes).toBe(0);
    expect(t.snapshot()).toEqual(before);
  });

  test('atomic and technique notes of one technique coexist with distinct names', async () => {
    const t = new MemoryTarget();
    const bundle = JSON.stringify({
      objects: [
        { type: 'attack-pattern', id: 'ap', name: 'Python', x_mitre_is_subtechnique: false, external_references: [{ source_name: 'mitre-attack', external_id: 'T1059.006' }] },
      ],
    });
    await runImport(src({ 'b.json': bundle }), t, { kind: 'attack', parseYaml: parseYamlCore });
    await runImport(src({ 'T1059.006/T1059.006.yaml': 'attack_technique: T1059.006\ndisplay_name: Python\natomic_tests:\n- name: x\n  executor: {name: sh, command: id}\n' }), t, { kind: 'atomic', parseYaml: parseYamlCore });
    expect([...t.files.keys()].sort()).toEqual(['Testing Runbooks/T1059.006 - Python (Atomic tests).md', 'Use Cases/T1059.006 - Python.md']);
  });
});

describe('a source text that opens a code block and never closes it', () => {
  // The block is closed where the text ends: else it runs on through the note, and the engine no longer
  // sees the embedded rule, the commands or the coverage blocks after it.
  const open = (indent: string): string => `${indent}Example:\n${indent}\`\`\`\n${indent}whoami`;
  type Seen = (blocks: CodeBlock[], files: Record<string, string>) => boolean;
  const embedded = (lang: string, file: string): Seen => (b, f) => b.some((x) => x.lang === lang && x.content === f[file]?.trimEnd());
  const cases: [SourceKind, Record<string, string>, Seen][] = [
    ['sigma', { 'f.yml': `title: F\nid: f-1\ndescription: |\n${open('    ')}\nlogsource: {product: windows}\ndetection: {sel: {a: b}, condition: sel}\n` }, embedded('yml', 'f.yml')],
    ['elastic', { 'f.toml': `[rule]\nname = "F"\nrule_id = "f-1"\ndescription = """\n${open('')}\n"""\n` }, embedded('toml', 'f.toml')],
    ['splunk', { 'f.yml': `name: F\nid: f-1\ndescription: |\n${open('  ')}\nsearch: index=main\n` }, embedded('yml', 'f.yml')],
    ['atomic', { 'T1033/T1033.yaml': `attack_technique: T1033\natomic_tests:\n- name: one\n  description: |\n${open('    ')}\n  executor: {name: sh, command: id}\n` }, (b) => b.some((x) => x.lang === 'sh' && x.content === 'id')],
    [
      'attack',
      { 'b.json': JSON.stringify({ objects: [{ type: 'attack-pattern', id: 'ap', name: 'Owner', description: open(''), external_references: [{ source_name: 'mitre-attack', external_id: 'T1033' }] }] }) },
      (b) => b.filter((x) => x.lang === 'attack-coverage').length === 2, // "Detection Rule" and "Rule Testing"
    ],
  ];
  test.each(cases)('%s', async (kind, files, seen) => {
    const t = new MemoryTarget();
    await runImport(src(files), t, { kind, parseYaml: parseYamlCore });
    const [note] = [...t.files.values()] as [string];
    expect(seen(findCodeBlocks(note), files)).toBe(true);
    expect(note).toContain('whoami');
  });
});

describe('a marker planted in a source', () => {
  // Whatever a source says, only the importer's own marker line makes a note the importer's. A line of
  // the source that looks like a marker, with the hash of the note text above it (anyone can compute it:
  // the notes are deterministic), must not make a note the user took over, or edited, look untouched.
  const PLACEHOLDER = '0123456789abcdef';
  const block = (marker: string, indent: string): string => `${indent}Planted.\n${indent}${marker}\n${indent}More text.`;
  const sources: Record<SourceKind, { id: string; files: (marker: string) => Record<string, string> }> = {
    sigma: {
      id: 'sigma:evil-1',
      files: (m) => ({ 'evil.yml': `title: Evil\nid: evil-1\ndescription: |\n${block(m, '    ')}\nlogsource:\n    product: windows\ndetection:\n    sel:\n        a: b\n    condition: sel\n` }),
    },
    elastic: {
      id: 'elastic:evil-1',
      files: (m) => ({ 'evil.toml': `[metadata]\nmaturity = "production"\n\n[rule]\nname = "Evil"\nrule_id = "evil-1"\ndescription = """\n${block(m, '')}\n"""\n` }),
    },
    splunk: {
      id: 'splunk:evil-1',
      files: (m) => ({ 'evil.yml': `name: Evil\nid: evil-1\ndescription: |\n${block(m, '  ')}\nsearch: index=main\n` }),
    },
    atomic: {
      id: 'atomic:T1059.006',
      files: (m) => ({ 'T1059.006/T1059.006.yaml': `attack_technique: T1059.006\ndisplay_name: Python\natomic_tests:\n- name: x\n  description: |\n${block(m, '    ')}\n  executor: {name: sh, command: id}\n` }),
    },
    attack: {
      id: 'attack:T1059.006',
      files: (m) => ({
        'b.json': JSON.stringify({
          objects: [{ type: 'attack-pattern', id: 'ap', name: 'Python', description: block(m, ''), external_references: [{ source_name: 'mitre-attack', external_id: 'T1059.006' }] }],
        }),
      }),
    },
  };

  /** The source with a marker line whose hash is that of the note text above the line, as a forger would make it. */
  async function forged(kind: SourceKind): Promise<Record<string, string>> {
    const { id, files } = sources[kind];
    const scratch = new MemoryTarget();
    await runImport(src(files(markerLine(kind, id, PLACEHOLDER))), scratch, { kind, parseYaml: parseYamlCore });
    const [note] = [...scratch.files.values()] as [string];
    const lineStart = note.lastIndexOf('\n', note.indexOf(PLACEHOLDER)) + 1;
    expect(lineStart).toBeGreaterThan(0);
    return files(markerLine(kind, id, contentHash(note.slice(0, lineStart - 1))));
  }

  test.each(SOURCE_KINDS)('%s: importing again changes nothing', async (kind) => {
    const planted = src(await forged(kind));
    const t = new MemoryTarget();
    const first = await runImport(planted, t, { kind, parseYaml: parseYamlCore });
    expect(first.created).toHaveLength(1);
    const before = t.snapshot();
    t.writes = [];
    const again = await runImport(planted, t, { kind, parseYaml: parseYamlCore });
    expect(again.unchanged).toEqual(first.created);
    expect(t.writes).toEqual([]);
    expect(t.snapshot()).toEqual(before);
  });

  test.each(SOURCE_KINDS)('%s: a note whose marker the user removed stays theirs', async (kind) => {
    const planted = src(await forged(kind));
    const t = new MemoryTarget();
    const [path] = (await runImport(planted, t, { kind, parseYaml: parseYamlCore })).created as [string];
    const note = t.files.get(path) as string;
    // The user takes the note over: deletes the import marker (the last line) and writes below.
    const mine = `${note.slice(0, note.lastIndexOf('\n<!-- attack-coverage-import '))}\n\n## My notes\n\nMine now.\n`;
    t.files.set(path, mine);
    t.writes = [];
    const s = await runImport(planted, t, { kind, parseYaml: parseYamlCore });
    expect(t.writes).toEqual([]);
    expect(t.files.get(path)).toBe(mine);
    expect(s.conflicts).toEqual([expect.objectContaining({ path, reason: expect.stringMatching(/did not make/) })]);
  });
});
