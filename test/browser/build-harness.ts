/**
 * Builds the browser harness (harness/) into harness/dist: the entry bundled with esbuild as an IIFE (`obsidian`
 * aliased to the test stand-in, the test-vault's notes bundled as a JSON module: the page fetches
 * nothing), the page, Obsidian's CSS variables and the plugin's real styles.css.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '../..');
const HARNESS = join(ROOT, 'harness');
export const HARNESS_DIST = join(HARNESS, 'dist');

/** The vault's Markdown notes, path → text (no `.obsidian`, no dot-folders). */
export function readVault(dir = join(ROOT, 'test-vault')): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out[relative(dir, p).split(sep).join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export async function buildHarness(outDir = HARNESS_DIST): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const vault = JSON.stringify(readVault());
  await build({
    entryPoints: [join(HARNESS, 'entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2021',
    outfile: join(outDir, 'harness.js'),
    alias: { obsidian: join(ROOT, 'test/__obsidian_shim__/obsidian.ts') },
    logLevel: 'warning',
    plugins: [
      {
        name: 'test-vault',
        setup(b) {
          b.onResolve({ filter: /^virtual:test-vault$/ }, () => ({ path: 'test-vault', namespace: 'vault' }));
          b.onLoad({ filter: /.*/, namespace: 'vault' }, () => ({ contents: vault, loader: 'json' }));
        },
      },
    ],
  });
  for (const f of ['index.html', 'obsidian-vars.css', 'harness.css']) copyFileSync(join(HARNESS, f), join(outDir, f));
  copyFileSync(join(ROOT, 'styles.css'), join(outDir, 'styles.css'));
  return join(outDir, 'index.html');
}
