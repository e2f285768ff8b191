import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { VercelDrainConfig } from '../config';
import type { DrainEntry, VercelDrainRecords } from './VercelDrainRecords';

/** The drain route, under the deployments plugin: /api/ibias-deployments/vercel/log-drain */
export const VERCEL_DRAIN_PATH = '/vercel/log-drain';

/** Whether `signature` is the hex HMAC-SHA1 of `body` under `secret`, in constant time. */
export function verifyDrainSignature(
  body: Buffer,
  signature: string | undefined,
  secret: string,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(
    createHmac('sha1', secret).update(body).digest('hex'),
  );
  const given = Buffer.from(signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A batch is a JSON array (the `json` format) or one entry per line (`ndjson`). */
export function parseBatch(body: Buffer): DrainEntry[] {
  const text = body.toString('utf8').trim();
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed;
    if (typeof parsed === 'object' && parsed !== null) return [parsed];
  } catch {
    try {
      return text
        .split('\n')
        .filter(line => line.trim())
        .map(line => JSON.parse(line));
    } catch {
      // Falls through to the InputError below.
    }
  }
  throw new InputError('A log-drain batch is a JSON array or NDJSON');
}

/**
 * Receives Vercel log-drain batches: the signature is checked over the raw bytes before
 * anything is parsed, and a batch with a bad one is refused with nothing stored. Every
 * answer carries `x-vercel-verify`, which is how Vercel checks the URL's owner.
 */
export function createVercelDrainRouter(options: {
  drain: VercelDrainConfig;
  records: VercelDrainRecords;
  logger: LoggerService;
}): express.Router {
  const { drain, records, logger } = options;
  const router = Router();

  router.use(VERCEL_DRAIN_PATH, (_req, res, next) => {
    if (drain.verificationCode) {
      res.setHeader('x-vercel-verify', drain.verificationCode);
    }
    next();
  });

  router.get(VERCEL_DRAIN_PATH, (_req, res) => {
    res.status(200).json({ ok: true });
  });

  router.post(
    VERCEL_DRAIN_PATH,
    // A signature that cannot be an HMAC-SHA1 is refused before the body is read.
    (req, _res, next) => {
      if (!drain.secret) {
        throw new ServiceUnavailableError(
          'ibias.deployments.vercel.drainSecret is not configured',
        );
      }
      if (!/^[0-9a-f]{40}$/i.test(req.header('x-vercel-signature') ?? '')) {
        throw new NotAllowedError("signature didn't match");
      }
      next();
    },
    // The raw bytes, whatever the content type: the HMAC is over them.
    express.raw({ type: () => true, limit: '5mb' }),
    (req, res) => {
      if (!drain.secret) {
        throw new ServiceUnavailableError(
          'ibias.deployments.vercel.drainSecret is not configured',
        );
      }
      const body: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      if (
        !verifyDrainSignature(
          body,
          req.header('x-vercel-signature'),
          drain.secret,
        )
      ) {
        throw new NotAllowedError("signature didn't match");
      }
      const outcome = records.record(parseBatch(body), drain.projectIds);
      if (outcome.ignored > 0 || outcome.duplicates > 0) {
        logger.debug(
          `Vercel log drain: ${outcome.stored} stored, ${outcome.duplicates} already counted, ${outcome.ignored} ignored`,
        );
      }
      res.status(200).json(outcome);
    },
  );

  return router;
}
