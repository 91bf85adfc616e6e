/** The ATT&CK catalog: digest STIX bundles (`stix.ts`) and look techniques up (`catalog.ts`). */
export { Catalog, defaultCatalog, type TechniqueQuery, type TechniqueStatus } from './catalog';
export { ATTACK_COPYRIGHT, digestStix, type CatalogData, type DigestOptions, type RemapTable, type TacticInfo, type TechniqueInfo } from './stix';
