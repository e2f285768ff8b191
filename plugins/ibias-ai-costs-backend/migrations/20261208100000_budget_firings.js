// @ts-check

/**
 * Which budget thresholds fired in which period: one row per budget, period start and
 * threshold (or the forecast), so each fires exactly once a period, whichever replica
 * evaluates it, and all are armed again at the next period.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ibias_ai_budget_firings', table => {
    // thresholdKey(budget id, period start, threshold): the once-a-period guarantee.
    table.string('key', 255).primary();
    table.string('budget_id', 64).notNullable();
    table.bigInteger('period_start').notNullable();
    // A percentage, or 'forecast' when the month-end forecast passed the budget.
    table.string('threshold', 16).notNullable();
    table.bigInteger('spent_micros').notNullable();
    table.bigInteger('fired_at').notNullable();
    table.index(
      ['budget_id', 'period_start'],
      'ibias_ai_budget_firings_budget_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ibias_ai_budget_firings');
};
