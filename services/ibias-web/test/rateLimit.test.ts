import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimiter } from '../server/rateLimit';

describe('createRateLimiter', () => {
  it('counts per key within a window and resets after it', () => {
    let t = 0;
    const limit = createRateLimiter({ windowMs: 1000, max: 2, now: () => t });
    assert.equal(limit('a').allowed, true);
    assert.equal(limit('a').allowed, true);
    const third = limit('a');
    assert.equal(third.allowed, false);
    assert.equal(third.retryAfterSeconds, 1);
    assert.equal(limit('b').allowed, true, 'other keys are independent');
    t = 1000;
    assert.equal(limit('a').allowed, true, 'a new window');
  });

  it('keeps memory bounded', () => {
    const limit = createRateLimiter({
      windowMs: 1000,
      max: 1,
      maxKeys: 2,
      now: () => 0,
    });
    limit('a');
    limit('b');
    limit('c'); // evicts a
    assert.equal(limit('a').allowed, true, 'a was forgotten');
  });
});
