/**
 * Log sources inferred for Elastic rules, so that their events come from the same tables as Sigma's:
 * query shapes by hand, then every corpus sample against its own `index` patterns, an independent signal.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { elasticLogSources } from '../../src/core/analytics/elastic-logsource';
import { analyseRuleText, finishAnalysis } from '../../src/core/analytics/rule-analysis';
import { parseElasticRule } from '../../src/core/analytics/vendor-queries';
import { parseYamlCore } from '../../src/cli/yaml';
import { corpusDir, listFiles } from '../support/corpus';

function inferred(rule: Record<string, unknown>): ReturnType<typeof elasticLogSources> {
  const a = parseElasticRule({ rule });
  return elasticLogSources(rule, a.predicates, a.eventCategories, undefined, a.anyStepCategories);
}

/** Events of an Elastic rule embedded in a note, as the analytics show them. */
function events(rule: Record<string, unknown>, product = ''): string[] {
  const toml = ['[rule]', ...Object.entries(rule).map(([k, v]) => `${k} = ${JSON.stringify(v)}`)].join('\n');
  const core = analyseRuleText(`\`\`\`toml\n${toml}\n\`\`\`\n`, product ? { title: '', vendor: 'elastic', status: '', level: '', product, service: '', category: '', ruleId: '', techniques: [] } : null, parseYamlCore);
  const a = finishAnalysis(core, { path: 'r.md', title: 'r', folder: '', meta: null });
  return a.events.map((e) => `${e.provider} ${e.eventId}${e.alternative ? ' (alt)' : ''}`);
}

describe('shapes', () => {
  test('the EQL category and host.os.type give the category and platform', () => {
    expect(inferred({ language: 'eql', query: 'process where host.os.type == "windows" and event.type == "start" and process.name : "cmd.exe"' })).toEqual([
      { product: 'windows', category: 'process_creation' },
    ]);
    expect(events({ language: 'eql', query: 'process where host.os.type == "windows" and process.name : "cmd.exe"' })).toEqual(['Sysmon 1', 'Security 4688 (alt)']);
  });

  test('KQL says it with event.category; event.type picks the kind', () => {
    expect(inferred({ language: 'kuery', query: 'host.os.type:windows and event.category:library and dll.name:"x.dll"' })).toEqual([{ product: 'windows', category: 'image_load' }]);
    expect(inferred({ language: 'kuery', query: 'host.os.type:windows and event.category:file and event.type:deletion' })).toEqual([{ product: 'windows', category: 'file_delete' }]);
    expect(inferred({ language: 'kuery', query: 'host.os.type:linux and event.category:process and event.type:end' })).toEqual([{ product: 'linux', category: 'process_termination' }]);
  });

  test('a sequence over two categories reads both; `any` reads none', () => {
    const q = 'sequence by host.id [network where host.os.type == "windows" and destination.port == 443] [file where file.extension == "exe"]';
    expect(inferred({ language: 'eql', query: q })).toEqual([
      { product: 'windows', category: 'network_connection' },
      { product: 'windows', category: 'file_event' },
    ]);
    expect(events({ language: 'eql', query: q })).toEqual(['Sysmon 3', 'Security 5156 (alt)', 'Security 5157 (alt)', 'Sysmon 11']);
    expect(inferred({ language: 'eql', query: 'any where host.os.type == "windows" and process.name : "x"' })).toEqual([]);
  });

  test('without a category in the query, Elastic Defend index streams name it; Windows-only indexes name the platform', () => {
    expect(inferred({ language: 'kuery', index: ['logs-endpoint.events.registry-*', 'winlogbeat-*'], query: 'registry.path:"x"' })).toEqual([{ category: 'registry_event' }]);
    expect(inferred({ language: 'kuery', index: ['winlogbeat-*', 'logs-windows.sysmon_operational-*'], query: 'event.category:process and process.name:"x"' })).toEqual([
      { product: 'windows', category: 'process_creation' },
    ]);
  });

  test('a rule tagged with several systems reads each one\'s events, whatever the note\'s product says', () => {
    const rule = { language: 'eql', query: 'process where process.name : "x"', tags: ['OS: Linux', 'OS: Windows', 'OS: macOS', 'Tactic: Execution'] };
    expect(inferred(rule)).toEqual([
      { product: 'linux', category: 'process_creation' },
      { product: 'windows', category: 'process_creation' },
      { product: 'macos', category: 'process_creation' },
    ]);
    expect(events(rule, 'linux').sort()).toEqual(['Security 4688 (alt)', 'Sysmon 1', 'Sysmon for Linux 1']);
  });

  test('the platform falls back to the note\'s log source product; an explicit EventID still narrows', () => {
    expect(events({ language: 'eql', query: 'process where process.name : "x"' })).toEqual([]);
    expect(events({ language: 'eql', query: 'process where process.name : "x"' }, 'windows')).toEqual(['Sysmon 1', 'Security 4688 (alt)']);
    expect(events({ language: 'eql', query: 'process where host.os.type == "windows" and event.code == "4688"' })).toEqual(['Security 4688']);
  });

  test('nothing is guessed for rules without a category or a platform in reach', () => {
    expect(inferred({ language: 'kuery', index: ['logs-aws.cloudtrail-*'], query: 'event.action:CreateAccessKey' })).toEqual([]);
    expect(inferred({ language: 'esql', query: 'from logs-* | where user.name == "x"' })).toEqual([]);
    expect(inferred({ type: 'machine_learning' })).toEqual([]);
  });
});

const SAMPLES = path.join(corpusDir() ?? path.resolve(__dirname, '../../../shared/corpus'), 'samples', 'elastic');
const present = existsSync(SAMPLES);
if (!present) console.warn(`Skipping the Elastic sample log-source test: no corpus at ${SAMPLES}`);

(present ? test : test.skip)('corpus samples: every inferred category is one the rule\'s Elastic Defend index streams hold', () => {
  const ELASTIC_OF: Record<string, string> = {
    process_creation: 'process', process_termination: 'process', network_connection: 'network', dns_query: 'network',
    file_event: 'file', file_delete: 'file', registry_event: 'registry', image_load: 'library', driver_load: 'driver',
  };
  let checked = 0;
  const outside: string[] = [];
  for (const f of listFiles(SAMPLES, ['.toml'])) {
    const rule = (parseToml(readFileSync(f, 'utf8')) as { rule?: Record<string, unknown> }).rule ?? {};
    const streams = (Array.isArray(rule.index) ? (rule.index as string[]) : []).map((i) => /^logs-endpoint\.events\.([a-z]+)[-*]/.exec(i)?.[1]).filter((s): s is string => !!s);
    const got = inferred(rule);
    if (streams.length === 0 || got.length === 0) continue;
    checked++;
    for (const ls of got) if (!streams.includes(ELASTIC_OF[ls.category ?? ''] ?? '')) outside.push(`${path.basename(f)}: ${ls.category} not in ${streams.join(', ')}`);
  }
  expect(outside).toEqual([]);
  console.log(`Elastic samples with inferred log sources checked against their index streams: ${checked}`);
  expect(checked).toBeGreaterThanOrEqual(5);
});

(present ? test : test.skip)('corpus samples: an `any` sequence step reads the event categories its condition names', () => {
  // Oracle: the quoted values of `event.category : (…)` / `== "…"` inside `[any where …]` steps, read off the query text,
  // kept to the rule's Elastic Defend index streams when it names any, and the Sysmon events of those categories
  // (domain.md §7.1: library → image_load 7, driver → driver_load 6, …).
  const SYSMON: Record<string, number[]> = { process: [1], network: [3], file: [11], registry: [12, 13, 14], library: [7], driver: [6], dns: [22] };
  let steps = 0;
  const missing: string[] = [];
  for (const f of listFiles(SAMPLES, ['.toml'])) {
    const text = readFileSync(f, 'utf8');
    const rule = (parseToml(text) as { rule?: { query?: unknown; index?: unknown } }).rule ?? {};
    const query = typeof rule.query === 'string' ? rule.query : '';
    const streams = (Array.isArray(rule.index) ? (rule.index as string[]) : []).map((i) => /^logs-endpoint\.events\.([a-z]+)[-*]/.exec(i)?.[1]).filter((x): x is string => !!x);
    if (!/^\s*(sequence|sample)\b/.test(query)) continue;
    const want = new Set<number>();
    for (const step of query.split(/\n\s*\[/).slice(1)) {
      if (!/^any\s+where\b/.test(step)) continue;
      steps++;
      for (const m of step.matchAll(/event\.category\s*(?:==|:)\s*(\([^)]*\)|"[^"]*")/g))
        for (const v of m[1]!.matchAll(/"([^"]*)"/g)) if (streams.length === 0 || streams.includes(v[1]!)) for (const id of SYSMON[v[1]!] ?? []) want.add(id);
    }
    if (want.size === 0) continue;
    const core = analyseRuleText(`\`\`\`toml\n${text}\n\`\`\`\n`, null, parseYamlCore);
    const a = finishAnalysis(core, { path: 'r.md', title: 'r', folder: '', meta: null });
    const got = new Set(a.events.filter((e) => e.provider === 'Sysmon').map((e) => e.eventId));
    for (const id of want) if (!got.has(id)) missing.push(`${path.basename(f)}: Sysmon ${id}`);
  }
  expect(steps).toBeGreaterThan(0);
  expect(missing).toEqual([]);
});

test('an `any` step\'s categories outside the rule\'s Elastic Defend streams are left out (DNS is in the network stream); typed steps stay', () => {
  const q = 'sequence by host.id [dns where host.os.type == "windows" and dns.question.name : "x"] [any where event.category : ("network", "process") and host.os.type == "windows"]';
  expect(inferred({ language: 'eql', index: ['logs-endpoint.events.network-*'], query: q })).toEqual([
    { product: 'windows', category: 'dns_query' },
    { product: 'windows', category: 'network_connection' },
  ]);
  const r = 'sequence by host.id [registry where host.os.type == "windows"] [any where event.category : ("library", "process") and host.os.type == "windows"]';
  expect(inferred({ language: 'eql', index: ['logs-endpoint.events.library-*', 'winlogbeat-*'], query: r })).toEqual([
    { product: 'windows', category: 'registry_event' },
    { product: 'windows', category: 'image_load' },
  ]);
});
