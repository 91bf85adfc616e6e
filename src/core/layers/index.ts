/** ATT&CK Navigator layers (format 4.5): export, import as an overlay, comparison, validation. */
export * from './types';
export * from './validate';
export * from './export';
export * from './import';
export * from './compare';
