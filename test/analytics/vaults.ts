/**
 * Vaults for the analytics tests: the committed test-vault, and one built in memory from every SigmaHQ
 * rule of the shared corpus with the project's own note writer (as `attack-coverage import` would).
 */
import { listFiles } from '../support/corpus';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { CoverageIndex } from '../../src/core/coverage-index';
import type { NoteSource } from '../../src/core/metadata';
import { sigmaRuleNote } from '../../src/core/import/sigma-note';
import { RuleAnalysisStore } from '../../src/core/analytics/rule-store';
import { withDefaults } from '../../src/core/settings';
import { loadVault } from '../../src/cli/vault';
import { parseYamlCore } from '../../src/cli/yaml';
import { source } from '../support/notes';

export const TEST_VAULT = path.join(__dirname, '../../test-vault');

export interface Vault {
  index: CoverageIndex;
  store: RuleAnalysisStore;
  texts: Map<string, string>;
}

/**
 * The package a rule note's analytics should name, read off the note's text: the folder of its
 * `source_file` line, else the note's own folder.
 */
export function expectedPackage(text: string, notePath: string): string {
  const src = /^source_file:\s*"?([^"\n]*)"?\s*$/m.exec(text)?.[1] ?? '';
  const folder = (p: string): string => p.split(/[\\/]/).slice(0, -1).join('/');
  return folder(src) || folder(notePath);
}

export function testVault(): Vault {
  const { index, sources } = loadVault(TEST_VAULT);
  const texts = new Map([...sources].map(([p, s]) => [p, s.text ?? '']));
  const store = new RuleAnalysisStore(index, { parseYaml: parseYamlCore, readText: (p) => texts.get(p) });
  return { index, store, texts };
}

export function vaultOf(files: Record<string, string>): Vault {
  const index = new CoverageIndex({ settings: withDefaults(undefined), catalog: defaultCatalog(), env: { parseYaml: parseYamlCore } });
  const texts = new Map(Object.entries(files));
  index.upsertAll([...texts].map(([p, t]) => source(p, t)));
  const store = new RuleAnalysisStore(index, { parseYaml: parseYamlCore, readText: (p) => texts.get(p) });
  return { index, store, texts };
}

/**
 * Every single-document detection rule under `sigma/<folders>` as a rule note, filed by its corpus
 * folder (`Detection Rules/rules/windows/process_creation/x.md`): the folder is the package.
 */
export function sigmaCorpusVault(corpus: string, folders = ['rules', 'rules-threat-hunting', 'rules-emerging-threats']): Vault & { sources: NoteSource[] } {
  const files: Record<string, string> = {};
  for (const folder of folders) {
    const root = path.join(corpus, 'sigma', folder);
    for (const f of listFiles(root, ['.yml', '.yaml'])) {
      const text = readFileSync(f, 'utf8');
      let rule: unknown;
      try {
        rule = load(text, { schema: CORE_SCHEMA });
      } catch {
        continue; // multi-document files (correlations) are not rule notes
      }
      if (!rule || typeof rule !== 'object' || !('detection' in rule)) continue;
      const rel = path.relative(path.join(corpus, 'sigma'), f).split(path.sep).join('/').replace(/\.ya?ml$/, '.md');
      files[`Detection Rules/${rel}`] = sigmaRuleNote(text, rule);
    }
  }
  const v = vaultOf(files);
  return { ...v, sources: [...v.texts].map(([p, t]) => source(p, t)) };
}
