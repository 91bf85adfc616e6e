/**
 * Sigma rule notes for the `Detection Rules/` folder: Use-Case-Catalogue style frontmatter (every value
 * quoted, tags in tag form plus `detection_rule`) followed by the original rule, embedded unchanged.
 * The embedded YAML keeps the rule's `author` field, which the Detection Rule License requires.
 */
import { fenced, flowList, oneLine, scalarText, yamlQuote } from './markdown';

export interface SigmaNoteOptions {
  /** Frontmatter `vendor`; default "sigma". */
  vendor?: string;
}

/** A Sigma tag in note-tag form: `attack.t1059.006` → `t1059_006`, `car.2016-04-005` → `car_2016-04-005`. */
export function sigmaTagToNoteTag(tag: string): string {
  return tag.trim().replace(/^attack\./i, '').replace(/\./g, '_');
}

const str = (v: unknown): string => (Array.isArray(v) ? v.map(oneLine).join(', ') : oneLine(v));

export function sigmaRuleNote(yamlText: string, rule: Record<string, unknown>, opts: SigmaNoteOptions = {}): string {
  const logsource = (rule.logsource ?? {}) as Record<string, unknown>;
  const tags = Array.isArray(rule.tags) ? rule.tags.map((t) => sigmaTagToNoteTag(scalarText(t))).filter(Boolean) : [];
  const title = oneLine(rule.title);
  const fields: [string, unknown][] = [
    ['title', title],
    ['status', rule.status],
    ['level', rule.level],
    ['logsrc_product', logsource.product],
    ['logsrc_service', logsource.service],
    ['logsrc_category', logsource.category],
    ['id', rule.id],
    ['author', rule.author],
    ['created', rule.date],
    ['modified', rule.modified],
  ];
  // One line endings style in the note; YAML reads \r\n and \n alike, so the rule parses the same.
  const yaml = yamlText.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return [
    '---',
    ...fields.map(([k, v]) => `${k}: ${yamlQuote(str(v))}`),
    `tags: ${flowList([...tags, 'detection_rule'])}`,
    `vendor: ${yamlQuote(opts.vendor ?? 'sigma')}`,
    '---',
    '',
    `## ${title}`,
    '',
    '### Description',
    '',
    scalarText(rule.description).trim(),
    '',
    fenced(yaml, 'yml'),
    '',
  ].join('\n');
}
