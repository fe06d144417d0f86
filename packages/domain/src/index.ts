export * from './format';
export * from './secrets';
