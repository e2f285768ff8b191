import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  DEPLOYMENT_STATUSES,
  ENVIRONMENTS,
  STRATEGIES,
} from '@internal/plugin-ibias-deployments-common';
import {
  BREAK_GLASS_REASON,
  DeploymentService,
  publicDeployment,
} from './DeploymentService';

const entityRef = z
  .string()
  .regex(
    /^[a-z0-9-]+:[a-z0-9-]+\/[a-z0-9][a-z0-9._-]*$/i,
    'must be an entity ref like component:default/ibias-api',
  );
const version = z
  .string()
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a semantic version');

const deployBody = z.strictObject({
  entityRef,
  environment: z.enum(ENVIRONMENTS),
  version,
  strategy: z.enum(STRATEGIES),
  dryRun: z.boolean().optional(),
});
const listQuery = z.strictObject({
  entityRef: entityRef.optional(),
  environment: z.enum(ENVIRONMENTS).optional(),
  status: z
    .string()
    .transform(s => s.split(','))
    .pipe(z.array(z.enum(DEPLOYMENT_STATUSES)))
    .optional(),
  actor: z.string().optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  cursor: z.string().max(500).optional(),
});
const approveBody = z.strictObject({ version });
const rollbackBody = z.strictObject({
  version: version.optional(),
  breakGlass: z
    .strictObject({
      reason: z
        .string()
        .trim()
        .min(BREAK_GLASS_REASON.min)
        .max(BREAK_GLASS_REASON.max),
    })
    .optional(),
});
const idempotencyKey = z.string().min(1).max(200).optional();
const uuid = z.uuid();

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string) {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${result.error.issues
        .map(i => `${i.path.join('.') || '(root)'} ${i.message}`)
        .join('; ')}`,
    );
  }
  return result.data as z.infer<T>;
}

export function createRouter(options: {
  service: DeploymentService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
}): express.Router {
  const { service, httpAuth, auditor } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  const user = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const p = credentials.principal as {
      userEntityRef?: string;
      subject?: string;
    };
    return { credentials, actor: p.userEntityRef ?? p.subject ?? 'unknown' };
  };

  const audited = async <T>(
    req: express.Request,
    eventId: string,
    meta: JsonObject,
    fn: () => Promise<T>,
  ) => {
    const event = await auditor.createEvent({
      eventId,
      request: req,
      severityLevel: 'medium',
      meta,
    });
    try {
      const result = await fn();
      await event.success({ meta });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error, meta });
      throw error;
    }
  };

  router.post('/deployments', async (req, res) => {
    const body = parse(deployBody, req.body ?? {}, 'deploy request');
    const key = parse(
      idempotencyKey,
      req.header('idempotency-key'),
      'Idempotency-Key',
    );
    const { credentials, actor } = await user(req);
    const result = await audited(
      req,
      body.dryRun ? 'deploy-plan' : 'deploy',
      { ...body, actor },
      () => service.create(body, actor, credentials, key),
    );
    if (result.dryRun) {
      res.status(200).json(result.plan);
      return;
    }
    res
      .status(result.replayed ? 200 : 202)
      .json(publicDeployment(result.deployment));
  });

  router.get('/deployments', async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    await user(req);
    const page = await service.list({
      entityRef: q.entityRef,
      environment: q.environment,
      status: q.status,
      initiatedBy: q.actor,
      createdAfter: q.from,
      createdBefore: q.to,
      limit: q.limit,
      cursor: q.cursor,
    });
    res.json({
      items: page.items.map(publicDeployment),
      nextCursor: page.nextCursor ?? null,
    });
  });

  router.get('/deployments/:id', async (req, res) => {
    const id = parse(uuid, req.params.id, 'deployment id');
    await user(req);
    res.json(publicDeployment(await service.get(id)));
  });

  router.post('/deployments/:id/approve', async (req, res) => {
    const id = parse(uuid, req.params.id, 'deployment id');
    const body = parse(approveBody, req.body ?? {}, 'approval');
    const { credentials, actor } = await user(req);
    const d = await audited(req, 'deploy-approve', { id, ...body, actor }, () =>
      service.approve(id, body.version, actor, credentials),
    );
    res.json(publicDeployment(d));
  });

  router.post('/deployments/:id/abort', async (req, res) => {
    const id = parse(uuid, req.params.id, 'deployment id');
    const { credentials, actor } = await user(req);
    const d = await audited(req, 'deploy-abort', { id, actor }, () =>
      service.abort(id, actor, credentials),
    );
    res.json(publicDeployment(d));
  });

  router.post('/deployments/:id/rollback', async (req, res) => {
    const id = parse(uuid, req.params.id, 'deployment id');
    const body = parse(rollbackBody, req.body ?? {}, 'rollback request');
    const { credentials, actor } = await user(req);
    // A break-glass rollback is also audited as critical by the service (HTTP and MCP).
    const d = await audited(
      req,
      'deploy-rollback',
      { id, ...body, actor },
      () => service.rollback(id, body, actor, credentials),
    );
    res.status(202).json(publicDeployment(d));
  });

  router.get('/versions', async (req, res) => {
    const q = parse(
      z.strictObject({
        entityRef,
        environment: z.enum(ENVIRONMENTS).default('development'),
      }),
      req.query,
      'query',
    );
    const { credentials } = await user(req);
    res.json(await service.versions(q.entityRef, q.environment, credentials));
  });

  router.get('/environments', async (req, res) => {
    const q = parse(
      z.strictObject({ entityRef: entityRef.optional() }),
      req.query,
      'query',
    );
    const { credentials } = await user(req);
    const items = await service.environments(q.entityRef);
    if (!q.entityRef) {
      res.json({ items });
      return;
    }
    res.json({
      items,
      configs: await service.configs(q.entityRef, credentials),
    });
  });

  return router;
}
