// @ts-check

/**
 * A production rollback that skipped approval keeps why (the owner's break-glass reason).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ibias_deployments', table => {
    table.text('break_glass_reason').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ibias_deployments', table => {
    table.dropColumn('break_glass_reason');
  });
};
