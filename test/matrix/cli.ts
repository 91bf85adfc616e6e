/** Runs the CLI in-process and captures its output (commands that need no linkedom). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/main';

export const VAULT = join(__dirname, '../../test-vault');

export function capture(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: run(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** test-vault's notes in a folder with the technique IDs of their `tags: [...]` line (the oracle's reading). */
export function taggedNotes(folder: string): Array<{ path: string; ids: string[] }> {
  return readdirSync(join(VAULT, folder))
    .filter((f) => f.endsWith('.md'))
    .map((f) => {
      const text = readFileSync(join(VAULT, folder, f), 'utf8');
      const line = /^tags: \[(.*)\]$/m.exec(text)?.[1] ?? '';
      const ids = [...line.matchAll(/\b[tT](\d{4})(?:_(\d{3}))?\b/g)].map((m) => (m[2] ? `T${m[1]}.${m[2]}` : `T${m[1]}`));
      return { path: `${folder}/${f}`, ids: [...new Set(ids)] };
    });
}
