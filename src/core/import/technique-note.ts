/**
 * Technique notes in the Use-Case-Catalogue format (domain.md §1.1, seed 004), byte for byte including
 * its generator's quirks, because real vaults look like this and the parser must meet them as they are.
 */
import type { Catalog, TechniqueInfo } from '../attack/catalog';
import { fenced } from './markdown';

export interface TechniqueNoteOptions {
  /** Resolves the parent's name (display name) and tactic display names. */
  catalog: Pick<Catalog, 'displayName' | 'tactic'>;
  /** Texts the compact catalog does not keep: take them from the STIX bundle (see `stixText`). */
  description?: string;
  detection?: string;
  defensesBypassed?: string[];
  dataSources?: string[];
  /** `dataview` (vault commit faf29d2, the seed) or the later core `query` blocks (HEAD). */
  blocks?: 'dataview' | 'query';
  rulesFolder?: string;
  testsFolder?: string;
}

/** STIX Markdown to note text: drops `(Citation: …)` markers and trims. */
export function stixText(s: string | undefined): string {
  return (s ?? '').replace(/\s*\(Citation:[^)]*\)/g, '').trim();
}

/** `T1059.006` → `T1059_006`: the tag form (tags cannot contain dots). */
export const techniqueTag = (id: string): string => id.replace(/\./g, '_');

function blocks(tag: string, o: TechniqueNoteOptions): [string, string] {
  if (o.blocks === 'query') {
    return [fenced(`tag: detection_rule\ntag: ${tag}`, 'query'), fenced(`tag: atomic_test\ntag: ${tag}`, 'query')];
  }
  const rules = [
    'table without id',
    'file.link AS "Name",',
    'status AS "Status",',
    'level AS "Level",',
    'logsrc_product AS "Log Source Product"',
    `FROM "${o.rulesFolder ?? 'Detection Rules'}" AND #${tag}`,
  ].join('\n');
  const tests = ['TABLE without id', 'filename AS "Name"', `FROM "${o.testsFolder ?? 'Testing Runbooks'}" AND #${tag}`].join('\n');
  return [fenced(rules, 'dataview'), fenced(tests, 'dataview')];
}

export function techniqueNote(t: TechniqueInfo, opts: TechniqueNoteOptions): string {
  const tag = techniqueTag(t.id);
  const tactics = t.tactics.map((s) => opts.catalog.tactic(s)?.name ?? s).join(', ');
  // The Perl generator replaced spaces in the whole tactics string, so two tactics become one odd tag:
  // `Defense_Evasion,_Privilege_Escalation` (YAML then splits it at the comma). Reproduced on purpose.
  const tacticTag = tactics.replace(/ /g, '_');
  // Data sources came from one comma-joined cell split on ',', leaving a space on all but the first.
  const dataSources = (opts.dataSources ?? []).map((d, i) => `  - ${i > 0 ? ' ' : ''}${d.trim()}`).join('\n');
  const [ruleBlock, testBlock] = blocks(tag, opts);
  const heading = (opts.catalog.displayName(t.id) ?? t.name).replace(/:/g, '-');
  return [
    '---',
    `created: ${t.created}`,
    `last_modified: ${t.modified}`,
    `version: ${t.version}`,
    `tactics: ${tactics}`,
    `url: ${t.url}`,
    `platforms: ${t.platforms.join(', ')}`,
    `tags: [${[tag, 'techniques', ...(tacticTag ? [tacticTag] : [])].join(', ')}]`,
    '---',
    '',
    `## ${heading}`,
    '',
    '### Description',
    '',
    stixText(opts.description),
    '',
    '### Detection',
    '',
    stixText(opts.detection),
    '',
    '### Defenses Bypassed',
    '',
    (opts.defensesBypassed ?? []).join(', '),
    '',
    '### Data Sources',
    '',
    // No blank line before the next heading: the generator's own layout.
    `${dataSources}${dataSources ? '\n' : ''}### Detection Rule`,
    '',
    ruleBlock,
    '',
    '### Rule Testing',
    '',
    testBlock,
    '',
  ].join('\n');
}
