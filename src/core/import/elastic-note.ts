/**
 * Rule notes for Elastic detection-rules TOML files: the same normalised frontmatter as Sigma rule notes
 * (title, status, level, logsrc_*, id, tags with technique tags and `detection_rule`) plus `vendor`, and
 * the original TOML embedded unchanged, so that the engine and the reader see the rule itself.
 */
import { vendorRuleNote, type VendorNoteOptions } from './vendor-note';
import { parseBareId } from '../ids';
import { elasticOsTags } from '../rules';
import { oneLine, scalarText } from './markdown';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** `T1059.001` → `t1059_001`: the tag form rule notes use (as Sigma rule notes do). */
export const ruleTechniqueTag = (id: string): string => id.toLowerCase().replace('.', '_');

/** `Command and Control` → `command-and-control`: the tactic shortname, as Sigma tags it. */
export const tacticTag = (name: string): string => name.trim().toLowerCase().replace(/[\s_]+/g, '-');

/** Every technique and sub-technique an Elastic rule maps to (`[[rule.threat]]`), in file order, once each. */
export function elasticTechniques(doc: Obj): string[] {
  const out = new Set<string>();
  for (const threat of list(obj(doc.rule).threat)) {
    for (const tech of list(obj(threat).technique)) {
      const id = parseBareId(scalarText(obj(tech).id));
      if (id) out.add(id);
      for (const sub of list(obj(tech).subtechnique)) {
        const sid = parseBareId(scalarText(obj(sub).id));
        if (sid) out.add(sid);
      }
    }
  }
  return [...out];
}

function elasticTactics(doc: Obj): string[] {
  const out = new Set<string>();
  for (const threat of list(obj(doc.rule).threat)) {
    const name = oneLine(obj(obj(threat).tactic).name);
    if (name) out.add(tacticTag(name));
  }
  return [...out];
}

/**
 * `OS: Windows` among the rule's tags gives the product; the integrations name the data. A rule tagged
 * with several systems (Elastic's cross-platform rules) has no one product: it is left empty rather
 * than named after the first.
 */
function logsource(doc: Obj): { product: string; service: string } {
  const rule = obj(doc.rule);
  const os = elasticOsTags(rule.tags);
  const integration = scalarText(list(obj(doc.metadata).integration)[0]).toLowerCase();
  if (os.length > 0) return { product: os.length === 1 ? (os[0] ?? '') : '', service: integration };
  return { product: integration, service: '' };
}

export type { VendorNoteOptions };

export function elasticRuleNote(tomlText: string, doc: Obj, opts: VendorNoteOptions = {}): string {
  const rule = obj(doc.rule);
  const meta = obj(doc.metadata);
  const title = oneLine(rule.name);
  const { product, service } = logsource(doc);
  const tags = [...elasticTactics(doc), ...elasticTechniques(doc).map(ruleTechniqueTag), 'detection_rule'];
  const fields: [string, unknown][] = [
    ['title', title],
    ['status', meta.maturity],
    ['level', rule.severity],
    ['logsrc_product', product],
    ['logsrc_service', service],
    ['logsrc_category', ''],
    ['id', rule.rule_id],
    ['author', list(rule.author).map(oneLine).join(', ')],
    ['created', meta.creation_date],
    ['modified', meta.updated_date],
  ];
  return vendorRuleNote(
    {
      fields,
      tags,
      vendor: 'elastic',
      extra: [
        ['rule_type', rule.type],
        ['language', rule.language],
        ['risk_score', rule.risk_score],
      ],
      title,
      description: rule.description,
      original: tomlText,
      lang: 'toml',
    },
    opts,
  );
}
