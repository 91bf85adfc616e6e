/**
 * Per-rule analysis: what one rule note gives (Sigma, Elastic, Splunk, nothing), the store's cache
 * (once per note revision; renames keep the parse), incremental corpus reach against a from-scratch
 * recount under random edits, asynchronous reads, and field overrides from vault notes.
 */
import fc from 'fast-check';
import { fieldOverridesFromFrontmatter, mergeFieldOverrides } from '../../src/core/analytics/field-overrides';
import { analyseRuleText, finishAnalysis, reachKey } from '../../src/core/analytics/rule-analysis';
import { RuleAnalysisStore } from '../../src/core/analytics/rule-store';
import type { RuleMeta } from '../../src/core/rules';
import { parseYamlCore } from '../../src/cli/yaml';
import { source } from '../support/notes';
import { vaultOf } from './vaults';

const sigmaNote = (title: string, detection: string, opts: { tags?: string; logsource?: string } = {}): string =>
  [
    '---',
    `tags: [detection_rule, ${opts.tags ?? 't1059_006'}]`,
    '---',
    `## ${title}`,
    '',
    '```yml',
    `title: ${title}`,
    `id: id-${title.replace(/\W+/g, '-').toLowerCase()}`,
    'description: |',
    `    ${title} description.`,
    '',
    '    Second paragraph.',
    `logsource: ${opts.logsource ?? '{product: windows, category: process_creation}'}`,
    `detection: ${detection}`,
    '```',
  ].join('\n');

const META: RuleMeta = { title: 'T', vendor: 'sigma', status: '', level: '', product: 'windows', service: '', category: 'process_creation', ruleId: 'fm-id', techniques: [] };

describe('analyseRuleText', () => {
  test('Sigma: predicates, logsource, ID, first paragraph of the description', () => {
    const core = analyseRuleText(sigmaNote('Py', '{sel: {Image|contains: "\\\\python"}, f: {User: x}, condition: sel and not f}'), META, parseYamlCore);
    expect(core).toMatchObject({ format: 'sigma', ruleId: 'id-py', description: 'Py description.', state: 'full', problems: [] });
    expect(core.logsource).toEqual({ product: 'windows', service: '', category: 'process_creation' });
    expect(core.predicates.map((p) => [p.field, p.op, p.value, p.negated])).toEqual([
      ['Image', 'contains', '\\python', false],
      ['User', 'eq', 'x', true],
    ]);
  });

  test('a Sigma rule with problems is partial and says why', () => {
    const core = analyseRuleText(sigmaNote('Bad', '{sel: {Image|foo: x}, condition: sel}'), META, parseYamlCore);
    expect(core.state).toBe('partial');
    expect(core.problems.join()).toMatch(/unknown modifier "foo"/);
  });

  test('no embedded rule, broken YAML, no text: state none with the reason, frontmatter logsource kept', () => {
    const none = analyseRuleText('---\ntitle: x\n---\nno code here', META, parseYamlCore);
    expect(none).toMatchObject({ format: 'none', state: 'none', ruleId: 'fm-id', logsource: { product: 'windows', category: 'process_creation' } });
    expect(none.problems[0]).toMatch(/no embedded rule/);
    const broken = analyseRuleText('```yml\ntitle: [unclosed\n```', META, parseYamlCore);
    expect(broken.problems[0]).toMatch(/embedded yml rule at line 1 does not parse/);
    expect(analyseRuleText(undefined, null, parseYamlCore).problems).toEqual(['the note text was not read']);
  });

  test('Elastic TOML and Splunk YAML through the vendor parsers', () => {
    const toml = '```toml\n[rule]\nrule_id = "r1"\nlanguage = "kuery"\ndescription = "E"\nquery = "process.name : \\"cmd.exe\\""\n```';
    expect(analyseRuleText(toml, null, parseYamlCore)).toMatchObject({ format: 'elastic', ruleId: 'r1', state: 'full', predicates: [{ field: 'process.name', op: 'eq', value: 'cmd.exe' }] });
    const spl = '```yml\nname: S\nid: s1\nsearch: \'`sysmon` EventCode=1 process_name=cmd.exe\'\ndata_source: [Sysmon EventID 1]\ntags: {}\n```';
    const s = analyseRuleText(spl, null, parseYamlCore);
    expect(s).toMatchObject({ format: 'splunk', ruleId: 's1', state: 'full', declaredEvents: [{ provider: 'Sysmon', eventId: 1 }] });
    const unparsable = analyseRuleText('```toml\n[rule]\nlanguage = "lucene"\nquery = "a AND ("\n```', null, parseYamlCore);
    expect(unparsable.state).toBe('none');
    expect(unparsable.problems.length).toBeGreaterThan(0);
  });

  test('finishAnalysis: concepts, package, events and distinct reach keys (each rule once per key)', () => {
    const core = analyseRuleText(sigmaNote('Dup', '{a: {Image|contains: "\\\\PYTHON"}, b: {Image|contains: "\\\\python"}, condition: a or b}'), META, parseYamlCore);
    const a = finishAnalysis(core, { path: 'Rules/pkg/x.md', title: 'Dup', folder: 'Rules/pkg', meta: META });
    expect(a.package).toBe('Rules/pkg');
    expect(a.concepts).toEqual(['Image', 'Image']);
    expect(a.reachKeys).toEqual([reachKey('Image', 'contains', '\\python', false)]);
    expect(a.events.map((e) => `${e.provider} ${e.eventId}`)).toEqual(['Sysmon 1', 'Security 4688']);
    // Regex values keep their case; exclusions are keyed apart.
    expect(reachKey('Image', 'regex_match', 'A', false)).not.toBe(reachKey('Image', 'regex_match', 'a', false));
    expect(reachKey('Image', 'eq', 'A', true)).not.toBe(reachKey('Image', 'eq', 'a', false));
  });
});

describe('RuleAnalysisStore cache', () => {
  test('parses each rule once per note revision; a rename keeps the parse, an edit re-parses', () => {
    let parses = 0;
    const parseYaml = (t: string): unknown => {
      parses++;
      return parseYamlCore(t);
    };
    const v = vaultOf({ 'Detection Rules/a.md': sigmaNote('A', '{s: {Image|contains: x}, condition: s}'), 'Detection Rules/b.md': sigmaNote('B', '{s: {Image|contains: x}, condition: s}') });
    const store = new RuleAnalysisStore(v.index, { parseYaml, readText: (p) => v.texts.get(p) });
    store.sync();
    expect(parses).toBe(2);
    const first = store.get('Detection Rules/a.md');
    store.sync();
    expect(store.get('Detection Rules/a.md')).toBe(first);
    expect(parses).toBe(2);

    v.index.rename('Detection Rules/a.md', 'Detection Rules/sub/a2.md');
    store.sync();
    expect(parses).toBe(2);
    expect(store.get('Detection Rules/a.md')).toBeUndefined();
    expect(store.get('Detection Rules/sub/a2.md')).toMatchObject({ package: 'Detection Rules/sub', path: 'Detection Rules/sub/a2.md' });
    expect(store.reachOf(reachKey('Image', 'contains', 'x', false))).toBe(2);

    const edited = sigmaNote('A', '{s: {Image|contains: y}, condition: s}');
    v.texts.set('Detection Rules/sub/a2.md', edited);
    v.index.upsert(source('Detection Rules/sub/a2.md', edited));
    store.sync();
    expect(parses).toBe(3);
    expect(store.reachOf(reachKey('Image', 'contains', 'x', false))).toBe(1);
    expect(store.reachOf(reachKey('Image', 'contains', 'y', false))).toBe(1);

    v.index.remove('Detection Rules/b.md');
    store.sync();
    expect(store.reachOf(reachKey('Image', 'contains', 'x', false))).toBe(0);
    expect(store.size).toBe(1);
  });

  test('remember() hands over the text the indexer read: no second read', () => {
    const v = vaultOf({});
    const reads: string[] = [];
    const store = new RuleAnalysisStore(v.index, { parseYaml: parseYamlCore, readText: (p) => (reads.push(p), undefined) });
    const src = source('Detection Rules/r.md', sigmaNote('R', '{s: {CommandLine|contains: evil}, condition: s}'));
    v.index.upsert(src);
    store.remember(src);
    store.sync();
    expect(reads).toEqual([]);
    expect(store.get('Detection Rules/r.md')?.state).toBe('full');
  });

  test('asynchronous reads: pending until ready(), listeners told when a read lands', async () => {
    const v = vaultOf({ 'Detection Rules/r.md': sigmaNote('R', '{s: {CommandLine|contains: evil}, condition: s}') });
    const store = new RuleAnalysisStore(v.index, { parseYaml: parseYamlCore, readText: (p) => Promise.resolve(v.texts.get(p)) });
    let told = 0;
    store.onChange(() => told++);
    store.sync();
    expect(store.get('Detection Rules/r.md')).toBeUndefined();
    expect(store.pending).toBe(1);
    expect(store.isPending('Detection Rules/r.md')).toBe(true);
    await store.ready();
    expect(told).toBe(1);
    expect(store.pending).toBe(0);
    expect(store.get('Detection Rules/r.md')?.predicates[0]?.value).toBe('evil');
  });

  test('a failed asynchronous read gives an analysis that says so', async () => {
    const v = vaultOf({ 'Detection Rules/r.md': sigmaNote('R', '{s: {a: b}, condition: s}') });
    const store = new RuleAnalysisStore(v.index, { parseYaml: parseYamlCore, readText: () => Promise.reject(new Error('gone')) });
    await store.ready();
    expect(store.get('Detection Rules/r.md')).toMatchObject({ state: 'none', problems: ['the note text was not read'] });
  });

  test('field overrides from a vault note re-key every rule without re-parsing', () => {
    let parses = 0;
    const v = vaultOf({ 'Detection Rules/r.md': sigmaNote('R', '{s: {proc_path|contains: evil}, condition: s}') });
    const store = new RuleAnalysisStore(v.index, { parseYaml: (t) => (parses++, parseYamlCore(t)), readText: (p) => v.texts.get(p) });
    store.sync();
    expect(store.get('Detection Rules/r.md')?.concepts).toEqual(['proc_path']);
    const note = '---\nattack-coverage-fields:\n  proc_path: Image\n---\nField names of our EDR.';
    v.index.upsert(source('Settings/fields.md', note));
    store.sync();
    expect(store.get('Detection Rules/r.md')?.concepts).toEqual(['Image']);
    expect(store.reachOf(reachKey('Image', 'contains', 'evil', false))).toBe(1);
    expect(store.reachOf(reachKey('proc_path', 'contains', 'evil', false))).toBe(0);
    expect(store.fieldOverrides).toEqual({ proc_path: 'Image' });
    expect(parses).toBe(1);
    v.index.remove('Settings/fields.md');
    store.sync();
    expect(store.get('Detection Rules/r.md')?.concepts).toEqual(['proc_path']);
    store.setFieldOverrides({ PROC_PATH: 'CommandLine' });
    expect(store.get('Detection Rules/r.md')?.concepts).toEqual(['CommandLine']);
    expect(parses).toBe(1);
  });
});

describe('corpus reach stays equal to a from-scratch recount under random edits', () => {
  const FIELDS = ['Image', 'process.name', 'CommandLine', 'ParentImage'];
  const VALUES = ['a', 'B', 'c'];
  const detection = (picks: Array<[number, number, boolean]>): string => {
    const sel = picks.filter(([, , neg]) => !neg).map(([f, v]) => `"${FIELDS[f]}|contains": ${VALUES[v]}`);
    const fil = picks.filter(([, , neg]) => neg).map(([f, v]) => `"${FIELDS[f]}|contains": ${VALUES[v]}`);
    const parts = [`s: {${sel.join(', ') || 'Image: z'}}`];
    if (fil.length) parts.push(`f: {${fil.join(', ')}}`);
    parts.push(`condition: ${fil.length ? 's and not f' : 's'}`);
    return `{${parts.join(', ')}}`;
  };
  const op = fc.oneof(
    fc.record({ kind: fc.constant('upsert' as const), file: fc.integer({ min: 0, max: 5 }), picks: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.boolean()), { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('remove' as const), file: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ kind: fc.constant('rename' as const), file: fc.integer({ min: 0, max: 5 }), to: fc.integer({ min: 0, max: 5 }) }),
  );

  test('property', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), fc.boolean(), (ops, syncEachStep) => {
        const v = vaultOf({});
        const store = new RuleAnalysisStore(v.index, { parseYaml: parseYamlCore, readText: (p) => v.texts.get(p) });
        const path = (i: number): string => `Detection Rules/f${i}.md`;
        for (const o of ops) {
          if (o.kind === 'upsert') {
            const text = sigmaNote(`R${o.file}`, detection(o.picks));
            v.texts.set(path(o.file), text);
            v.index.upsert(source(path(o.file), text));
          } else if (o.kind === 'remove') {
            v.texts.delete(path(o.file));
            v.index.remove(path(o.file));
          } else if (o.file !== o.to && v.texts.has(path(o.file))) {
            v.texts.set(path(o.to), v.texts.get(path(o.file))!);
            v.texts.delete(path(o.file));
            v.index.rename(path(o.file), path(o.to));
          }
          if (syncEachStep) store.sync();
        }
        store.sync();
        // Recount from scratch: a fresh store over the same index.
        const fresh = new RuleAnalysisStore(v.index, { parseYaml: parseYamlCore, readText: (p) => v.texts.get(p) });
        fresh.sync();
        const keys = new Set<string>();
        for (const a of fresh.all()) for (const k of a.reachKeys) keys.add(k);
        for (const a of store.all()) for (const k of a.reachKeys) keys.add(k);
        for (const k of keys) expect([k, store.reachOf(k)]).toEqual([k, fresh.reachOf(k)]);
        expect(store.size).toBe(fresh.size);
        // Brute force over the YAML-derived predicates: distinct rules per key.
        for (const k of keys) {
          let n = 0;
          for (const a of fresh.all()) if (a.reachKeys.includes(k)) n++;
          expect(fresh.reachOf(k)).toBe(n);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('field overrides notes', () => {
  test.each([
    [{ 'attack-coverage-fields': { 'process.name': 'Image', proc_cmd: 'CommandLine' } }, { 'process.name': 'Image', proc_cmd: 'CommandLine' }],
    [{ 'attack-coverage-fields': { TargetImage: ['dst_process', 'target.process.executable'] } }, { dst_process: 'TargetImage', 'target.process.executable': 'TargetImage' }],
    [{ 'Attack-Coverage-Fields': ['process.name = Image', 'a -> B', 'c → D'] }, { 'process.name': 'Image', a: 'B', c: 'D' }],
    [{ 'attack-coverage-fields': [{ x: 'Y' }] }, { x: 'Y' }],
  ])('%j', (fm, expected) => {
    expect(fieldOverridesFromFrontmatter(fm)).toEqual({ overrides: expected, problems: [] });
  });

  test('no key → null; problems are reported, not thrown', () => {
    expect(fieldOverridesFromFrontmatter({ title: 'x' })).toBeNull();
    expect(fieldOverridesFromFrontmatter(null)).toBeNull();
    expect(fieldOverridesFromFrontmatter({ 'attack-coverage-fields': 5 })?.problems).toEqual(['attack-coverage-fields should be a map of field → concept']);
    expect(fieldOverridesFromFrontmatter({ 'attack-coverage-fields': ['nonsense'] })?.problems[0]).toMatch(/expected "field = Concept"/);
    expect(fieldOverridesFromFrontmatter({ 'attack-coverage-fields': { a: 'X', A: 'Y' } })?.problems[0]).toMatch(/mapped twice/);
  });

  test('a long run of spaces in a list item is read, and rejected or split at its first separator', () => {
    // Splitting `alias = Concept` with /^(.+?)\s*(?:=|->|→|:)\s*(.+)$/ tries every run of spaces at every
    // start: about 9 s for one item of 100,000 spaces, on the UI thread.
    const item = `a${' '.repeat(100_000)}b`;
    expect(fieldOverridesFromFrontmatter({ 'attack-coverage-fields': [item] })?.problems).toHaveLength(1);
    expect(fieldOverridesFromFrontmatter({ 'attack-coverage-fields': [`x-y${' '.repeat(50_000)}->  Z`, 'p:q=r', 'k =', ' = v'] })).toEqual({
      overrides: { 'x-y': 'Z', p: 'q=r' },
      problems: ['"k =": expected "field = Concept"', '"= v": expected "field = Concept"'],
    });
  });

  test('layers merge case-insensitively, later wins', () => {
    expect(mergeFieldOverrides({ a: 'X', b: 'Y' }, { A: 'Z' }, undefined)).toEqual({ A: 'Z', b: 'Y' });
  });
});
