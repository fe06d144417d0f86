export * from './process';
export * from './tools';
export * from './media-tools';
export * from './external';
