import express from 'express';
import { createValidatedOpenApiRouterFromGeneratedEndpointMap } from '@backstage/backend-openapi-utils';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { spec, type EndpointMap } from '../schema/openapi.generated';
import { explainRequestError } from '../schema/validateInput';
import type { PluginHealthCheck } from '../health/PluginHealthCheck';
import { DeploymentService, publicDeployment } from './DeploymentService';

/**
 * The HTTP API of src/schema/openapi.yaml. Requests are validated against the document
 * before a handler runs (an invalid one is a 400 naming the field); handlers are typed
 * by the types generated from it. The service validates, authorizes and audits again,
 * so the MCP actions get the same.
 */
export function createRouter(options: {
  service: DeploymentService;
  httpAuth: HttpAuthService;
  health: Pick<PluginHealthCheck, 'check'>;
}): express.Router {
  const { service, httpAuth, health } = options;
  const router =
    createValidatedOpenApiRouterFromGeneratedEndpointMap<EndpointMap>(spec, {
      middleware: [express.json({ limit: '64kb' })],
    });

  const caller = async (
    request: Parameters<HttpAuthService['credentials']>[0],
  ) => ({
    credentials: await httpAuth.credentials(request, {
      allow: ['user', 'service'],
    }),
    request,
  });

  router.post('/deployments', async (req, res) => {
    const result = await service.create(
      req.body,
      await caller(req),
      req.header('idempotency-key'),
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
    await caller(req);
    const q = req.query;
    const page = await service.list({
      entityRef: q.entityRef,
      environment: q.environment,
      status: q.status,
      initiatedBy: q.actor,
      createdAfter: q.from,
      createdBefore: q.to,
      // The validator fills in the document's defaults; the generated types cannot say so.
      limit: q.limit ?? spec.components.schemas.PageLimit.default,
      cursor: q.cursor,
    });
    res.json({
      items: page.items.map(publicDeployment),
      nextCursor: page.nextCursor ?? null,
    });
  });

  router.get('/deployments/:id', async (req, res) => {
    await caller(req);
    res.json(publicDeployment(await service.get(req.params.id)));
  });

  router.post('/deployments/:id/approve', async (req, res) => {
    const d = await service.approve(req.params.id, req.body, await caller(req));
    res.json(publicDeployment(d));
  });

  router.post('/deployments/:id/abort', async (req, res) => {
    const d = await service.abort(req.params.id, await caller(req));
    res.json(publicDeployment(d));
  });

  router.post('/deployments/:id/rollback', async (req, res) => {
    const d = await service.rollback(
      req.params.id,
      req.body,
      await caller(req),
    );
    res.status(202).json(publicDeployment(d));
  });

  router.get('/versions', async (req, res) => {
    const { credentials } = await caller(req);
    res.json(
      await service.versions(
        req.query.entityRef,
        req.query.environment ??
          spec.components.schemas.TargetEnvironment.default,
        credentials,
      ),
    );
  });

  router.get('/environments', async (req, res) => {
    const { credentials } = await caller(req);
    const { entityRef } = req.query;
    const items = await service.environments(entityRef);
    if (!entityRef) {
      res.json({ items });
      return;
    }
    res.json({
      items,
      configs: await service.configs(entityRef, credentials),
    });
  });

  router.get('/traffic', async (req, res) => {
    const { credentials } = await caller(req);
    const q = req.query;
    res.json(
      await service.trafficHistory(
        {
          entityRef: q.entityRef,
          environment: q.environment,
          from: new Date(q.from),
          to: new Date(q.to),
          stepSeconds: q.stepSeconds,
        },
        credentials,
      ),
    );
  });

  // No token (the plugin allows /health unauthenticated): states and fixed phrases only.
  router.get('/health', async (_req, res) => {
    const answer = await health.check();
    res.status(answer.status === 'down' ? 503 : 200).json(answer);
  });

  // The validator's 400s, reworded like the service's own (see validateInput.ts).
  router.use(
    (
      error: unknown,
      req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => next(explainRequestError(error, req)),
  );

  return router;
}
