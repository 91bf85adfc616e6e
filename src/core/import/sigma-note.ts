/**
 * Sigma rule notes for the `Detection Rules/` folder: Use-Case-Catalogue style frontmatter (every value
 * quoted, tags in tag form plus `detection_rule`) followed by the original rule, embedded unchanged.
 * The embedded YAML keeps the rule's `author` field, which the Detection Rule License requires.
 */
import { closeOpenFence, fenced, flowList, oneLine, scalarText, yamlQuote } from './markdown';

export interface SigmaNoteOptions {
  /** Frontmatter `vendor`; default "sigma". */
  vendor?: string;
  /** The rule's path in its repository (`rules/windows/…/x.yml`), kept as `source_file` for attribution. */
  sourceFile?: string;
  /** SigmaHQ keeps retired rules in `deprecated/` and rules no backend can express in `unsupported/`. */
  deprecated?: boolean;
  unsupported?: boolean;
  /** An old Sigma v1 rule collection (`action: global` and several YAML documents). */
  collection?: boolean;
}

function flagLines(opts: SigmaNoteOptions): string[] {
  const out: string[] = [];
  if (opts.deprecated) out.push('> [!warning] Deprecated\n> SigmaHQ has retired this rule; it is kept for reference.', '');
  if (opts.unsupported) out.push('> [!warning] Unsupported\n> SigmaHQ marks this rule as not expressible by current Sigma backends.', '');
  if (opts.collection) out.push('> [!note] Rule collection\n> An old-style Sigma collection of several YAML documents; the embedded text is the whole file.', '');
  return out;
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
    ...(opts.sourceFile ? [`source_file: ${yamlQuote(opts.sourceFile)}`] : []),
    ...(opts.deprecated ? ['deprecated: true'] : []),
    ...(opts.unsupported ? ['unsupported: true'] : []),
    '---',
    '',
    `## ${title}`,
    '',
    ...flagLines(opts),
    '### Description',
    '',
    closeOpenFence(scalarText(rule.description).trim()),
    '',
    fenced(yaml, 'yml'),
    '',
  ].join('\n');
}
