/**
 * Rule notes for Splunk security_content detections (YAML): the normalised rule frontmatter plus
 * `vendor: splunk`, technique tags from `tags.mitre_attack_id`, and the original YAML embedded unchanged.
 */
import { parseBareId } from '../ids';
import { riskLevel } from '../rules';
import { ruleTechniqueTag } from './elastic-note';
import { vendorRuleNote, type VendorNoteOptions } from './vendor-note';
import { oneLine, scalarText } from './markdown';

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
  return vendorRuleNote(
    {
      fields,
      tags: [...splunkTechniques(doc).map(ruleTechniqueTag), 'detection_rule'],
      vendor: 'splunk',
      extra: [
        ['rule_type', doc.type],
        ['risk_score', tags.risk_score],
      ],
      title,
      description: doc.description,
      original: yamlText,
      lang: 'yml',
    },
    opts,
  );
}
