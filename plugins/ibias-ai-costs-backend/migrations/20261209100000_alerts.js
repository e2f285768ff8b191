// @ts-check

/** One column per bucket of LATENCY_BUCKET_BOUNDS_MS, and the one past its last. */
const LATENCY_COLUMNS = [
  'latency_le_100',
  'latency_le_250',
  'latency_le_500',
  'latency_le_1000',
  'latency_le_2500',
  'latency_le_5000',
  'latency_le_10000',
  'latency_le_20000',
  'latency_le_30000',
  'latency_le_60000',
  'latency_over_60000',
];

/**
 * AI cost alerts.
 *
 * 1. The hourly and daily rollups count calls by latency, one column per bucket of a
 *    fixed ladder (LATENCY_BUCKET_BOUNDS_MS in -common: ≤ 100 ms … ≤ 60 s, and slower),
 *    filled on ingest in the same transaction, so a p95 is read from the rollups. Rows
 *    rolled up before this migration count 0 in every bucket: no latency known, which
 *    the rules read as "no latency recorded", never as fast.
 * 2. The alerts: one row per firing of a rule for a scope (a service or a team). While
 *    open, `open_key` (rule and scope) is set and unique, so one alert at most is open
 *    per rule and scope whichever replica evaluates; resolving clears it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ibias_ai_usage_rollup', table => {
    for (const column of LATENCY_COLUMNS) {
      table.bigInteger(column).notNullable().defaultTo(0);
    }
  });

  await knex.schema.createTable('ibias_ai_alerts', table => {
    table.string('id', 36).primary();
    table.string('rule_id', 64).notNullable();
    // 'entity' (a service: latency, errors, cost, spikes, deploys) or 'team' (its cost).
    table.string('scope_kind', 8).notNullable();
    table.string('scope_ref', 255).notNullable();
    // Whose spend it is: reading the alert needs ibias.aiCosts.read for this team.
    table.string('team', 255).notNullable();
    table.string('entity_ref', 255).nullable();
    // `${rule_id}|${scope_ref}` while open, null once resolved.
    table.string('open_key', 330).nullable();
    table.string('state', 16).notNullable();
    table.bigInteger('snoozed_until').nullable();
    table.string('snoozed_by', 255).nullable();
    table.string('acknowledged_by', 255).nullable();
    table.bigInteger('acknowledged_at').nullable();
    table.bigInteger('first_seen').notNullable();
    table.bigInteger('last_seen').notNullable();
    table.bigInteger('fired_at').notNullable();
    table.bigInteger('resolved_at').nullable();
    table.double('value').notNullable();
    table.double('threshold').notNullable();
    // JSON: what the value was judged on (calls, usual cost, the deploy and its versions).
    table.text('detail').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.unique(['open_key'], { indexName: 'ibias_ai_alerts_open_key_uq' });
    // The cooldown: when a rule last fired for a scope.
    table.index(
      ['rule_id', 'scope_ref', 'fired_at'],
      'ibias_ai_alerts_rule_scope_idx',
    );
    table.index(['team', 'state'], 'ibias_ai_alerts_team_idx');
    table.index(['entity_ref', 'fired_at'], 'ibias_ai_alerts_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ibias_ai_alerts');
  await knex.schema.alterTable('ibias_ai_usage_rollup', table => {
    for (const column of LATENCY_COLUMNS) table.dropColumn(column);
  });
};
