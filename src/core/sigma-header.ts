/**
 * The few Sigma fields the index needs (title, id, status, level, logsource, ATT&CK tags), read line
 * by line without a YAML parser. Indexing a vault of thousands of rule notes spends most of its time
 * parsing embedded YAML; SigmaHQ's house style is plain enough to read directly. Anything outside
 * that style (flow collections, anchors, block scalars, quoted keys, several documents) returns null
 * and the caller falls back to the full parser — the two are checked against each other over the
 * whole SigmaHQ corpus in the tests.
 */
export interface SigmaHeader {
  title: string;
  id: string;
  status: string;
  level: string;
  logsource: { product: string; service: string; category: string };
  tags: string[];
}

const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*))?$/;
const SUB_KEY = /^[ ]+([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(.*))?$/;
const LIST_ITEM = /^[ ]*-[ ]+(.*)$/;

/** A plain or simply-quoted scalar; undefined when it needs a real parser. */
function scalar(raw: string | undefined): string | undefined {
  if (raw === undefined) return '';
  let v = raw.trim();
  if (v === '' || v.startsWith('#')) return '';
  const c = v[0] as string;
  if ('[{|>&*!%@`'.includes(c)) return undefined;
  if (c === "'" || c === '"') {
    const end = v.lastIndexOf(c);
    if (end <= 0) return undefined;
    const inner = v.slice(1, end);
    const rest = v.slice(end + 1).trim();
    if (rest && !rest.startsWith('#')) return undefined;
    if (c === '"' ? inner.includes('\\') || inner.includes('"') : inner.includes("'")) return undefined;
    return inner;
  }
  const hash = v.indexOf(' #');
  if (hash >= 0) v = v.slice(0, hash).trimEnd();
  if (v.includes(': ') || v.endsWith(':')) return undefined;
  return v;
}

export function readSigmaHeader(text: string): SigmaHeader | null {
  const h: SigmaHeader = { title: '', id: '', status: '', level: '', logsource: { product: '', service: '', category: '' }, tags: [] };
  let section = '';
  let sawLogsource = false;
  let sawDetection = false;
  // Without a tab anywhere, an indented or list line outside logsource and tags can neither be read nor
  // make the reader give up, so it is stepped over without being cut out (most of a rule is detection).
  const noTab = !text.includes('\t');
  for (let at = 0; at <= text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl;
    const from = at;
    at = end + 1;
    const c0 = text.charCodeAt(from);
    if (noTab && section !== 'logsource' && section !== 'tags' && (c0 === 32 || (c0 === 45 && text.charCodeAt(from + 1) !== 45))) continue;
    const line = text.charCodeAt(end - 1) === 13 && end > from ? text.slice(from, end - 1) : text.slice(from, end);
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    if (line.includes('\t')) return null;
    if (line === '---' || line === '...') return null;
    if (line[0] !== ' ' && line[0] !== '-') {
      const m = TOP_KEY.exec(line);
      if (!m) return null;
      section = m[1] as string;
      const v = scalar(m[2]);
      if (['title', 'id', 'status', 'level'].includes(section)) {
        if (v === undefined) return null;
        h[section as 'title' | 'id' | 'status' | 'level'] = v;
      } else if (section === 'logsource' || section === 'tags') {
        if (m[2] !== undefined && m[2].trim() !== '' && !m[2].trim().startsWith('#')) return null; // inline form
        if (section === 'logsource') sawLogsource = true;
      } else if (section === 'detection') sawDetection = true;
      continue;
    }
    if (section === 'logsource') {
      const m = SUB_KEY.exec(line);
      if (!m) return null;
      const v = scalar(m[2]);
      if (v === undefined) return null;
      const key = m[1] as string;
      if (key === 'product' || key === 'service' || key === 'category') h.logsource[key] = v;
    } else if (section === 'tags') {
      const m = LIST_ITEM.exec(line);
      if (!m) return null;
      const v = scalar(m[1]);
      if (v === undefined) return null;
      h.tags.push(v);
    }
  }
  return sawLogsource && sawDetection ? h : null;
}
