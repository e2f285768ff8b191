// @ts-check

/**
 * AI usage events as services report them (usage only, never content), priced at
 * ingestion, and their hourly and daily rollups, kept in the same transaction: every
 * dashboard reads the rollups, never the events.
 *
 * Instants are integer milliseconds since the epoch (UTC) and money integer micro-dollars,
 * both bigint, so SQLite and PostgreSQL compare and sum them the same way.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ibias_ai_usage_events', table => {
    // The caller's id for the call: a replayed event inserts nothing.
    table.string('id', 128).primary();
    table.bigInteger('occurred_at').notNullable();
    table.bigInteger('received_at').notNullable();
    // The catalog's lowercase ref, and its owner's at ingestion ('unattributed' when the
    // entity is not in the catalog).
    table.string('entity_ref', 255).notNullable();
    table.string('team', 255).notNullable();
    table.string('provider', 64).notNullable();
    table.string('model', 128).notNullable();
    table.string('operation', 16).notNullable();
    table.bigInteger('input_tokens').notNullable();
    table.bigInteger('output_tokens').notNullable();
    table.bigInteger('cached_input_tokens').notNullable();
    table.double('seconds').notNullable();
    table.string('hardware', 32).nullable();
    table.double('latency_ms').notNullable();
    table.boolean('error').notNullable();
    table.boolean('cache_hit').notNullable();
    // Null when no price covered the call: unpriced, never $0.
    table.bigInteger('cost_micros').nullable();
    table.string('price_id', 128).nullable();
    // Who reported it (a user's or a service's principal).
    table.string('reported_by', 255).notNullable();
    table.index(['occurred_at'], 'ibias_ai_usage_events_at_idx');
    table.index(
      ['entity_ref', 'occurred_at'],
      'ibias_ai_usage_events_entity_idx',
    );
  });

  // One row per period ('hour' or 'day'), bucket start, team, entity, provider and model.
  await knex.schema.createTable('ibias_ai_usage_rollup', table => {
    table.string('period', 4).notNullable();
    table.bigInteger('bucket').notNullable();
    table.string('team', 255).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('provider', 64).notNullable();
    table.string('model', 128).notNullable();
    table.bigInteger('calls').notNullable();
    table.bigInteger('errors').notNullable();
    table.bigInteger('unpriced_calls').notNullable();
    table.bigInteger('cost_micros').notNullable();
    table.bigInteger('input_tokens').notNullable();
    table.bigInteger('output_tokens').notNullable();
    table.bigInteger('cached_input_tokens').notNullable();
    table.double('seconds').notNullable();
    table.double('latency_ms_sum').notNullable();
    table.primary(
      ['period', 'bucket', 'team', 'entity_ref', 'provider', 'model'],
      'ibias_ai_usage_rollup_pk',
    );
    // A team's (or everyone's) range: the dashboards' reads.
    table.index(['period', 'team', 'bucket'], 'ibias_ai_usage_rollup_team_idx');
    table.index(
      ['period', 'entity_ref', 'bucket'],
      'ibias_ai_usage_rollup_entity_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ibias_ai_usage_rollup');
  await knex.schema.dropTable('ibias_ai_usage_events');
};
