import type { Command } from 'commander';
import { evaluateCoverageBlock, parseCoverageBlock } from '../../core/coverage-block';
import { evaluateQuery, findQueryBlocks, parseQueryBlock, queryBlocksOf, toCoverageSpec, type CoverageBlockSpec } from '../../core/queries';
import { json, load, out } from '../io';
import type { LoadedVault } from '../vault';
import { parseYamlCore } from '../yaml';

interface BlockRow {
  path: string;
  language: string;
  line: number;
  query: string;
  supported: boolean;
  reason?: string;
  rows: string[];
  coverage?: CoverageBlockSpec | null;
  /** An attack-coverage block's `view: matrix` or `view: gaps`: it lists techniques, not notes. */
  view?: 'matrix' | 'gaps';
}

export function collectBlocks(v: LoadedVault): BlockRow[] {
  const rows: BlockRow[] = [];
  const s = v.index;
  const settings = s.roleSettings;
  for (const src of v.sources.values()) {
    if (!src.text) continue;
    // The reader already found the note's code blocks (body only, as here).
    for (const b of src.codeBlocks ? queryBlocksOf(src.codeBlocks) : findQueryBlocks(src.text)) {
      const base = { path: src.path, language: b.lang, line: b.start.line + 1, query: b.content };
      if (b.lang === 'attack-coverage') {
        const parsed = parseCoverageBlock(b.content, parseYamlCore);
        const res = evaluateCoverageBlock(s, parsed, src.path);
        const view = parsed.block.view === 'matrix' || parsed.block.view === 'gaps' ? parsed.block.view : undefined;
        rows.push({
          ...base,
          // A matrix or gaps view is about no one technique: it renders whatever the vault holds.
          supported: view !== undefined || res.technique !== null,
          ...(view ? { view } : {}),
          ...(res.problems.length ? { reason: res.problems.join('; ') } : {}),
          rows: [...res.rules.map((r) => r.path), ...res.tests.map((t) => t.path)],
        });
        continue;
      }
      const q = parseQueryBlock(b.lang, b.content);
      rows.push({
        ...base,
        supported: q.supported,
        ...(q.supported ? {} : { reason: q.reason }),
        rows: evaluateQuery(s, q),
        coverage: toCoverageSpec(q, settings),
      });
    }
  }
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

export function registerBlocks(program: Command): void {
  program
    .command('blocks')
    .description('list the dataview, query and attack-coverage blocks of the vault with the notes each lists')
    .argument('<vault>', 'vault folder')
    .option('--json', 'machine-readable output')
    .action((vault: string, opts: { json?: boolean }) => {
      const rows = collectBlocks(load(vault, {}));
      if (opts.json) return json(rows);
      for (const r of rows) {
        const what = r.view ? `${r.view} view` : `${r.rows.length} rows`;
        out(`${r.path}:${r.line} ${r.language} ${r.supported ? what : `unsupported: ${r.reason ?? ''}`}`);
      }
      const unsupported = rows.filter((r) => !r.supported).length;
      out(`${rows.length} blocks, ${unsupported} unsupported`);
    });

}
