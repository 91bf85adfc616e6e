/**
 * Coverage checks for CI: a floor on the share of technique notes with rules or with tests, a ceiling on
 * problems, and no regression against an earlier `scan --json` (a technique that had rules or tests then
 * and has none now). Plain data in, sentences out; the CLI turns a failed check into exit status 1.
 */
import type { CoverageIndex } from './coverage-index';
import { SEVERITY_RANK, type Diagnostic, type Severity } from './note';
import type { ScanReport } from './report';

/**
 * An earlier `scan --json`, as far as the checks read it. `rollUp`, `rolledUpTests` and the successor
 * lists are missing from older reports: their techniques' counts then leave those notes out.
 */
export interface Baseline {
  rollUp?: boolean;
  techniques: Array<{
    id: string;
    name: string;
    rules: string[];
    rolledUpRules: string[];
    tests: string[];
    rolledUpTests?: string[];
    successorRules?: string[];
    successorTests?: string[];
  }>;
}

export interface CheckOptions {
  /** Percent of technique notes that must have rules (own or rolled up). */
  minWithRules?: number;
  /** Percent of technique notes that must have tests (own or rolled up). */
  minWithTests?: number;
  /** Fail on any diagnostic this severe or worse. */
  failOn?: Exclude<Severity, 'info'>;
  baseline?: Baseline;
}

export interface CheckResult {
  /** One sentence per failed check; empty when all pass. */
  failures: string[];
  /** What changed without failing a check (fewer rules than before, techniques gone from the vault). */
  notes: string[];
}

export class BaselineError extends Error {}

/** Lines of each kind listed before the rest is counted. */
const LIST_MAX = 20;

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Reads an earlier `scan --json`; throws BaselineError saying what is wrong with it. */
export function parseBaseline(text: string): Baseline {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new BaselineError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const techniques = (json as { techniques?: unknown } | null)?.techniques;
  if (!Array.isArray(techniques)) throw new BaselineError('not the output of "scan --json": it has no "techniques" list');
  const out: Baseline['techniques'] = [];
  for (const [i, t] of techniques.entries()) {
    const o = t as Record<string, unknown> | null;
    if (!o || typeof o.id !== 'string' || !isStrings(o.rules) || !isStrings(o.rolledUpRules) || !isStrings(o.tests)) {
      throw new BaselineError(`techniques[${i}] is not a technique of "scan --json" (id, rules, rolledUpRules and tests are needed)`);
    }
    out.push({
      id: o.id,
      name: typeof o.name === 'string' ? o.name : '',
      rules: o.rules,
      rolledUpRules: o.rolledUpRules,
      tests: o.tests,
      ...(isStrings(o.rolledUpTests) ? { rolledUpTests: o.rolledUpTests } : {}),
      ...(isStrings(o.successorRules) ? { successorRules: o.successorRules } : {}),
      ...(isStrings(o.successorTests) ? { successorTests: o.successorTests } : {}),
    });
  }
  const rollUp = (json as { rollUp?: unknown }).rollUp;
  return { ...(typeof rollUp === 'boolean' ? { rollUp } : {}), techniques: out };
}

function pct(n: number, of: number): string {
  return `${((100 * n) / of).toFixed(1).replace(/\.0$/, '')}%`;
}

function share(what: string, n: number, of: number, min: number): string | null {
  if (of === 0) return min > 0 ? `no technique notes, so none ${what} (at least ${min}% asked for)` : null;
  return (100 * n) / of < min ? `${n} of ${of} technique notes ${what} (${pct(n, of)}), under the ${min}% asked for` : null;
}

function listed(lines: string[], more: (n: number) => string): string[] {
  return lines.length > LIST_MAX ? [...lines.slice(0, LIST_MAX), more(lines.length - LIST_MAX)] : lines;
}

export function runChecks(index: CoverageIndex, scan: Pick<ScanReport, 'counts' | 'diagnostics'>, opts: CheckOptions): CheckResult {
  const failures: string[] = [];
  const notes: string[] = [];
  const c = scan.counts;
  if (opts.minWithRules !== undefined) {
    const f = share('have rules', c.techniquesWithRules, c.techniques, opts.minWithRules);
    if (f) failures.push(f);
  }
  if (opts.minWithTests !== undefined) {
    const f = share('have tests', c.techniquesWithTests, c.techniques, opts.minWithTests);
    if (f) failures.push(f);
  }
  if (opts.failOn) {
    const floor = SEVERITY_RANK[opts.failOn];
    const bad: Diagnostic[] = scan.diagnostics.filter((d) => SEVERITY_RANK[d.severity] >= floor);
    if (bad.length) {
      const first = bad[0] as Diagnostic;
      failures.push(`${bad.length} problem${bad.length === 1 ? '' : 's'} of severity ${opts.failOn} or worse, the first: ${first.path}: ${first.message}`);
    }
  }
  if (opts.baseline) compareWithBaseline(index, opts.baseline, failures, notes);
  return { failures, notes };
}

/**
 * A technique that had rules (or tests) in the baseline and has none now fails; fewer than before is noted.
 * Counts are taken the way the baseline took them, with or without roll-up, whatever this scan's setting.
 */
function compareWithBaseline(index: CoverageIndex, baseline: Baseline, failures: string[], notes: string[]): void {
  const rollUp = baseline.rollUp === undefined ? {} : { rollUp: baseline.rollUp };
  const withNote = new Set(index.techniqueNoteIds());
  const lost: string[] = [];
  const fewer: string[] = [];
  const gone: string[] = [];
  for (const t of baseline.techniques) {
    const label = t.name ? `${t.id} ${t.name}` : t.id;
    // Now as every view counts (`counted`); then as the baseline listed, which may be fewer kinds of note.
    const now = index.counted(t.id, rollUp);
    const rulesThen = new Set([...t.rules, ...t.rolledUpRules, ...(t.successorRules ?? [])]).size;
    const testsThen = new Set([...t.tests, ...(t.rolledUpTests ?? []), ...(t.successorTests ?? [])]).size;
    const rulesNow = now.rules.length;
    const testsNow = now.tests.length;
    if (rulesThen > 0 && rulesNow === 0) lost.push(`${label} had ${rulesThen} rule${rulesThen === 1 ? '' : 's'} and has none now`);
    else if (rulesNow < rulesThen) fewer.push(`${label}: ${rulesThen} → ${rulesNow} rules`);
    if (testsThen > 0 && testsNow === 0) lost.push(`${label} had ${testsThen} test note${testsThen === 1 ? '' : 's'} and has none now`);
    else if (testsNow < testsThen) fewer.push(`${label}: ${testsThen} → ${testsNow} test notes`);
    if (!withNote.has(t.id)) gone.push(`${label}: its technique note is gone`);
  }
  failures.push(...listed(lost, (n) => `… and ${n} more techniques lost all their rules or tests`));
  notes.push(...listed(fewer, (n) => `… and ${n} more techniques with fewer rules or tests`));
  notes.push(...listed(gone, (n) => `… and ${n} more technique notes gone`));
}
