/**
 * Every CLI command, one module each. A new command adds one line here.
 */
import type { Command } from 'commander';
import { registerAnalytics } from './analytics';
import { registerBlocks } from './blocks';
import { registerImport } from './import';
import { registerGaps } from './gaps';
import { registerLayer } from './layer';
import { registerMigrate } from './migrate';
import { registerReport } from './report';
import { registerScan } from './scan';
import { registerTechnique } from './technique';

export const COMMANDS: Array<(program: Command) => void> = [
  registerScan,
  registerBlocks,
  registerTechnique,
  registerAnalytics,
  registerImport,
  registerMigrate,
  registerLayer,
  registerGaps,
  registerReport,
];
