/**
 * ATT&CK Navigator layer format 4.5 (`mitre-attack/attack-navigator: layers/spec/v4.5/layerformat.md`),
 * as TypeScript types. Optional fields are optional here too; `validate.ts` checks a parsed file.
 */

export const LAYER_FORMAT = '4.5';
/** Navigator release we write; the spec requires at least "4.9.0". */
export const NAVIGATOR_VERSION = '5.1.0';
export const MIN_NAVIGATOR_VERSION = '4.9.0';
export const LAYER_DOMAINS = ['enterprise-attack', 'mobile-attack', 'ics-attack'] as const;

export interface LayerVersions {
  attack?: string;
  navigator: string;
  layer: string;
}

export interface MetadataItem {
  name: string;
  value: string;
}
export interface Divider {
  divider: boolean;
}
export interface LinkItem {
  label: string;
  url: string;
}

export interface LayerTechnique {
  techniqueID: string;
  tactic?: string;
  comment?: string;
  enabled?: boolean;
  score?: number;
  color?: string;
  metadata?: Array<MetadataItem | Divider>;
  links?: Array<LinkItem | Divider>;
  showSubtechniques?: boolean;
}

export interface LayerGradient {
  colors: string[];
  minValue: number;
  maxValue: number;
}

export interface LayerLayout {
  layout?: 'side' | 'flat' | 'mini';
  showID?: boolean;
  showName?: boolean;
  showAggregateScores?: boolean;
  countUnscored?: boolean;
  aggregateFunction?: 'average' | 'min' | 'max' | 'sum';
  expandedSubtechniques?: 'none' | 'all' | 'annotated';
}

export interface Layer {
  name: string;
  versions?: LayerVersions;
  description?: string;
  domain: string;
  customDataURL?: string;
  filters?: { platforms?: string[] };
  sorting?: number;
  layout?: LayerLayout;
  hideDisabled?: boolean;
  techniques?: LayerTechnique[];
  gradient?: LayerGradient;
  legendItems?: Array<{ label: string; color: string }>;
  showTacticRowBackground?: boolean;
  tacticRowBackground?: string;
  selectTechniquesAcrossTactics?: boolean;
  selectSubtechniquesWithParent?: boolean;
  selectVisibleTechniques?: boolean;
  metadata?: Array<MetadataItem | Divider>;
  links?: Array<LinkItem | Divider>;
}
