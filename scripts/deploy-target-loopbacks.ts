// The loopback Vercel and Supabase the `e2e-deploy-targets` stage of scripts/test-all.sh
// deploys to (neither can be reached from these machines). It is the two loopback
// packages the module tests use, on fixed ports, seeded as IBIAS is:
//
// - Vercel: the projects `ibias-web` (production domain ibias.example.com) and
//   `ibias-web-staging` (staging.ibias.example.com), each with the tags 1.0.0, 1.1.0 and
//   1.2.0 built as staged production deployments, as Vercel's GitHub integration builds
//   pushed tags; 1.2.0's app answers 500 to 30 % of its requests. Real callers: 40
//   requests a second on each project's production domain, which Vercel splits by the
//   active rolling-release stage; every second each deployment's new requests go to
//   the portal's log drain as signed batches, as Vercel delivers them.
// - Supabase: the projects `ibiasstaging000000000` and `ibiasprod0000000000000`, whose
//   functions are invoked under `<url>/_invoke/<ref>`.
//
//   node --require @backstage/cli/config/nodeTransform.cjs scripts/deploy-target-loopbacks.ts
//   env: VERCEL_LOOPBACK_PORT (7191), SUPABASE_LOOPBACK_PORT (7192), IBIAS_DRAIN_URL (the
//   portal's drain; unset: nothing is drained), VERCEL_LOOPBACK_TOKEN, VERCEL_DRAIN_SECRET,
//   SUPABASE_LOOPBACK_TOKEN, IBIAS_CALLERS_RPS (40 per project)
import { startLoopbackSupabase } from '@internal/ibias-supabase-loopback';
import { startLoopbackVercel } from '@internal/ibias-vercel-loopback';

const env = process.env;
const vercelToken = env.VERCEL_LOOPBACK_TOKEN ?? 'e2e-vercel-token';
const drainSecret = env.VERCEL_DRAIN_SECRET ?? 'e2e-drain-secret';
const drainUrl = env.IBIAS_DRAIN_URL;
const rps = Number(env.IBIAS_CALLERS_RPS ?? 40);
const REPO = { org: 'ibias', repo: 'ibias-web', repoId: 4242 };
const PROJECTS = [
  { id: 'prj_ibiasweb', name: 'ibias-web', domain: 'ibias.example.com' },
  {
    id: 'prj_ibiaswebstaging',
    name: 'ibias-web-staging',
    domain: 'staging.ibias.example.com',
  },
];
const TAGS = ['1.0.0', '1.1.0', '1.2.0'];

async function main() {
  const vercel = await startLoopbackVercel({
    token: vercelToken,
    port: Number(env.VERCEL_LOOPBACK_PORT ?? 7191),
    buildDelayMs: 200,
    projects: PROJECTS.map(p => ({
      id: p.id,
      name: p.name,
      repo: REPO,
      domains: [p.domain],
    })),
    faultyRefs: { '1.2.0': 0.3 },
  });
  const supabase = await startLoopbackSupabase({
    token: env.SUPABASE_LOOPBACK_TOKEN ?? 'e2e-supabase-token',
    port: Number(env.SUPABASE_LOOPBACK_PORT ?? 7192),
    projects: ['ibiasstaging000000000', 'ibiasprod0000000000000'],
  });

  const api = async (path: string, method: string, body: object) => {
    const res = await fetch(`${vercel.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${vercelToken}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
    return res.json();
  };
  // What Vercel's GitHub integration does with pushed tags, once domains are assigned
  // by promotion only: a staged production deployment per tag.
  for (const p of PROJECTS) {
    await api(`/v9/projects/${p.id}`, 'PATCH', {
      autoAssignCustomDomains: false,
    });
    for (const ref of TAGS) {
      const built = await api('/v13/deployments', 'POST', {
        name: p.name,
        project: p.id,
        target: 'production',
        gitSource: { type: 'github', repoId: REPO.repoId, ref },
        meta: { ibiasVersion: ref },
      });
      await vercel.waitForBuild(built.id, 10_000);
    }
  }

  // Real callers on the production domains, in rounds of a tenth of a second.
  const perRound = Math.max(1, Math.round(rps / 10));
  setInterval(() => {
    for (const p of PROJECTS) {
      for (let i = 0; i < perRound; i++) {
        fetch(`${vercel.urlFor(p.domain)}/api/ping`, {
          headers: { 'user-agent': 'ibias-e2e-caller' },
        })
          .then(r => r.arrayBuffer())
          .catch(() => undefined);
      }
    }
  }, 100).unref();

  // Vercel's delivery: each deployment's requests since the last batch, every second.
  if (drainUrl) {
    let draining = false;
    setInterval(async () => {
      if (draining) return;
      draining = true;
      try {
        for (const d of vercel.deployments()) {
          if (d.served.length === d.drained) continue;
          await vercel
            .drainTo(drainUrl, drainSecret, { deploymentId: d.id })
            .catch(() => undefined); // the portal not up yet: Vercel drops it too
        }
      } finally {
        draining = false;
      }
    }, 1000).unref();
  }

  console.log(
    `loopback Vercel on ${vercel.url}, loopback Supabase on ${supabase.url}${
      drainUrl ? `, draining to ${drainUrl}` : ''
    }`,
  );
  // Keep running until stopped.
  await new Promise(() => undefined);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
