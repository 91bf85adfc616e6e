/**
 * The layout shared by rule notes made from vendor rules (Elastic, Splunk): the normalised rule
 * frontmatter the engine reads, vendor-specific keys, then the title, description and the original rule
 * embedded unchanged.
 */
import { closeOpenFence, fenced, flowList, oneLine, scalarText, yamlQuote } from './markdown';

export interface VendorNoteOptions {
  /** The rule's path in its repository, kept as `source_file`. */
  sourceFile?: string;
}

export interface VendorNoteParts {
  /** title, status, level, logsrc_*, id, author, created, modified — in this order. */
  fields: Array<[string, unknown]>;
  tags: string[];
  vendor: string;
  /** Vendor-specific keys after `vendor`, e.g. `rule_type`, `risk_score`. */
  extra: Array<[string, unknown]>;
  title: string;
  description: unknown;
  /** The original rule text and its fence language. */
  original: string;
  lang: string;
}

export function vendorRuleNote(p: VendorNoteParts, opts: VendorNoteOptions): string {
  const text = p.original.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return [
    '---',
    ...p.fields.map(([k, v]) => `${k}: ${yamlQuote(oneLine(v))}`),
    `tags: ${flowList(p.tags)}`,
    `vendor: ${yamlQuote(p.vendor)}`,
    ...p.extra.map(([k, v]) => `${k}: ${yamlQuote(oneLine(v))}`),
    ...(opts.sourceFile ? [`source_file: ${yamlQuote(opts.sourceFile)}`] : []),
    '---',
    '',
    `## ${p.title}`,
    '',
    '### Description',
    '',
    closeOpenFence(scalarText(p.description).trim()),
    '',
    fenced(text, p.lang),
    '',
  ].join('\n');
}
