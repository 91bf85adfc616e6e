/** test-vault helpers for the CLI tests of the matrix, layers and gaps. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const VAULT = join(__dirname, '../../test-vault');

export { capture } from '../support/cli';

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
