/**
 * Per-technique ATT&CK context — mitigations, v18+ detection strategies and analytics, v17 data
 * components — as a second catalog next to `catalog.ts`, loaded only when a panel first asks for it.
 *
 * The committed digest (`details.json`, from `npx tsx scripts/build-details.ts`) ships inside main.js as a gzip + base64
 * string (`details-packed.ts`, written by the same script): about a third of the JSON's size, and plugin
 * start-up only carries the string. `loadDetails()` inflates and parses it once, on first use. A newer
 * STIX bundle the user selects goes through `digestDetails` → `new DetailsCatalog(data)` instead.
 */
import type { AnalyticData, DetailsData } from './details-digest';

export { digestDetails, mergeLegacyDetails, plainAttackText, type DetailsData, type DetailsDigestOptions } from './details-digest';

export interface MitigationInfo {
  id: string;
  name: string;
  /** The `mitigates` relationship's text: how this mitigation applies to this technique. */
  how: string;
  url: string;
}

export interface LogSourceInfo {
  /** ATT&CK's log-source name, e.g. `WinEventLog:Sysmon`, `auditd:SYSCALL`. */
  name: string;
  /** e.g. `EventCode=1`, or free text (`execve`). */
  channel: string;
  /** DC#### (or "Source: Component" for bundles without component IDs); '' when unknown. */
  component: string;
  componentName: string;
  /** Parsed from `EventCode=N[, M…]` channels; empty for free-text channels. */
  eventIds: number[];
}

export interface MutableElement {
  field: string;
  description: string;
}

export interface AnalyticInfo {
  id: string;
  url: string;
  platforms: string[];
  description: string;
  logSources: LogSourceInfo[];
  mutable: MutableElement[];
}

export interface StrategyInfo {
  id: string;
  name: string;
  url: string;
  analytics: AnalyticInfo[];
}

export interface DataComponentInfo {
  /** DC#### when known. */
  id: string;
  name: string;
  dataSourceId: string;
  dataSource: string;
  /** The `detects` relationship's text for this technique (v17). */
  text: string;
}

export interface TechniqueDetails {
  id: string;
  version: string;
  mitigations: MitigationInfo[];
  strategies: StrategyInfo[];
  /** v17 data components; from an older release when the catalog merged one (`legacyVersion`). */
  dataComponents: DataComponentInfo[];
  legacyVersion?: string;
}

const ATTACK = 'https://attack.mitre.org';

/** `EventCode=4103, 4104` / `EventCode=4778, EventCode=4779` / `EventCode=5005 (WLAN), EventCode=302 (…)` → IDs. */
export function parseEventCodes(channel: string): number[] {
  if (!/^\s*EventCode\s*=/i.test(channel)) return [];
  const ids: number[] = [];
  for (const part of channel.split(',')) {
    const m = /^\s*(?:EventCode\s*=\s*)?(\d+)\b/i.exec(part);
    if (m) {
      const id = Number(m[1]);
      if (!ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

function isDetailsData(v: unknown): v is DetailsData {
  if (!v || typeof v !== 'object') return false;
  const d = v as Partial<DetailsData>;
  return typeof d.version === 'string' && !!d.techniques && typeof d.techniques === 'object' && Array.isArray(d.texts)
    && Array.isArray(d.logSources) && Array.isArray(d.elements) && !!d.analytics && !!d.strategies && !!d.mitigations;
}

export class DetailsCatalog {
  readonly version: string;
  readonly legacyVersion: string | undefined;
  private readonly analyticCache = new Map<string, AnalyticInfo>();

  constructor(readonly data: DetailsData) {
    if (!isDetailsData(data)) throw new Error('not an ATT&CK details digest');
    this.version = data.version;
    this.legacyVersion = data.legacy?.version;
  }

  static fromJson(text: string): DetailsCatalog {
    return new DetailsCatalog(JSON.parse(text) as DetailsData);
  }

  get techniqueCount(): number {
    return Object.keys(this.data.techniques).length;
  }

  private text(i: number | undefined): string {
    return i === undefined ? '' : (this.data.texts[i] ?? '');
  }

  private analytic(id: string, strategy: string): AnalyticInfo | undefined {
    const hit = this.analyticCache.get(id);
    if (hit) return hit;
    const a: AnalyticData | undefined = Object.prototype.hasOwnProperty.call(this.data.analytics, id) ? this.data.analytics[id] : undefined;
    if (!a) return undefined;
    const [platforms, ls, mutable, description] = a;
    const info: AnalyticInfo = {
      id,
      url: `${ATTACK}/detectionstrategies/${strategy}#${id}`,
      platforms: platforms ? platforms.split(',') : [],
      description: this.text(description),
      logSources: ls.map((i) => {
        const [name = '', channel = '', component = ''] = (this.data.logSources[i] ?? '').split('\t');
        return { name, channel, component, componentName: this.data.components[component]?.[0] ?? '', eventIds: parseEventCodes(channel) };
      }),
      mutable: mutable.map((i) => {
        const [field = '', desc = ''] = (this.data.elements[i] ?? '').split('\t');
        return { field, description: desc };
      }),
    };
    this.analyticCache.set(id, info);
    return info;
  }

  technique(rawId: string): TechniqueDetails | undefined {
    const id = rawId.trim().toUpperCase();
    const t = Object.prototype.hasOwnProperty.call(this.data.techniques, id) ? this.data.techniques[id] : undefined;
    if (!t) return undefined;
    const d = this.data;
    return {
      id,
      version: d.version,
      mitigations: (t.m ?? []).map(([mid, ti]) => ({ id: mid, name: d.mitigations[mid] ?? '', how: this.text(ti), url: `${ATTACK}/mitigations/${mid}` })),
      strategies: (t.s ?? []).map((sid) => {
        const [name = '', ans = []] = d.strategies[sid] ?? [];
        return {
          id: sid,
          name,
          url: `${ATTACK}/detectionstrategies/${sid}`,
          analytics: ans.map((a) => this.analytic(a, sid)).filter((a): a is AnalyticInfo => !!a),
        };
      }),
      dataComponents: (t.c ?? []).map(([key, ...paras]) => {
        const [name = key, ds = ''] = d.components[key] ?? [];
        const text = paras.map((i) => this.text(i)).join('\n\n');
        return { id: /^DC\d{4}$/.test(key) ? key : '', name, dataSourceId: ds, dataSource: d.dataSources[ds] ?? '', text };
      }),
      ...(d.legacy ? { legacyVersion: d.legacy.version } : {}),
    };
  }
}

/** gzip + base64 → text, with the platform's DecompressionStream (Chromium, WebKit 16.4+, Node 18+). */
export async function inflateBase64(b64: string): Promise<string> {
  if (typeof DecompressionStream === 'undefined') throw new Error('this platform cannot decompress the ATT&CK details (no DecompressionStream)');
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return await new Response(stream).text();
}

let loading: Promise<DetailsCatalog> | undefined;

/** The committed details, inflated and parsed on the first call only (later calls share the promise). */
export function loadDetails(): Promise<DetailsCatalog> {
  loading ??= import('./details-packed').then(async (m) => DetailsCatalog.fromJson(await inflateBase64(m.DETAILS_GZIP_BASE64)));
  // A failure is not cached: a later call may try again.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
