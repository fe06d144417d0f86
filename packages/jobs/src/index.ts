export * from './define';
export * from './catalog';
export * from './producer';
export * from './runner';
