export * from './schemas';
export * from './queries';
export * from './jobs';
export * from './export';
export * from './service';
