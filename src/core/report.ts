/**
 * Plain-data views of the index: the CLI prints them as JSON or text, tests compare them with oracles.
 */
import type { CoverageIndex, RuleRef, TechniqueCoverage } from './coverage-index';
import type { Diagnostic } from './note';

export interface ScanReport {
  vault: string;
  attackVersion: string;
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
  const hasRules = (t: TechniqueCoverage): boolean => t.rules.length + t.rolledUpRules.length > 0;
  const hasTests = (t: TechniqueCoverage): boolean => t.tests.length + t.rolledUpTests.length > 0;
  return {
    vault,
    attackVersion: index.catalogVersion,
    counts: {
      notes: index.size,
      techniques: techniques.length,
      rules: rules.length,
      tests: tests.length,
      techniquesWithRules: techniques.filter(hasRules).length,
      techniquesWithTests: techniques.filter(hasTests).length,
      techniquesWithBoth: techniques.filter((t) => hasRules(t) && hasTests(t)).length,
      techniquesWithNeither: techniques.filter((t) => !hasRules(t) && !hasTests(t)).length,
    },
    techniques: techniques.map((t) => ({
      id: t.id,
      name: t.name,
      path: t.path,
      status: t.status,
      ...(t.replacement ? { replacement: t.replacement } : {}),
      rules: t.rules.map((r) => r.path),
      rolledUpRules: t.rolledUpRules.map((r) => r.path),
      tests: t.tests.map((x) => x.path),
      testCount: t.testCount,
      gaps: t.gaps,
    })),
    rules,
    tests,
    diagnostics: index.diagnostics(),
  };
}
