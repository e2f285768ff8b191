import { createHmac } from 'node:crypto';
import type { Deployment, Project, ServedRequest } from './model';

// Vercel's log drains (https://vercel.com/docs/drains/reference/logs): one POST per batch
// with a JSON array of log entries, signed with `x-vercel-signature`, the lowercase hex
// HMAC-SHA1 of the raw body under the drain's secret. There is no duration field.

/** One log entry as a Vercel log drain delivers it (the fields this loopback fills). */
export interface DrainLogEntry {
  id: string;
  deploymentId: string;
  projectId: string;
  projectName: string;
  source: 'lambda';
  type: 'stdout';
  level: 'info' | 'error';
  host: string;
  path: string;
  message: string;
  timestamp: number;
  statusCode: number;
  requestId: string;
  environment: 'production' | 'preview';
  executionRegion: string;
  proxy: {
    timestamp: number;
    method: string;
    host: string;
    path: string;
    userAgent: string[];
    region: string;
    statusCode: number;
    clientIp: string;
    scheme: 'https';
    vercelCache: 'MISS';
    lambdaRegion: string;
  };
}

/** `x-vercel-signature` for a raw body. */
export function signDrainBody(body: string | Buffer, secret: string) {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/** A drain entry for one request a deployment served. */
export function drainEntry(
  r: ServedRequest,
  d: Deployment,
  p: Project,
): DrainLogEntry {
  return {
    id: r.id,
    deploymentId: d.id,
    projectId: p.id,
    projectName: p.name,
    source: 'lambda',
    type: 'stdout',
    level: r.statusCode >= 500 ? 'error' : 'info',
    host: d.url,
    path: r.path,
    message: `${r.method} ${r.path} ${r.statusCode}`,
    timestamp: r.at,
    statusCode: r.statusCode,
    requestId: r.id,
    environment: d.target === 'production' ? 'production' : 'preview',
    executionRegion: 'iad1',
    proxy: {
      timestamp: r.at,
      method: r.method,
      host: r.host,
      path: r.path,
      userAgent: [r.userAgent],
      region: 'iad1',
      statusCode: r.statusCode,
      clientIp: '127.0.0.1',
      scheme: 'https',
      vercelCache: 'MISS',
      lambdaRegion: 'iad1',
    },
  };
}

/** What `drainTo` sends and what the receiver answered. */
export interface DrainDelivery {
  /** The receiver's status for each POST (two with `replay`). */
  statuses: number[];
  /** The raw body sent. */
  body: string;
  /** The `x-vercel-signature` header sent. */
  signature: string;
  entries: DrainLogEntry[];
}

/** POSTs one batch as Vercel does, optionally with a wrong signature or twice. */
export async function deliverDrainBatch(
  url: string,
  secret: string,
  entries: DrainLogEntry[],
  options: { badSignature?: boolean; replay?: boolean },
): Promise<DrainDelivery> {
  const body = JSON.stringify(entries);
  const signature = signDrainBody(
    body,
    options.badSignature ? `not-${secret}` : secret,
  );
  const statuses: number[] = [];
  for (let i = 0; i < (options.replay ? 2 : 1); i++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Vercel Log Drains',
        'x-vercel-signature': signature,
      },
      body,
    });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return { statuses, body, signature, entries };
}
