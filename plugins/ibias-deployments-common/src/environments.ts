// A service's environments file: its schema, the secrets rule, the baseline and diffs.
export * from './environmentSchema';
export * from './secrets';
export * from './baseline';
export * from './configDiff';
