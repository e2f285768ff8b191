// @ts-check

/**
 * Raw events are paged in (occurred_at, id) order (re-pricing, retention): an index on
 * both lets each page start where the last ended, however many events share a timestamp
 * (the index on occurred_at alone sorted every event of that instant again for each page).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ibias_ai_usage_events', table => {
    table.index(['occurred_at', 'id'], 'ibias_ai_usage_events_at_id_idx');
  });
  await knex.schema.alterTable('ibias_ai_usage_events', table => {
    table.dropIndex(['occurred_at'], 'ibias_ai_usage_events_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ibias_ai_usage_events', table => {
    table.index(['occurred_at'], 'ibias_ai_usage_events_at_idx');
  });
  await knex.schema.alterTable('ibias_ai_usage_events', table => {
    table.dropIndex(['occurred_at', 'id'], 'ibias_ai_usage_events_at_id_idx');
  });
};
