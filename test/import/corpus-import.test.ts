/**
 * The whole shared corpus through the importers and back through the engine: per-technique rule and
 * test counts must equal counts taken straight from the source files by a deliberately simple reading
 * (js-yaml / smol-toml on the originals, no project code). Then: a second import changes nothing, and
 * a different ATT&CK release updates untouched notes but not the ones the user edited.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CORE_SCHEMA, load, loadAll } from 'js-yaml';
import { parse as parseToml } from 'smol-toml';
import { FsTarget, sourceFiles } from '../../src/cli/import-fs';
import { loadVault } from '../../src/cli/vault';
import { parseYamlCore } from '../../src/cli/yaml';
import { runImport, type ImportSummary } from '../../src/core/import/run';
import type { SourceKind } from '../../src/core/import/merge';
import { describeCorpus, listFiles } from '../support/corpus';

/** The source shapes the oracle reads, typed here rather than with the project's types. */
interface SigmaDoc {
  correlation?: unknown;
  filter?: unknown;
  detection?: unknown;
  tags?: unknown[];
}
interface AtomicDoc {
  attack_technique: string;
  atomic_tests: unknown[];
}
interface ElasticDoc {
  rule: { threat?: Array<{ technique?: Array<{ id: string; subtechnique?: Array<{ id: string }> }> }> };
}
interface SplunkDoc {
  tags?: { mitre_attack_id?: string[] };
}
interface StixBundle {
  objects: Array<{ type: string; external_references?: Array<{ source_name: string; external_id?: string }> }>;
}

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else out.set(p, createHash('sha1').update(readFileSync(path.join(dir, p))).digest('hex'));
    }
  };
  walk('');
  return out;
}

describeCorpus('import the whole corpus, then count with the engine', (corpus) => {
  const vault = mkdtempSync(path.join(tmpdir(), 'attack-coverage-corpus-'));
  const SOURCES: [SourceKind, string][] = [
    ['attack', path.join(corpus, 'attack/enterprise-attack-18.1.json')],
    ['sigma', path.join(corpus, 'sigma')],
    ['atomic', path.join(corpus, 'atomic-red-team')],
    ['elastic', path.join(corpus, 'samples/elastic')],
    ['splunk', path.join(corpus, 'samples/splunk')],
  ];
  const importAll = async (): Promise<Map<SourceKind, ImportSummary>> => {
    const out = new Map<SourceKind, ImportSummary>();
    for (const [kind, source] of SOURCES) out.set(kind, await runImport(sourceFiles(source), new FsTarget(vault), { kind, parseYaml: parseYamlCore }));
    return out;
  };

  // ---- the oracle: counts straight from the sources ----
  const rules = new Map<string, number>();
  const tests = new Map<string, number>();
  const add = (m: Map<string, number>, id: string, n = 1): void => void m.set(id, (m.get(id) ?? 0) + n);
  let sigmaRules = 0;
  let sigmaNotRules = 0;
  for (const f of listFiles(path.join(corpus, 'sigma'), ['.yml', '.yaml'])) {
    if (!/^(rules[^/]*|deprecated|unsupported)\//.test(path.relative(path.join(corpus, 'sigma'), f).split(path.sep).join('/'))) continue;
    const docs = loadAll(readFileSync(f, 'utf8'), { schema: CORE_SCHEMA }) as Array<SigmaDoc | null>;
    if (docs.some((d) => d?.correlation || (d?.filter && !d?.detection))) {
      sigmaNotRules++;
      continue;
    }
    sigmaRules++;
    const ids = new Set<string>();
    for (const d of docs) {
      for (const t of d?.tags ?? []) {
        const m = /^attack\.t(\d{4})(?:\.(\d{3}))?$/i.exec(String(t).trim());
        if (m) ids.add(m[2] ? `T${m[1]}.${m[2]}` : `T${m[1]}`);
      }
    }
    for (const id of ids) add(rules, id);
  }
  const atomicFiles = listFiles(path.join(corpus, 'atomic-red-team/atomics'), ['.yaml']);
  for (const f of atomicFiles) {
    const a = load(readFileSync(f, 'utf8')) as AtomicDoc;
    add(tests, a.attack_technique, a.atomic_tests.length);
  }
  const elasticFiles = listFiles(path.join(corpus, 'samples/elastic'), ['.toml']);
  for (const f of elasticFiles) {
    const ids = new Set<string>();
    const doc = parseToml(readFileSync(f, 'utf8')) as unknown as ElasticDoc;
    for (const threat of doc.rule.threat ?? []) {
      for (const t of threat.technique ?? []) {
        ids.add(t.id);
        for (const s of t.subtechnique ?? []) ids.add(s.id);
      }
    }
    for (const id of ids) add(rules, id);
  }
  const splunkFiles = listFiles(path.join(corpus, 'samples/splunk'), ['.yml']);
  for (const f of splunkFiles) for (const id of new Set<string>((load(readFileSync(f, 'utf8')) as SplunkDoc).tags?.mitre_attack_id ?? [])) add(rules, id);
  const attackIds = (JSON.parse(readFileSync(path.join(corpus, 'attack/enterprise-attack-18.1.json'), 'utf8')) as StixBundle).objects
    .filter((o) => o.type === 'attack-pattern')
    .map((o) => (o.external_references ?? []).find((r) => r.source_name === 'mitre-attack')?.external_id as string)
    .sort();

  let first: Map<SourceKind, ImportSummary>;
  let before: Map<string, string>;
  beforeAll(async () => {
    first = await importAll();
    before = snapshot(vault);
  }, 120_000);
  afterAll(() => rmSync(vault, { recursive: true, force: true }));

  test('every source item became a note; nothing was skipped in the corpus', () => {
    expect(first.get('sigma')?.created).toHaveLength(sigmaRules);
    expect(first.get('sigma')?.skipped).toHaveLength(sigmaNotRules);
    expect(first.get('atomic')?.created).toHaveLength(atomicFiles.length);
    expect(first.get('elastic')?.created).toHaveLength(elasticFiles.length);
    expect(first.get('splunk')?.created).toHaveLength(splunkFiles.length);
    expect(first.get('attack')?.created).toHaveLength(attackIds.length);
    expect(first.get('attack')?.attackVersion).toBe('18.1');
    for (const s of first.values()) expect([s.conflicts, s.failed, s.updated]).toEqual([[], [], []]);
    // Unique basenames across the three folders.
    const names = [...before.keys()].map((p) => p.slice(p.lastIndexOf('/') + 1).toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  test('per technique, the engine counts exactly the rules and tests the sources name', () => {
    const { index } = loadVault(vault);
    const ids = new Set([...rules.keys(), ...tests.keys(), ...index.techniqueIds()]);
    const wrong: string[] = [];
    for (const id of ids) {
      const c = index.technique(id, { rollUp: false });
      const want = { rules: rules.get(id) ?? 0, tests: tests.get(id) ?? 0 };
      const got = { rules: c.rules.length, tests: c.testCount };
      if (got.rules !== want.rules || got.tests !== want.tests) wrong.push(`${id}: engine ${JSON.stringify(got)}, sources ${JSON.stringify(want)}`);
    }
    expect(wrong).toEqual([]);
    expect(ids.size).toBeGreaterThan(800);
    expect([...tests.values()].reduce((a, b) => a + b, 0)).toBe(1819); // domain.md §9
    // Every ATT&CK technique has its note, recognised as such.
    expect(index.techniqueNoteIds()).toEqual(attackIds);
  }, 120_000);

  test('importing everything again changes nothing, byte for byte', async () => {
    const again = await importAll();
    for (const [kind, s] of again) {
      expect({ kind, created: s.created, updated: s.updated, conflicts: s.conflicts, stale: s.stale }).toEqual({ kind, created: [], updated: [], conflicts: [], stale: [] });
      expect(s.unchanged).toHaveLength(first.get(kind)?.created.length ?? -1);
    }
    expect(snapshot(vault)).toEqual(before);
  }, 120_000);

  test('another ATT&CK release: untouched notes update, user sections survive, edited notes are reported and kept', async () => {
    const edited = path.join(vault, 'Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md');
    const annotated = path.join(vault, 'Use Cases/T1059.001 - Command and Scripting Interpreter- PowerShell.md');
    const editedText = readFileSync(edited, 'utf8').replace('### Description\n\n', '### Description\n\nOur EDR covers this.\n\n');
    writeFileSync(edited, editedText);
    appendFileSync(annotated, '## Notes\n\nSee ticket SOC-42.\n');
    const s = await runImport(sourceFiles(path.join(corpus, 'attack/enterprise-attack-17.1.json')), new FsTarget(vault), { kind: 'attack', parseYaml: parseYamlCore });
    expect(s.attackVersion).toBe('17.1');
    expect(s.conflicts.map((c) => c.path)).toEqual(['Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md']);
    expect(readFileSync(edited, 'utf8')).toBe(editedText);
    expect(s.updated).toContain('Use Cases/T1059.001 - Command and Scripting Interpreter- PowerShell.md');
    const updated = readFileSync(annotated, 'utf8');
    expect(updated).toContain('### Data Sources'); // the v17 layout
    expect(updated.endsWith('-->\n## Notes\n\nSee ticket SOC-42.\n')).toBe(true);
    // Techniques that 17.1 does not have yet stay, reported as stale.
    expect(s.stale.length).toBeGreaterThan(0);
    expect(s.stale.every((p) => before.has(p))).toBe(true);
  }, 120_000);
});
