import { APIRequestContext, expect } from '@playwright/test';
import type { AlphaEntity as Entity } from '@backstage/catalog-model/alpha';

/**
 * Signs in as guest the way the sign-in page does, checks who the guest is (the portal
 * may point the guest at another user), and returns the Backstage token.
 */
export async function guestToken(
  request: APIRequestContext,
  user = 'user:default/guest',
): Promise<string> {
  const res = await request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.backstageIdentity?.identity?.userEntityRef).toBe(user);
  return body.backstageIdentity.token;
}

export async function listEntities(
  request: APIRequestContext,
  token: string,
): Promise<Entity[]> {
  const res = await request.get('/api/catalog/entities', {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(200);
  return res.json();
}

export const artifactsDir = 'e2e-artifacts';

/** The portal's data folder (scripts/test-all.sh points the e2e portal at a scratch one). */
export const dataDir = process.env.IBIAS_DATA_DIR ?? 'data';
