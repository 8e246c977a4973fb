/** The public contract of Oversight: schemas, types and tables shared by server, CLI and web. */
export * from './common.ts';
export * from './errors.ts';
export * from './identity.ts';
export * from './registry.ts';
export * from './ledger.ts';
export * from './ai-act.ts';
export * from './trust.ts';
export * from './overview.ts';
