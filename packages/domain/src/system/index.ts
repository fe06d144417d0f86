export * from './schemas';
export * from './service';
