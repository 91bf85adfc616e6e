/**
 * The Sigma parser over every file of the shared SigmaHQ corpus (all folders), with oracles computed
 * independently of the parser, and the Detection Wiki seed 003 rules. Skips when the corpus is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { eventsForRule, type LogSource } from '../../src/core/analytics/events';
import { parseSigmaDetection, type SigmaAnalysis } from '../../src/core/analytics/sigma';
import { corpusDir, listFiles } from '../support/corpus';

const SIGMA = path.join(corpusDir() ?? path.resolve(__dirname, '../../../shared/corpus'), 'sigma');

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Doc { file: string; folder: string; rule: Record<string, unknown>; analysis: SigmaAnalysis }

/** The oracle: field names and leaf-value counts read straight off the YAML, without the parser. */
function naiveWalk(detection: Record<string, unknown>): { fields: Set<string>; values: number } {
  const fields = new Set<string>();
  let values = 0;
  for (const [key, body] of Object.entries(detection)) {
    if (key === 'condition' || key === 'timeframe') continue;
    const items = Array.isArray(body) ? body : [body];
    for (const item of items) {
      if (!isMap(item)) {
        values++; // a keyword
        continue;
      }
      for (const [k, v] of Object.entries(item)) {
        const name = k.split('|')[0]!.trim();
        if (name !== '') fields.add(name);
        values += Array.isArray(v) ? v.length : 1;
      }
    }
  }
  return { fields, values };
}

const present = existsSync(SIGMA);
if (!present) console.warn(`Skipping the Sigma corpus tests: no corpus at ${SIGMA}`);
const describeIf = present ? describe : describe.skip;

describeIf('Sigma corpus (all folders)', () => {
  const docs: Doc[] = [];
  const fileOk = new Map<string, boolean>();
  const thrown: string[] = [];
  const yamlErrors: string[] = [];

  beforeAll(() => {
    for (const file of listFiles(SIGMA, ['.yml', '.yaml'])) {
      const rel = path.relative(SIGMA, file);
      const folder = rel.split(path.sep)[0]!;
      let parsed: unknown[];
      try {
        parsed = loadAll(readFileSync(file, 'utf8'), { schema: CORE_SCHEMA });
      } catch (e) {
        yamlErrors.push(`${rel}: ${String(e)}`);
        fileOk.set(rel, false);
        continue;
      }
      let ok = true;
      for (const rule of parsed) {
        if (!isMap(rule)) continue;
        try {
          const analysis = parseSigmaDetection(rule);
          if (analysis.problems.length > 0) ok = false;
          docs.push({ file: rel, folder, rule, analysis });
        } catch (e) {
          thrown.push(`${rel}: ${String(e)}`);
          ok = false;
        }
      }
      fileOk.set(rel, ok);
    }
  });

  test('the parser never throws; nearly every rule is understood without problems', () => {
    expect(thrown).toEqual([]);
    expect(yamlErrors).toEqual([]);
    expect(fileOk.size).toBeGreaterThanOrEqual(4039);

    const perFolder = new Map<string, { files: number; clean: number; failures: string[] }>();
    for (const [rel, ok] of fileOk) {
      const folder = rel.split(path.sep)[0]!;
      const f = perFolder.get(folder) ?? { files: 0, clean: 0, failures: [] };
      f.files++;
      if (ok) f.clean++;
      else f.failures.push(rel);
      perFolder.set(folder, f);
    }
    const lines = [...perFolder].map(([folder, f]) => `${folder}: ${f.clean}/${f.files} without problems`);
    console.log(`Sigma corpus, ${fileOk.size} files:\n  ${lines.join('\n  ')}`);

    // Rule folders must be (almost) fully understood; deprecated/unsupported hold Sigma v1 aggregations on purpose.
    for (const folder of ['rules', 'rules-threat-hunting', 'rules-emerging-threats', 'rules-placeholder', 'rules-compliance']) {
      const f = perFolder.get(folder);
      if (!f) continue;
      const problems = docs.filter((d) => d.folder === folder && d.analysis.problems.length > 0).map((d) => `${d.file}: ${d.analysis.problems.join('; ')}`);
      if (f.clean / f.files < 0.99) throw new Error(`${folder}: only ${f.clean}/${f.files} parse without problems:\n${problems.join('\n')}`);
    }
    expect(perFolder.get('rules')?.files).toBe(3141);
  });

  test('oracle: predicate fields and value counts equal a naive walk of each detection', () => {
    const mismatches: string[] = [];
    for (const d of docs) {
      const detection = d.rule['detection'];
      if (!isMap(detection)) continue;
      const want = naiveWalk(detection);
      const got = new Set(d.analysis.predicates.flatMap((p) => (p.field === null ? [] : [p.field])));
      const same = got.size === want.fields.size && [...got].every((f) => want.fields.has(f));
      if (!same) mismatches.push(`${d.file}: fields ${[...got].sort().join(',')} ≠ ${[...want.fields].sort().join(',')}`);
      if (d.analysis.predicates.length !== want.values) mismatches.push(`${d.file}: ${d.analysis.predicates.length} predicates ≠ ${want.values} values`);
    }
    expect(mismatches).toEqual([]);
  });

  test('every rule in rules/ has a parsed condition, and its filter_* selections are negated', () => {
    const clean = docs.filter((d) => d.folder === 'rules');
    expect(clean.filter((d) => d.analysis.condition === null).map((d) => d.file)).toEqual([]);
    // Filters are exclusions: in rules/ they are (almost) always negated.
    const filters = clean.flatMap((d) => d.analysis.predicates.filter((p) => p.selection.startsWith('filter')));
    expect(filters.filter((p) => p.negated).length / filters.length).toBeGreaterThan(0.95);
  });

  const find = (name: string): Doc => {
    const d = docs.find((x) => path.basename(x.file) === name);
    if (!d) throw new Error(`${name} not found in the corpus`);
    return d;
  };

  test('seed 003: the Python base64 one-liner rule', () => {
    const d = find('proc_creation_win_python_base64_encoded_execution.yml');
    const got = d.analysis.predicates.map((p) => [p.field, p.op, p.value, p.negated]);
    expect(d.analysis.problems).toEqual([]);
    expect(got).toEqual(
      expect.arrayContaining([
        ['Image', 'contains', '\\python', false],
        ['OriginalFileName', 'contains', 'python', false],
        ['CommandLine', 'contains', 'import', false],
        ['CommandLine', 'contains', 'base64', false],
        ['CommandLine', 'contains', ' -c', false],
        ...['.decode', 'b16decode', 'b32decode', 'b32hexdecode', 'b64decode', 'b85decode', 'z85decode'].map((v) => ['CommandLine', 'contains', v, false]),
      ]),
    );
    const all = d.analysis.predicates.filter((p) => p.modifiers.includes('all')).map((p) => p.value);
    expect(all).toEqual(['import', 'base64', ' -c']);
    expect(d.analysis.condition).toMatchObject({ type: 'of', quantifier: 'all', names: ['selection_img', 'selection_cli'] });
  });

  test('seed 003: the missing-fields rule shows `\\?` as the literal ?', () => {
    const d = find('proc_creation_win_susp_file_characteristics.yml');
    const eq = d.analysis.predicates.filter((p) => p.op === 'eq').map((p) => `${p.field}=${p.value}`);
    expect(new Set(eq)).toEqual(new Set(['Description=?', 'FileVersion=?', 'Product=?', 'Company=?']));
    expect(d.analysis.predicates.find((p) => p.field === 'Image')).toMatchObject({ op: 'contains', value: '\\Downloads\\' });
  });

  test('seed 003: the AppLocker rule reads exactly AppLocker 8004, 8007, 8022, 8025', () => {
    const d = docs.find((x) => {
      const ls = x.rule['logsource'];
      return isMap(ls) && ls['service'] === 'applocker' && x.analysis.predicates.some((p) => p.field === 'EventID' && p.value === '8004');
    });
    expect(d).toBeDefined();
    const events = eventsForRule(d!.rule['logsource'] as LogSource, d!.analysis.predicates);
    expect(events.map((e) => [e.provider, e.eventId, e.title])).toEqual([
      ['AppLocker', 8004, 'FilePathBuffer was prevented from running.'],
      ['AppLocker', 8007, 'FilePathBuffer was prevented from running.'],
      ['AppLocker', 8022, 'PackageBuffer was prevented from running.'],
      ['AppLocker', 8025, 'PackageBuffer was prevented from running.'],
    ]);
  });

  test('seed 003: the three rules together cover the five events of "Events covered"', () => {
    const rules = [
      find('proc_creation_win_python_base64_encoded_execution.yml'),
      find('proc_creation_win_susp_file_characteristics.yml'),
      find('win_applocker_application_was_prevented_from_running.yml'),
    ];
    const rows = new Map<string, string>();
    for (const d of rules)
      for (const e of eventsForRule(d.rule['logsource'] as LogSource, d.analysis.predicates))
        if (!e.alternative) rows.set(`${e.provider} ${e.eventId}`, e.title);
    expect(Object.fromEntries(rows)).toEqual({
      'Sysmon 1': 'Process creation',
      'AppLocker 8004': 'FilePathBuffer was prevented from running.',
      'AppLocker 8007': 'FilePathBuffer was prevented from running.',
      'AppLocker 8022': 'PackageBuffer was prevented from running.',
      'AppLocker 8025': 'PackageBuffer was prevented from running.',
    });
  });

  test('every windows rule in rules/ with a category or an EventID resolves to at least one event', () => {
    const unresolved: string[] = [];
    for (const d of docs.filter((x) => x.folder === 'rules')) {
      const ls = d.rule['logsource'];
      if (!isMap(ls)) continue;
      const events = eventsForRule(ls, d.analysis.predicates);
      // A service alone names a channel, not events: only its EventIDs say which events it reads.
      const hasId = d.analysis.predicates.some((p) => p.field === 'EventID' && !p.negated && p.op === 'eq');
      const mapped = ls['product'] === 'windows' && (ls['category'] !== undefined || hasId);
      if (mapped && events.length === 0 && !['file_access', 'file_rename'].includes(String(ls['category']))) unresolved.push(`${d.file} ${JSON.stringify(ls)}`);
    }
    expect(unresolved).toEqual([]);
  });

  test('a provider whose table gives titles has one for every event three or more rules in rules/ read', () => {
    // Counted straight from the rules: how many rules read each provider/event pair. Providers whose table
    // lists no events yet (Windows Defender, Firewall, DNS Client, ...) show IDs without titles everywhere.
    const reads = new Map<string, { rules: number; title: string }>();
    for (const d of docs.filter((x) => x.folder === 'rules')) {
      const ls = d.rule['logsource'];
      if (!isMap(ls)) continue;
      for (const e of eventsForRule(ls, d.analysis.predicates)) {
        const key = `${e.provider} ${e.eventId}`;
        const r = reads.get(key) ?? { rules: 0, title: e.title };
        r.rules++;
        reads.set(key, r);
      }
    }
    const titled = new Set([...reads].filter(([, r]) => r.title !== '').map(([k]) => k.slice(0, k.lastIndexOf(' '))));
    expect(titled.size).toBeGreaterThan(3);
    const untitled = [...reads]
      .filter(([k, r]) => titled.has(k.slice(0, k.lastIndexOf(' '))) && r.rules >= 3 && r.title === '')
      .map(([k, r]) => `${k} (${r.rules} rules)`);
    expect(untitled).toEqual([]);
  });
});
