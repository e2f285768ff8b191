// @ts-check

/**
 * The business's records (billing events, marketing spend, survey responses, uptime
 * probes), the MRR rollups derived from them, KPI snapshots, and alerts with their history.
 *
 * Instants are integer milliseconds since the epoch (UTC) and money integer micro-dollars,
 * both bigint, so SQLite and PostgreSQL compare, sum and index them the same way.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Subscription lifecycle events; the id is the source's (Stripe's event id, an
  // import's row id), so a replay inserts nothing.
  await knex.schema.createTable('ibias_billing_events', table => {
    table.string('id', 255).primary();
    table.string('source', 16).notNullable();
    table.string('customer_id', 255).notNullable();
    table.string('subscription_id', 255).notNullable();
    table.string('type', 32).notNullable();
    table.bigInteger('occurred_at').notNullable();
    table.bigInteger('mrr_micros').notNullable();
    table.string('plan', 64).nullable();
    table.bigInteger('received_at').notNullable();
    table.index(
      ['customer_id', 'occurred_at'],
      'ibias_billing_events_customer_idx',
    );
    // The latest state of each subscription at an instant (a partial period's comparison).
    table.index(
      ['subscription_id', 'occurred_at'],
      'ibias_billing_events_subscription_idx',
    );
  });

  // Each customer's MRR at the start and at the measured end of each month and quarter,
  // with its movement: rebuilt for the customers an import touches.
  await knex.schema.createTable('ibias_customer_period_mrr', table => {
    table.string('period_kind', 8).notNullable();
    table.bigInteger('period_start').notNullable();
    table.string('customer_id', 255).notNullable();
    table.bigInteger('start_micros').notNullable();
    table.bigInteger('end_micros').notNullable();
    table.string('movement', 16).nullable();
    table.primary(
      ['period_kind', 'period_start', 'customer_id'],
      'ibias_customer_period_mrr_pk',
    );
    table.index(['customer_id'], 'ibias_customer_period_mrr_customer_idx');
  });

  // One row per period: the sums every MRR formula takes. The dashboard reads only this.
  await knex.schema.createTable('ibias_mrr_rollup', table => {
    table.string('period_kind', 8).notNullable();
    table.bigInteger('period_start').notNullable();
    table.bigInteger('start_mrr_micros').notNullable();
    table.bigInteger('end_mrr_micros').notNullable();
    table.bigInteger('new_micros').notNullable();
    table.bigInteger('expansion_micros').notNullable();
    table.bigInteger('contraction_micros').notNullable();
    table.bigInteger('churn_micros').notNullable();
    table.bigInteger('reactivation_micros').notNullable();
    table.integer('customers_at_start').notNullable();
    table.integer('customers_at_end').notNullable();
    table.integer('new_customers').notNullable();
    table.integer('churned_customers').notNullable();
    table.integer('reactivated_customers').notNullable();
    table.bigInteger('computed_at').notNullable();
    table.primary(['period_kind', 'period_start'], 'ibias_mrr_rollup_pk');
  });

  await knex.schema.createTable('ibias_marketing_spend', table => {
    table.string('id', 255).primary();
    table.string('source', 16).notNullable();
    // The UTC day the money was spent (its first millisecond).
    table.bigInteger('day').notNullable();
    table.string('channel', 64).notNullable();
    table.bigInteger('amount_micros').notNullable();
    table.index(['day'], 'ibias_marketing_spend_day_idx');
  });

  await knex.schema.createTable('ibias_survey_responses', table => {
    table.string('id', 255).primary();
    table.string('source', 16).notNullable();
    table.string('customer_id', 255).nullable();
    table.bigInteger('responded_at').notNullable();
    table.integer('score').notNullable();
    table.index(['responded_at'], 'ibias_survey_responses_at_idx');
  });

  // Probe counts per UTC day and service (uptime when no Prometheus is configured).
  await knex.schema.createTable('ibias_uptime_probes', table => {
    table.bigInteger('day').notNullable();
    table.string('service', 255).notNullable();
    table.integer('good').notNullable();
    table.integer('total').notNullable();
    table.string('source', 16).notNullable();
    table.primary(['day', 'service'], 'ibias_uptime_pk');
  });

  // Every Stripe event id seen, mapped or not: a replay is recognised and changes nothing.
  await knex.schema.createTable('ibias_webhook_events', table => {
    table.string('id', 255).primary();
    table.string('provider', 16).notNullable();
    table.string('type', 128).notNullable();
    table.bigInteger('received_at').notNullable();
  });

  // KPI values taken on a schedule, so trends outlive Prometheus retention.
  await knex.schema.createTable('ibias_kpi_snapshots', table => {
    table.string('kpi_id', 64).notNullable();
    table.string('period_kind', 8).notNullable();
    table.bigInteger('period_start').notNullable();
    table.double('value').nullable();
    table.text('reason').nullable();
    table.boolean('partial').notNullable();
    table.bigInteger('taken_at').notNullable();
    table.primary(
      ['kpi_id', 'period_kind', 'period_start'],
      'ibias_kpi_snapshots_pk',
    );
  });

  await knex.schema.createTable('ibias_alerts', table => {
    table.string('id', 36).primary();
    table.string('rule_id', 64).notNullable();
    // What the rule was evaluated for: an entity ref, or kpi:<id>.
    table.string('subject', 255).notNullable();
    // rule_id|subject while the alert is open, NULL once resolved: one open alert per
    // rule and subject, enforced by the database (NULLs are distinct on both).
    table.string('open_key', 400).nullable();
    table.string('status', 16).notNullable();
    table.string('severity', 16).notNullable();
    table.string('owner', 255).nullable();
    table.text('summary').notNullable();
    table.double('last_value').notNullable();
    table.bigInteger('pending_since').notNullable();
    table.bigInteger('fired_at').nullable();
    table.bigInteger('last_breach_at').notNullable();
    table.bigInteger('silenced_until').nullable();
    table.bigInteger('resolved_at').nullable();
    table.string('acknowledged_by', 255).nullable();
    table.text('evidence').notNullable();
    table.integer('revision').notNullable().defaultTo(0);
    table.bigInteger('updated_at').notNullable();
    table.unique(['open_key'], { indexName: 'ibias_alerts_open_idx' });
    table.index(['status'], 'ibias_alerts_status_idx');
    table.index(['subject', 'pending_since'], 'ibias_alerts_subject_idx');
    table.index(['rule_id', 'subject', 'resolved_at'], 'ibias_alerts_rule_idx');
  });

  await knex.schema.createTable('ibias_alert_history', table => {
    table.increments('id');
    table.string('alert_id', 36).notNullable();
    table.bigInteger('at').notNullable();
    table.string('from_status', 16).nullable();
    table.string('to_status', 16).notNullable();
    table.string('actor', 255).nullable();
    table.text('detail').nullable();
    table.index(['alert_id', 'at'], 'ibias_alert_history_alert_idx');
  });

  // Facts about the data: which records are the generated sample, when it was loaded.
  await knex.schema.createTable('ibias_metrics_facts', table => {
    table.string('key', 64).primary();
    table.text('value').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const t of [
    'ibias_metrics_facts',
    'ibias_alert_history',
    'ibias_alerts',
    'ibias_kpi_snapshots',
    'ibias_webhook_events',
    'ibias_uptime_probes',
    'ibias_survey_responses',
    'ibias_marketing_spend',
    'ibias_mrr_rollup',
    'ibias_customer_period_mrr',
    'ibias_billing_events',
  ]) {
    await knex.schema.dropTableIfExists(t);
  }
};
