export * from './bundle';
export * from './server';
