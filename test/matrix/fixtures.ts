/**
 * Small vaults described as data, written as real note texts (the reading path the CLI uses), so
 * tests can compute expected counts straight from the data — an oracle independent of the engine.
 */
import { indexOf } from '../support/notes';
import type { CoverageIndex } from '../../src/core/coverage-index';

export interface RuleSpec {
  name: string;
  techniques: string[];
  level?: string;
  status?: string;
  vendor?: string;
  product?: string;
}
export interface TestSpec {
  technique: string;
  tests: number;
  name?: string;
}
export interface VaultSpec {
  techniqueNotes?: string[];
  rules?: RuleSpec[];
  tests?: TestSpec[];
}

const tagOf = (id: string): string => id.toLowerCase().replace('.', '_');

export function ruleText(r: RuleSpec): string {
  return [
    '---',
    `title: "${r.name}"`,
    `status: "${r.status ?? 'test'}"`,
    `level: "${r.level ?? 'medium'}"`,
    `logsrc_product: "${r.product ?? 'windows'}"`,
    'logsrc_service: ""',
    'logsrc_category: "process_creation"',
    `tags: [${[...r.techniques.map(tagOf), 'detection_rule'].join(', ')}]`,
    `vendor: "${r.vendor ?? 'sigma'}"`,
    '---',
    '',
    `## ${r.name}`,
    '',
  ].join('\n');
}

export function testText(t: TestSpec): string {
  const lines = ['---', `tags: [${t.technique.replace('.', '_')}, atomic_test]`, '---', `# ${t.technique} - ${t.name ?? 'Runbook'}`, ''];
  for (let i = 1; i <= t.tests; i++) lines.push(`## Atomic Test #${i} - test ${i}`, 'Does something.', '');
  return lines.join('\n');
}

export function techniqueText(id: string): string {
  return ['---', `tags: [${id.replace('.', '_')}, techniques]`, '---', '', `## ${id}`, ''].join('\n');
}

export const rulePath = (r: RuleSpec): string => `Detection Rules/${r.name}.md`;
export const testPath = (t: TestSpec): string => `Testing Runbooks/${t.technique} - ${t.name ?? 'Runbook'}.md`;
export const techniquePath = (id: string): string => `Use Cases/${id} - Note.md`;

export function files(spec: VaultSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of spec.techniqueNotes ?? []) out[techniquePath(id)] = techniqueText(id);
  for (const r of spec.rules ?? []) out[rulePath(r)] = ruleText(r);
  for (const t of spec.tests ?? []) out[testPath(t)] = testText(t);
  return out;
}

export function buildIndex(spec: VaultSpec, rollUp = true): CoverageIndex {
  return indexOf(files(spec), { rollUp });
}

/** sigma-cli's level weights, restated here as the oracle (not imported from the code under test). */
export const SIGMA_LEVEL_WEIGHTS: Record<string, number> = { informational: 1, low: 2, medium: 4, high: 8, critical: 12 };

/** A mixed vault: parents and subs, levels, vendors, a v19 ID, a revoked ID, an unknown ID. */
export const SAMPLE: VaultSpec = {
  techniqueNotes: ['T1059', 'T1059.001', 'T1003.001', 'T1086'],
  rules: [
    { name: 'PowerShell encoded', techniques: ['T1059.001'], level: 'high', vendor: 'sigma', product: 'windows' },
    { name: 'PowerShell download', techniques: ['T1059.001', 'T1105'], level: 'critical', vendor: 'elastic', product: 'windows', status: 'stable' },
    { name: 'Generic interpreter', techniques: ['T1059'], level: 'low', vendor: 'sigma', product: 'linux' },
    { name: 'Bash history', techniques: ['T1059.004'], level: 'informational', vendor: 'splunk', product: 'linux', status: 'experimental' },
    { name: 'LSASS access', techniques: ['T1003.001'], level: 'high', vendor: 'sigma' },
    { name: 'Disable Defender', techniques: ['T1685'], level: 'high', vendor: 'sigma' },
    { name: 'Old PowerShell', techniques: ['T1086'], level: 'medium', vendor: 'sigma' },
    { name: 'Future thing', techniques: ['T1999'], level: 'low', vendor: 'sigma' },
    { name: 'Unlevelled', techniques: ['T1105'], level: '', vendor: 'sigma' },
  ],
  tests: [
    { technique: 'T1059.001', tests: 3 },
    { technique: 'T1003.001', tests: 2 },
    { technique: 'T1218.011', tests: 4 },
    { technique: 'T1059.004', tests: 0, name: 'Manual runbook' },
    { technique: 'T1685.001', tests: 2 },
  ],
};
