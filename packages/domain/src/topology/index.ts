export * from './schemas';
export * from './queries';
export * from './service';
