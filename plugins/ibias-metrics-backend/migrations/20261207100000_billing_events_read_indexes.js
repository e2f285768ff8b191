// @ts-check

/**
 * Two indexes for what the dashboard reads from the billing events on every request
 * (bench/kpi-query.ts: 1M events).
 *
 * ibias_billing_events_latest_idx holds each subscription's events newest first, in the
 * order a partial period's MRR reads them (KnexRecordStore.mrrWindow, mrrAt): newest
 * instant first and, within one instant, the greatest id by code unit first. With the
 * customer and the amount in it, the database walks it once, in order, without sorting or
 * visiting the table. It replaces the (subscription_id, occurred_at) index, which only
 * those queries used.
 *
 * ibias_billing_events_occurred_idx answers the newest event's time (the KPIs' "as of")
 * without reading the table.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const client = String(knex.client.config.client);
  if (/^(pg|postgres)/.test(client)) {
    // The query's own collation (`id collate "C"`), or the index could not give its order.
    await knex.raw(
      `create index ibias_billing_events_latest_idx on ibias_billing_events
         (subscription_id, occurred_at desc, id collate "C" desc)
         include (customer_id, mrr_micros)`,
    );
  } else if (/sqlite/.test(client)) {
    // No INCLUDE in SQLite: trailing key columns cover the query the same way.
    await knex.raw(
      `create index ibias_billing_events_latest_idx on ibias_billing_events
         (subscription_id, occurred_at desc, id desc, customer_id, mrr_micros)`,
    );
  } else {
    // Other databases are not tested here: the same columns, ascending.
    await knex.schema.alterTable('ibias_billing_events', table => {
      table.index(
        ['subscription_id', 'occurred_at', 'id'],
        'ibias_billing_events_latest_idx',
      );
    });
  }
  await knex.schema.alterTable('ibias_billing_events', table => {
    table.dropIndex([], 'ibias_billing_events_subscription_idx');
    table.index(['occurred_at'], 'ibias_billing_events_occurred_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ibias_billing_events', table => {
    table.dropIndex([], 'ibias_billing_events_occurred_idx');
    table.index(
      ['subscription_id', 'occurred_at'],
      'ibias_billing_events_subscription_idx',
    );
    table.dropIndex([], 'ibias_billing_events_latest_idx');
  });
};
