export * from './validation';
export * from './server';
