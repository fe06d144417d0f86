export * from './schemas';
export * from './person-name';
export * from './queries';
export * from './service';
