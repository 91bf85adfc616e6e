/** Shared by the conversion tests: an index, the role hints, and an independent check of a plan. */
import { parseCoverageBlock } from '../../src/core/coverage-block';
import { planConversion, type ConversionPlan } from '../../src/core/convert';
import type { CoverageIndex } from '../../src/core/coverage-index';
import { findCodeBlocks, findFrontmatter } from '../../src/core/markdown';
import { parseYamlCore } from '../../src/cli/yaml';

export const hints = { ruleFolders: ['Detection Rules'], testFolders: ['atomics', 'Testing Runbooks'], ruleTags: ['detection_rule'], testTags: ['atomic_test'] };

export function plan(text: string, index: CoverageIndex, path = 'note.md'): ConversionPlan {
  return planConversion(text, { index, path, hints });
}

/**
 * Checks a plan against its input without trusting the planner's own arithmetic: the converted blocks
 * appear in `result` in order, and cutting them out of both texts leaves identical text.
 */
export function expectOnlyBlocksChanged(text: string, p: ConversionPlan): void {
  const converted = p.blocks.filter((b) => b.after !== null);
  let inOld = 0;
  let inNew = 0;
  for (const b of converted) {
    expect(text.slice(b.start, b.end)).toBe(b.before);
    const at = p.result.indexOf(b.after!, inNew);
    expect(at).toBeGreaterThanOrEqual(0);
    // The text between the previous block and this one is the same in both.
    expect(p.result.slice(inNew, at)).toBe(text.slice(inOld, b.start));
    inOld = b.end;
    inNew = at + b.after!.length;
  }
  expect(p.result.slice(inNew)).toBe(text.slice(inOld));
  expect(p.changed).toBe(converted.length > 0);
  if (!converted.length) expect(p.result).toBe(text);
}

/** Fenced blocks of the body (a fence inside frontmatter is no block). */
export function bodyBlocks(text: string) {
  return findCodeBlocks(text, findFrontmatter(text)?.bodyStart ?? 0);
}

/** The coverage blocks of a text, parsed as the plugin parses them. */
export function coverageBlocks(text: string) {
  return bodyBlocks(text)
    .filter((b) => b.lang === 'attack-coverage')
    .map((b) => ({ code: b, parsed: parseCoverageBlock(b.content, parseYamlCore) }));
}
