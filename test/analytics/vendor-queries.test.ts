/** Elastic (EQL / KQL / ES|QL) and Splunk (SPL) predicate extraction, on query shapes and the corpus samples. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { load } from 'js-yaml';
import { parse as parseToml } from 'smol-toml';
import { normaliseField } from '../../src/core/analytics/fields';
import type { Predicate } from '../../src/core/analytics/sigma';
import { parseElasticRule, parseSplunkDetection, parseVendorQuery, type QueryDialect } from '../../src/core/analytics/vendor-queries';
import { corpusDir, listFiles } from '../support/corpus';

const rows = (ps: Predicate[]): Array<[string | null, string, string, boolean]> => ps.map((p) => [p.field, p.op, p.value, p.negated]);
const q = (query: string, d: QueryDialect): Array<[string | null, string, string, boolean]> => {
  const r = parseVendorQuery(query, d);
  expect(r.parsed).toBe(true);
  return rows(r.predicates);
};

describe('EQL', () => {
  test('common shapes', () => {
    expect(q('process where process.name : ("cmd.exe", "powershell.exe") and process.args : "-c"', 'eql')).toEqual([
      ['process.name', 'eq', 'cmd.exe', false],
      ['process.name', 'eq', 'powershell.exe', false],
      ['process.args', 'eq', '-c', false],
    ]);
    expect(q('any where file.name == "x" and file.path : "*\\\\Temp\\\\*" and not user.id == "S-1-5-18"', 'eql')).toEqual([
      ['file.name', 'eq', 'x', false],
      ['file.path', 'contains', '\\Temp\\', false],
      ['user.id', 'eq', 'S-1-5-18', true],
    ]);
  });

  test('not / and not / not in, nulls, like, regex, functions, comments', () => {
    expect(
      q(
        `process where /* comment */ process.parent.command_line != null and
         not (process.name in ("a.exe", "b.exe") or not ?dll.name like~ "x*") and
         process.pid not in (4, 8) and process.title regex """.*\\d""" and stringContains(process.args, "enc") and length(process.args) > 3`,
        'eql',
      ),
    ).toEqual([
      ['process.parent.command_line', 'is_not_null', '', false],
      ['process.name', 'eq', 'a.exe', true],
      ['process.name', 'eq', 'b.exe', true],
      ['dll.name', 'starts_with', 'x', false],
      ['process.pid', 'eq', '4', true],
      ['process.pid', 'eq', '8', true],
      ['process.title', 'regex_match', '.*\\d', false],
      ['process.args', 'contains', 'enc', false],
    ]);
  });

  test('sequences: one selection per step', () => {
    const r = parseVendorQuery('sequence by host.id with maxspan=30s [process where process.name : "a"] [network where destination.port == 443]', 'eql');
    expect(r.predicates.map((p) => [p.selection, p.field])).toEqual([
      ['seq1', 'process.name'],
      ['seq2', 'destination.port'],
    ]);
  });

  test('says plainly when a query could not be parsed', () => {
    const r = parseVendorQuery('process where process.name : (', 'eql');
    expect(r.parsed).toBe(false);
    expect(r.problems[0]).toMatch(/^could not parse the EQL query: /);
    expect(parseVendorQuery('process where descendant of [process where true]', 'eql').parsed).toBe(false);
  });
});

describe('KQL and ES|QL', () => {
  test('KQL: field: value, value lists, escapes, exists, not', () => {
    expect(q('event.action: ("a" or b) and not user.name: root and file.path: C\\:\\\\Temp\\\\* and process.pid: *', 'kql')).toEqual([
      ['event.action', 'eq', 'a', false],
      ['event.action', 'eq', 'b', false],
      ['user.name', 'eq', 'root', true],
      ['file.path', 'starts_with', 'C:\\Temp\\', false],
      ['process.pid', 'is_not_null', '', false],
    ]);
  });

  test('ES|QL: where clauses before the first stats', () => {
    expect(q('from logs-* | where user.name != user.target.name and event.outcome == "success" and x is null | stats c = count() | where c > 3', 'esql')).toEqual([
      ['user.name', 'ne', 'user.target.name', false],
      ['event.outcome', 'eq', 'success', false],
      ['x', 'is_null', '', false],
    ]);
  });
});

describe('SPL', () => {
  test('tstats where … by, IN, NOT, implicit AND, macros', () => {
    const r = parseVendorQuery(
      '| tstats count from datamodel=Endpoint.Processes where `process_cmd` Processes.process_name=cmd.exe Processes.process IN ("*/c*", "x") AND NOT (Processes.parent_process_name="explorer.exe" OR Processes.user!=SYSTEM) by Processes.dest | `drop_dm_object_name(Processes)`',
      'spl',
    );
    expect(r.parsed).toBe(true);
    expect(rows(r.predicates)).toEqual([
      ['Processes.process_name', 'eq', 'cmd.exe', false],
      ['Processes.process', 'contains', '/c', false],
      ['Processes.process', 'eq', 'x', false],
      ['Processes.parent_process_name', 'eq', 'explorer.exe', true],
      ['Processes.user', 'ne', 'SYSTEM', true],
    ]);
    expect(r.problems).toEqual(['macro `process_cmd` not expanded']);
  });

  test('base search: data-source macro, quoted escapes, keywords, F=*', () => {
    expect(q('`sysmon` EventCode=22 Image="*\\\\AppData\\\\*" "some phrase" User=* | stats count by Image', 'spl')).toEqual([
      ['EventCode', 'eq', '22', false],
      ['Image', 'contains', '\\AppData\\', false],
      [null, 'keyword', 'some phrase', false],
      ['User', 'is_not_null', '', false],
    ]);
  });

  test('lower-case or is a search term in SPL, not an operator', () => {
    expect(q('a=1 or', 'spl')).toEqual([
      ['a', 'eq', '1', false],
      [null, 'keyword', 'or', false],
    ]);
  });

  test('unparsable: subsearches are reported', () => {
    const r = parseVendorQuery('index=x [search index=y | fields a]', 'spl');
    expect(r.parsed).toBe(false);
    expect(r.problems[0]).toMatch(/could not parse the SPL query/);
  });
});

test('never throws on any string in any dialect', () => {
  for (const d of ['eql', 'kql', 'esql', 'spl'] as const)
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = parseVendorQuery(s, d);
        expect(typeof r.parsed).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  fc.assert(fc.property(fc.anything(), (x) => void parseElasticRule(x as Record<string, unknown>)), { numRuns: 200 });
  fc.assert(fc.property(fc.anything(), (x) => void parseSplunkDetection(x as Record<string, unknown>)), { numRuns: 200 });
});

// ---------------------------------------------------------------------------------------------

const SAMPLES = path.join(corpusDir() ?? path.resolve(__dirname, '../../../shared/corpus'), 'samples');
const present = existsSync(SAMPLES);
if (!present) console.warn(`Skipping the Elastic/Splunk sample tests: no corpus at ${SAMPLES}`);

(present ? describe : describe.skip)('corpus samples', () => {
  test('Elastic: every sample with a query parses; none throws', () => {
    const all = listFiles(path.join(SAMPLES, 'elastic'), ['.toml']);
    expect(all.length).toBeGreaterThanOrEqual(24);
    const results = all.map((f) => ({ f: path.relative(SAMPLES, f), r: parseElasticRule(parseToml(readFileSync(f, 'utf8')) as Record<string, unknown>) }));
    const parsed = results.filter((x) => x.r.parsed);
    console.log(`Elastic samples: ${parsed.length}/${all.length} parsed, ${parsed.reduce((n, x) => n + x.r.predicates.length, 0)} predicates`);
    const failed = results.filter((x) => !x.r.parsed && !/no query to parse/.test(x.r.problems.join()));
    expect(failed.map((x) => `${x.f}: ${x.r.problems.join('; ')}`)).toEqual([]);
  });

  test('Splunk: every sample parses; none throws', () => {
    const all = listFiles(path.join(SAMPLES, 'splunk'), ['.yml']);
    expect(all.length).toBeGreaterThanOrEqual(24);
    const results = all.map((f) => ({ f: path.relative(SAMPLES, f), r: parseSplunkDetection(load(readFileSync(f, 'utf8')) as Record<string, unknown>) }));
    const parsed = results.filter((x) => x.r.parsed);
    console.log(`Splunk samples: ${parsed.length}/${all.length} parsed, ${parsed.reduce((n, x) => n + x.r.predicates.length, 0)} predicates`);
    expect(results.filter((x) => !x.r.parsed).map((x) => `${x.f}: ${x.r.problems.join('; ')}`)).toEqual([]);
  });

  test('the rundll32 sample: process.name cmd.exe / powershell.exe, normalised to Image', () => {
    const f = path.join(SAMPLES, 'elastic/windows/execution_command_shell_via_rundll32.toml');
    const r = parseElasticRule(parseToml(readFileSync(f, 'utf8')));
    expect(r.parsed).toBe(true);
    const names = r.predicates.filter((p) => p.field === 'process.name');
    expect(names.map((p) => [p.op, p.value, p.negated, normaliseField(p.field!)])).toEqual([
      ['eq', 'cmd.exe', false, 'Image'],
      ['eq', 'powershell.exe', false, 'Image'],
    ]);
    expect(r.predicates.find((p) => p.field === 'process.parent.name')).toMatchObject({ value: 'rundll32.exe', negated: false });
    expect(r.predicates.filter((p) => p.field === 'process.parent.args').every((p) => p.negated)).toBe(true);
  });

  test('the Splunk cmd.exe sample normalises CIM fields to Sigma concepts', () => {
    const f = path.join(SAMPLES, 'splunk/endpoint/detect_use_of_cmd_exe_to_launch_script_interpreters.yml');
    const r = parseSplunkDetection(load(readFileSync(f, 'utf8')) as Record<string, unknown>);
    expect(r.predicates.map((p) => [normaliseField(p.field!), p.value])).toEqual([
      ['ParentImage', 'cmd.exe'],
      ['Image', 'cscript.exe'],
      ['Image', 'wscript.exe'],
    ]);
  });
});
