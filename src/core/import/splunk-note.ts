/**
 * Rule notes for Splunk security_content detections (YAML): the normalised rule frontmatter plus
 * `vendor: splunk`, technique tags from `tags.mitre_attack_id`, and the original YAML embedded unchanged.
 */
import { parseBareId } from '../ids';
import { ruleTechniqueTag, type VendorNoteOptions } from './elastic-note';
import { fenced, flowList, oneLine, scalarText, yamlQuote } from './markdown';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** `tags.mitre_attack_id`, valid IDs only, once each. */
export function splunkTechniques(doc: Obj): string[] {
  const out = new Set<string>();
  for (const t of list(obj(doc.tags).mitre_attack_id)) {
    const id = parseBareId(scalarText(t));
    if (id) out.add(id);
  }
  return [...out];
}

/** Splunk's 0–100 risk score as a Sigma level, on Elastic's severity thresholds (21 / 47 / 73 / 99). */
export function riskLevel(score: unknown): string {
  const n = typeof score === 'number' ? score : Number(scalarText(score));
  if (scalarText(score) === '' || !Number.isFinite(n)) return '';
  if (n >= 99) return 'critical';
  if (n >= 73) return 'high';
  if (n >= 47) return 'medium';
  if (n >= 21) return 'low';
  return 'informational';
}

export function splunkRuleNote(yamlText: string, doc: Obj, opts: VendorNoteOptions = {}): string {
  const tags = obj(doc.tags);
  const title = oneLine(doc.name);
  const fields: [string, unknown][] = [
    ['title', title],
    ['status', doc.status],
    ['level', riskLevel(tags.risk_score)],
    ['logsrc_product', list(doc.data_source)[0]],
    ['logsrc_service', tags.security_domain],
    ['logsrc_category', ''],
    ['id', doc.id],
    ['author', doc.author],
    ['created', doc.date],
    ['modified', ''],
  ];
  const text = yamlText.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return [
    '---',
    ...fields.map(([k, v]) => `${k}: ${yamlQuote(oneLine(v))}`),
    `tags: ${flowList([...splunkTechniques(doc).map(ruleTechniqueTag), 'detection_rule'])}`,
    `vendor: ${yamlQuote('splunk')}`,
    `rule_type: ${yamlQuote(oneLine(doc.type))}`,
    `risk_score: ${yamlQuote(oneLine(tags.risk_score))}`,
    ...(opts.sourceFile ? [`source_file: ${yamlQuote(opts.sourceFile)}`] : []),
    '---',
    '',
    `## ${title}`,
    '',
    '### Description',
    '',
    scalarText(doc.description).trim(),
    '',
    fenced(text, 'yml'),
    '',
  ].join('\n');
}
