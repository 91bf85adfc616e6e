/** Builds note sources from text the way the CLI does, so tests exercise the real reading path. */
import { defaultCatalog } from '../../src/core/attack/catalog';
import { CoverageIndex } from '../../src/core/coverage-index';
import { readMarkdown } from '../../src/core/markdown';
import type { NoteSource } from '../../src/core/metadata';
import { withDefaults, type EngineSettings } from '../../src/core/settings';
import { readFrontmatter } from '../../src/cli/frontmatter';
import { parseYamlCore } from '../../src/cli/yaml';

export function source(path: string, text: string): NoteSource {
  const { cache, problems } = readMarkdown(text, readFrontmatter);
  return { path, cache, text, readProblems: problems };
}

export function indexOf(files: Record<string, string>, settings?: Partial<EngineSettings>): CoverageIndex {
  const index = new CoverageIndex({ settings: withDefaults(settings), catalog: defaultCatalog(), env: { parseYaml: parseYamlCore } });
  index.upsertAll(Object.entries(files).map(([p, t]) => source(p, t)));
  return index;
}
