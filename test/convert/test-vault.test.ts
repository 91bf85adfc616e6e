/**
 * The committed test-vault converted in memory, checked against an independent reading of its blocks
 * and, behaviourally, against what the original Dataview queries list.
 */
import { evaluateCoverageBlock } from '../../src/core/coverage-block';
import { planConversion, summarise, type ConversionPlan } from '../../src/core/convert';
import { evaluateQuery, parseQueryBlock, toCoverageSpec } from '../../src/core/queries';
import { loadVault } from '../../src/cli/vault';
import { coverageBlocks, expectOnlyBlocksChanged } from './helpers';
import { join } from 'node:path';

const VAULT = join(__dirname, '../../test-vault');

/** Fenced blocks found with a plain regex (the vault's blocks are top level, LF, three backticks). */
function regexBlocks(text: string, langs: string): Array<{ lang: string; content: string; start: number; end: number }> {
  const re = new RegExp(`^\`\`\`(${langs})\\n([\\s\\S]*?)\\n?^\`\`\`$`, 'gm');
  return [...text.matchAll(re)].map((m) => ({ lang: m[1]!, content: m[2]!, start: m.index, end: m.index + m[0].length }));
}

function outside(text: string, ranges: Array<{ start: number; end: number }>): string[] {
  const parts: string[] = [];
  let at = 0;
  for (const r of ranges) {
    parts.push(text.slice(at, r.start));
    at = r.end;
  }
  parts.push(text.slice(at));
  return parts;
}

describe('converting test-vault', () => {
  const vault = loadVault(VAULT);
  const { index } = vault;
  const hints = index.roleSettings;
  const plans = new Map<string, { text: string; plan: ConversionPlan }>();
  for (const src of vault.sources.values()) {
    if (src.text === undefined) continue;
    plans.set(src.path, { text: src.text, plan: planConversion(src.text, { index, path: src.path, hints }) });
  }

  test('the vault has blocks of both kinds, some of which do not translate', () => {
    const totals = summarise([...plans.values()].map((p) => p.plan));
    // 34 notes and 68 blocks when this was written; 16 tactic-wide queries in "Detection Rules.md" stay.
    expect(totals.notes).toBeGreaterThanOrEqual(30);
    expect(totals.blocks).toBeGreaterThanOrEqual(60);
    expect(totals.unsupported).toBeGreaterThan(0);
    const languages = new Set([...plans.values()].flatMap((p) => p.plan.blocks.filter((b) => b.after).map((b) => b.language)));
    expect([...languages].sort()).toEqual(['dataview', 'query']);
  });

  test('every translatable block is replaced and every other byte is as it was', () => {
    for (const [path, { text, plan }] of plans) {
      expectOnlyBlocksChanged(text, plan);
      const original = regexBlocks(text, 'dataview|query');
      const translatable = original.filter((b) => toCoverageSpec(parseQueryBlock(b.lang, b.content), hints) !== null);
      const converted = plan.blocks.filter((b) => b.after !== null);
      expect({ path, n: converted.length }).toEqual({ path, n: translatable.length });
      // The independent reading: the same block ranges, and outside them both texts are identical.
      expect(converted.map((b) => [b.start, b.end])).toEqual(translatable.map((b) => [b.start, b.end]));
      const after = regexBlocks(plan.result, 'attack-coverage');
      expect(after).toHaveLength(translatable.length);
      expect(outside(plan.result, after)).toEqual(outside(text, translatable));
      // The trailing newline (or its absence) is kept.
      expect(plan.result.endsWith('\n')).toBe(text.endsWith('\n'));
    }
  });

  test('each coverage block parses to the technique and section its query selected', () => {
    for (const [path, { text, plan }] of plans) {
      const queries = regexBlocks(text, 'dataview|query')
        .map((b) => toCoverageSpec(parseQueryBlock(b.lang, b.content), hints))
        .filter((s) => s !== null);
      const blocks = coverageBlocks(plan.result);
      expect({ path, parsed: blocks.map((b) => ({ technique: b.parsed.block.technique, show: b.parsed.block.show, problems: b.parsed.problems })) }).toEqual({
        path,
        parsed: queries.map((q) => ({ technique: q.technique, show: q.show, problems: [] })),
      });
    }
  });

  test('behaviour: each coverage block lists every rule (and test) note its query listed', () => {
    let checked = 0;
    for (const [path, { plan }] of plans) {
      const blocks = coverageBlocks(plan.result);
      const converted = plan.blocks.filter((b) => b.after !== null);
      expect(blocks).toHaveLength(converted.length);
      converted.forEach((b, i) => {
        const query = parseQueryBlock(b.language, regexBlocks(b.before, 'dataview|query')[0]!.content);
        const rows = evaluateQuery(index, query);
        const parsed = blocks[i]!.parsed;
        // Roll-up off: the query lists the notes tagged with the technique itself, not its sub-techniques.
        const res = evaluateCoverageBlock(index, { ...parsed, block: { ...parsed.block, rollUp: false } }, path);
        const role = b.section === 'rules' ? 'rule' : 'test';
        // Query rows that are not rule (test) notes — e.g. an index note filed in the rules folder — are not
        // rows a coverage panel shows, so they are left out of the comparison. In test-vault there are none.
        const wanted = rows.filter((p) => index.get(p)?.cls.role === role);
        expect(wanted).toEqual(rows);
        const got = new Set(b.section === 'rules' ? res.rules.map((r) => r.path) : res.tests.map((t) => t.path));
        // Superset, not equality: the panel may also find rules naming the technique in other ways.
        expect({ path, line: b.line, missing: wanted.filter((p) => !got.has(p)) }).toEqual({ path, line: b.line, missing: [] });
        // Nothing is cut by the panel's row limit (T1059.001 has more rules than the default 50).
        expect(res.hiddenRules).toBe(0);
        checked++;
      });
    }
    expect(checked).toBeGreaterThanOrEqual(60);
  });

  test('converting the converted vault changes nothing', () => {
    for (const [path, { plan }] of plans) {
      const again = planConversion(plan.result, { index, path, hints });
      expect({ path, changed: again.changed }).toEqual({ path, changed: false });
      expect(again.result).toBe(plan.result);
    }
  });
});
