export * from './schema-engine';
