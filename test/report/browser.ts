/**
 * Node side of the Chromium harness: bundle `harness.ts` with esbuild, build a page with Obsidian's
 * theme variables and the plugin's styles, and read a vault into serialisable note sources.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { pluginCss } from '../../src/cli/commands/report';
import { readFrontmatter } from '../../src/cli/frontmatter';
import { readNote } from '../../src/cli/read-note';
import { loadVault } from '../../src/cli/vault';
import { readMarkdown } from '../../src/core/markdown';
import type { NoteSource } from '../../src/core/metadata';
import { OBSIDIAN_VARIABLES_CSS, REPORT_PAGE_CSS } from '../../src/ui/report';

export const ROOT = join(__dirname, '../..');

let bundle: string | null = null;

/** The harness as one browser script (IIFE, global `acm`). */
export async function harnessScript(): Promise<string> {
  if (bundle) return bundle;
  const r = await build({
    entryPoints: [join(__dirname, 'harness.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'acm',
    platform: 'browser',
    target: 'es2021',
    write: false,
    minify: true,
    logLevel: 'silent',
  });
  bundle = r.outputFiles[0]!.text;
  return bundle;
}

export function pageHtml(theme: 'light' | 'dark' = 'light'): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>${OBSIDIAN_VARIABLES_CSS}\n${REPORT_PAGE_CSS}\n${pluginCss()}</style></head><body class="theme-${theme}"><div id="app"></div></body></html>`;
}

/** A page with the harness loaded and `sources` indexed. */
export async function harnessPage(page: Page, sources: NoteSource[]): Promise<number> {
  await page.setContent(pageHtml());
  await page.addScriptTag({ content: await harnessScript() });
  return page.evaluate((s) => (window as unknown as { acm: { setup(s: unknown): number } }).acm.setup(s), sources as unknown[]);
}

/** A vault's notes as the CLI reads them (path, metadata, text), ready to send to the page. */
export function vaultSources(dir: string): NoteSource[] {
  return [...loadVault(dir).sources.values()];
}

/** One note as the CLI reads it, and the same note after `edit` (as the indexer sees an edit). */
export function editedSource(dir: string, path: string, edit: (text: string) => string): { before: NoteSource; after: NoteSource } {
  const before = readNote(dir, path);
  const text = edit(before.text ?? '');
  const { cache, problems } = readMarkdown(text, readFrontmatter);
  return { before, after: { path, cache, text, readProblems: problems } };
}
