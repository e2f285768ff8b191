import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/**
 * Services made from the ibias-service template carry the reporter as their own file
 * (they are separate npm projects), so it must not drift from this package's.
 */
describe('the copies of the reporter', () => {
  const source = read('packages/ai-costs-client/src/reporter.ts');

  it.each([
    'templates/ibias-service/skeleton/src/aiUsage.ts',
    'services/ai-recommendations/src/aiUsage.ts',
    'services/ibias-api/src/aiUsage.ts',
  ])('%s is the same as src/reporter.ts', file => {
    expect(source).toContain('export class AiUsageReporter');
    expect(read(file)).toBe(source);
  });
});
