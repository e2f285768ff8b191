export * from './testDatabaseIds';
