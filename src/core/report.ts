/**
 * Plain-data views of the index: the CLI prints them as JSON or text, tests compare them with oracles.
 */
import { atomicTestTotal, fromSuccessor, type CountedNotes, type CoverageIndex, type RuleRef } from './coverage-index';
import type { Diagnostic } from './note';

export interface ScanReport {
  vault: string;
  attackVersion: string;
  /** Whether sub-techniques' rules and tests counted for their parents (`--no-rollup` turns it off). */
  rollUp: boolean;
  counts: {
    notes: number;
    techniques: number;
    rules: number;
    tests: number;
    techniquesWithRules: number;
    techniquesWithTests: number;
    techniquesWithBoth: number;
    techniquesWithNeither: number;
  };
  techniques: Array<{
    id: string;
    name: string;
    path: string | null;
    status: string;
    replacement?: string;
    rules: string[];
    rolledUpRules: string[];
    tests: string[];
    rolledUpTests: string[];
    /** Rules and test notes filed under next-release IDs for it or its sub-techniques; they count too. */
    successorRules: string[];
    successorTests: string[];
    testCount: number;
    gaps: string[];
  }>;
  rules: Array<Omit<RuleRef, 'via'>>;
  tests: Array<{ path: string; title: string; techniques: string[]; testCount: number }>;
  diagnostics: Diagnostic[];
}

export function scanReport(index: CoverageIndex, vault: string): ScanReport {
  const techniques = index.techniqueNoteIds().map((id) => index.technique(id));
  const rules: ScanReport['rules'] = [];
  const tests: ScanReport['tests'] = [];
  for (const n of index.allNotes()) {
    if (n.cls.role === 'rule') {
      const r = index.ruleRef(n.facts.path);
      if (r) rules.push(r);
    } else if (n.cls.role === 'test') {
      tests.push({ path: n.facts.path, title: n.facts.title, techniques: [...n.cls.techniques], testCount: n.facts.atomicTests });
    }
  }
  rules.sort((a, b) => (a.path < b.path ? -1 : 1));
  tests.sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    vault,
    attackVersion: index.catalogVersion,
    rollUp: index.roleSettings.rollUp,
    counts: vaultCounts(index, techniques.map((t) => t.counted)),
    techniques: techniques.map((t) => ({
      id: t.id,
      name: t.name,
      path: t.path,
      status: t.status,
      ...(t.replacement ? { replacement: t.replacement } : {}),
      rules: t.rules.map((r) => r.path),
      rolledUpRules: t.rolledUpRules.map((r) => r.path),
      tests: t.tests.map((x) => x.path),
      rolledUpTests: t.rolledUpTests.map((x) => x.path),
      successorRules: t.counted.rules.filter(fromSuccessor).map((x) => x.path).sort(),
      successorTests: t.counted.tests.filter(fromSuccessor).map((x) => x.path).sort(),
      testCount: t.testCount,
      gaps: t.gaps,
    })),
    rules,
    tests,
    diagnostics: index.diagnostics(),
  };
}

/** What `scan` prints without `--json`: the counts, the most covered techniques and the diagnostics. */
export interface ScanSummary extends Pick<ScanReport, 'vault' | 'attackVersion' | 'counts' | 'diagnostics'> {
  /**
   * Up to `top` techniques with the most rules, ties in ID order. Rules and tests are those every view
   * counts (`CoverageIndex.counted`): own, rolled up, and filed under successor IDs.
   */
  mostCovered: Array<{ id: string; name: string; rules: number; rolledUpRules: number; successorRules: number; testCount: number }>;
}

/**
 * `scanReport` cut down to what the text output shows. It counts each technique's notes instead of
 * building and sorting their rows, which on a large vault is most of the report's time.
 */
export function scanSummary(index: CoverageIndex, vault: string, top = 10): ScanSummary {
  const ids = index.techniqueNoteIds();
  const counted = ids.map((id) => index.counted(id, { sorted: false }));
  const covered = (i: number): number => counted[i]?.rules.length ?? 0;
  // A stable sort of the ID-ordered list: ties stay in ID order.
  const ranked = ids.map((_, i) => i).sort((a, b) => covered(b) - covered(a)).slice(0, top);
  return {
    vault,
    attackVersion: index.catalogVersion,
    counts: vaultCounts(index, counted),
    mostCovered: ranked.map((i) => {
      const id = ids[i] as string;
      const c = counted[i] as CountedNotes;
      const own = c.rules.filter((r) => r.as === 'own').length;
      const rolledUp = c.rules.filter((r) => r.as === 'rolled-up').length;
      return { id, name: index.techniqueName(id), rules: own, rolledUpRules: rolledUp, successorRules: c.rules.length - own - rolledUp, testCount: atomicTestTotal(c.tests) };
    }),
    diagnostics: index.diagnostics(),
  };
}

/** `n` as a whole percentage of `of`, or '-' when `of` is 0: the share column of the scan summaries. */
export function percentOf(n: number, of: number): string {
  return of ? `${Math.round((100 * n) / of)}%` : '-';
}


/** The vault's totals, from the notes that count for every technique that has a note (`CoverageIndex.counted`). */
function vaultCounts(index: CoverageIndex, techniques: readonly CountedNotes[]): ScanReport['counts'] {
  const hasRules = (c: CountedNotes): boolean => c.rules.length > 0;
  const hasTests = (c: CountedNotes): boolean => c.tests.length > 0;
  let rules = 0;
  let tests = 0;
  for (const n of index.allNotes()) {
    if (n.cls.role === 'rule') rules++;
    else if (n.cls.role === 'test') tests++;
  }
  return {
    notes: index.size,
    techniques: techniques.length,
    rules,
    tests,
    techniquesWithRules: techniques.filter(hasRules).length,
    techniquesWithTests: techniques.filter(hasTests).length,
    techniquesWithBoth: techniques.filter((c) => hasRules(c) && hasTests(c)).length,
    techniquesWithNeither: techniques.filter((c) => !hasRules(c) && !hasTests(c)).length,
  };
}
