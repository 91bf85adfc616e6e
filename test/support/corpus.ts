/**
 * The shared corpus (real ATT&CK bundles, Sigma rules, atomics) lives next to the project on developer
 * machines and CI, but not in a user's clone. Tests over it go through `describeCorpus`, which skips
 * them with a plain message when it is absent; everything else must run without it.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Where the corpus is expected: `<project>/../shared/corpus`. */
export const CORPUS_PATH = path.resolve(__dirname, '../../../shared/corpus');

export function corpusDir(): string | null {
  return existsSync(CORPUS_PATH) ? CORPUS_PATH : null;
}

/** `describe` when the corpus is present; otherwise one skipped test and a console message saying why. */
export function describeCorpus(name: string, fn: (corpus: string) => void): void {
  const dir = corpusDir();
  if (dir) {
    describe(name, () => fn(dir));
    return;
  }
  describe(name, () => {
    console.warn(`Skipping "${name}": the shared corpus is missing (expected at ${CORPUS_PATH}).`);
    test.skip(`corpus missing at ${CORPUS_PATH}`, () => undefined);
  });
}

/** Files under `dir` (recursively) whose names end with one of `exts`, as sorted absolute paths. */
export function listFiles(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}
