export * from './testDatabaseIds';
export * from './githubLoopback';
