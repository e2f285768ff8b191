import {
  addPeriods,
  periodStart,
  type BillingEvent,
} from '@internal/plugin-ibias-metrics-common';
import type {
  ImportBatch,
  ProbeCount,
  SpendRecord,
  SurveyResponse,
} from '../database/RecordStore';

/**
 * A sample IBIAS business for the embedded default: 24 months of companies on plans, with
 * upgrades, downgrades, add-on subscriptions, cancellations and reactivations, marketing
 * spend, NPS survey responses and daily uptime probes. Deterministic: the same seed and
 * the same `until` give the same records, so the KPIs on a fresh start are reproducible.
 * It goes through the same import path as real records.
 */
export interface SampleOptions {
  /** Records up to this instant; the 24 months end with its month. */
  until: Date;
  seed?: number;
  months?: number;
  /** Scales the number of companies (benchmarks use large scales). */
  scale?: number;
}

const DOLLAR = 1_000_000;
const DAY = 86_400_000;

export const SAMPLE_PLANS = {
  starter: 49 * DOLLAR,
  growth: 199 * DOLLAR,
  scale: 799 * DOLLAR,
} as const;
type Plan = keyof typeof SAMPLE_PLANS;
const PLAN_ORDER: Plan[] = ['starter', 'growth', 'scale'];
const ADDON = 99 * DOLLAR;
/** The outage of ibias-api on the sample's last day. */
export const SAMPLE_OUTAGE_MINUTES = 16 * 60;

/** A small, fast, seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Company {
  id: string;
  plan: Plan;
  active: boolean;
  addon: boolean;
  subscription: number;
}

/** 55 % start on starter, 35 % on growth, 10 % on scale. */
function planFor(p: number): Plan {
  if (p < 0.55) return 'starter';
  return p < 0.9 ? 'growth' : 'scale';
}

/** A survey score from a mood: promoters above 0.62, passives above 0.3. */
function scoreFor(mood: number, r: number): number {
  if (mood > 0.62) return 9 + Math.round(r);
  if (mood > 0.3) return 7 + Math.round(r);
  return Math.floor(r * 7);
}

export function generateSampleBusiness(options: SampleOptions): ImportBatch {
  const random = seededRandom(options.seed ?? 20261207);
  const months = options.months ?? 24;
  const scale = options.scale ?? 1;
  const until = options.until.getTime();
  const first = addPeriods(
    'month',
    periodStart('month', options.until),
    -(months - 1),
  );
  const billing: BillingEvent[] = [];
  const spend: SpendRecord[] = [];
  const surveys: SurveyResponse[] = [];
  const probes: ProbeCount[] = [];
  const companies: Company[] = [];
  let eventSeq = 0;

  const at = (monthStart: Date, day: number) =>
    new Date(monthStart.getTime() + day * DAY + Math.floor(random() * DAY));
  const emit = (
    c: Company,
    type: BillingEvent['type'],
    when: Date,
    mrrMicros: number,
    subscriptionId: string,
    plan?: string,
  ) => {
    if (when.getTime() > until) return;
    billing.push({
      id: `sample_evt_${String(++eventSeq).padStart(7, '0')}`,
      customerId: c.id,
      subscriptionId,
      type,
      occurredAt: when.toISOString(),
      mrrMicros,
      plan,
    });
  };
  const mainSub = (c: Company) => `${c.id}_sub_${c.subscription}`;

  for (let m = 0; m < months; m++) {
    const monthStart = addPeriods('month', first, m);
    const nextStart = addPeriods('month', monthStart, 1);
    const days = Math.round((nextStart.getTime() - monthStart.getTime()) / DAY);
    const dayOf = () => Math.floor(random() * (days - 1));

    // Existing companies first: churn, reactivation, plan changes, add-ons.
    for (const c of companies) {
      const r = random();
      if (c.active) {
        if (r < 0.028) {
          const when = at(monthStart, dayOf());
          emit(c, 'subscription_cancelled', when, 0, mainSub(c));
          if (c.addon)
            emit(c, 'subscription_cancelled', when, 0, `${c.id}_addon`);
          c.active = false;
          c.addon = false;
        } else if (r < 0.07 && c.plan !== 'scale') {
          c.plan = PLAN_ORDER[PLAN_ORDER.indexOf(c.plan) + 1];
          emit(
            c,
            'subscription_changed',
            at(monthStart, dayOf()),
            SAMPLE_PLANS[c.plan],
            mainSub(c),
            c.plan,
          );
        } else if (r < 0.085 && c.plan !== 'starter') {
          c.plan = PLAN_ORDER[PLAN_ORDER.indexOf(c.plan) - 1];
          emit(
            c,
            'subscription_changed',
            at(monthStart, dayOf()),
            SAMPLE_PLANS[c.plan],
            mainSub(c),
            c.plan,
          );
        } else if (r < 0.11 && !c.addon) {
          c.addon = true;
          emit(
            c,
            'subscription_started',
            at(monthStart, dayOf()),
            ADDON,
            `${c.id}_addon`,
            'ai-insights',
          );
        } else if (r < 0.12 && c.addon) {
          // Dropping the add-on while keeping the plan is contraction, not churn.
          c.addon = false;
          emit(
            c,
            'subscription_cancelled',
            at(monthStart, dayOf()),
            0,
            `${c.id}_addon`,
          );
        }
      } else if (r < 0.06) {
        c.active = true;
        c.subscription++;
        emit(
          c,
          'subscription_started',
          at(monthStart, dayOf()),
          SAMPLE_PLANS[c.plan],
          mainSub(c),
          c.plan,
        );
      }
    }

    // New companies: growing acquisition.
    const arrivals = Math.round((14 + m * 1.2 + random() * 6) * scale);
    for (let i = 0; i < arrivals; i++) {
      const p = random();
      const c: Company = {
        id: `cus_sample_${String(companies.length + 1).padStart(6, '0')}`,
        plan: planFor(p),
        active: true,
        addon: false,
        subscription: 1,
      };
      companies.push(c);
      emit(
        c,
        'subscription_started',
        at(monthStart, dayOf()),
        SAMPLE_PLANS[c.plan],
        mainSub(c),
        c.plan,
      );
    }

    // Spend: three channels, every day, about $850 per new company this month.
    const perDay = (arrivals * 850 * DOLLAR) / days;
    for (let d = 0; d < days; d++) {
      const day = new Date(monthStart.getTime() + d * DAY);
      if (day.getTime() > until) break;
      const iso = day.toISOString().slice(0, 10);
      for (const [channel, share] of [
        ['search', 0.5],
        ['social', 0.3],
        ['events', 0.2],
      ] as const) {
        spend.push({
          id: `sample_spend_${iso}_${channel}`,
          day: iso,
          channel,
          amountMicros: Math.round(perDay * share * (0.8 + random() * 0.4)),
        });
      }
      // Uptime probes, one a minute per service; a rare bad day. On the last day
      // ibias-api had an outage, so a fresh start shows the uptime alert and its
      // recommendation (the month's uptime stays under 99 % whatever its day).
      const lastDay = until - day.getTime() < DAY;
      for (const service of ['ibias-api', 'ibias-web']) {
        const noise =
          random() < 0.04
            ? Math.floor(random() * 40)
            : Math.floor(random() * 2);
        const bad =
          lastDay && service === 'ibias-api' ? SAMPLE_OUTAGE_MINUTES : noise;
        probes.push({ day: iso, service, good: 1440 - bad, total: 1440 });
      }
    }

    // Survey responses: slowly improving satisfaction.
    const responses = Math.round((25 + random() * 10) * Math.sqrt(scale));
    for (let i = 0; i < responses; i++) {
      const when = at(monthStart, dayOf());
      if (when.getTime() > until) continue;
      const mood = random() + m * 0.006;
      const score = scoreFor(mood, random());
      const who = companies[Math.floor(random() * companies.length)];
      surveys.push({
        id: `sample_nps_${m}_${i}`,
        customerId: who?.id,
        respondedAt: when.toISOString(),
        score,
      });
    }
  }
  return { billing, spend, surveys, probes };
}
