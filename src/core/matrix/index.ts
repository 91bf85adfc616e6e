/** The coverage matrix model: tactics × techniques, scored from the coverage index. */
export * from './model';
