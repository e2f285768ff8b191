// @ts-check

/**
 * Work in flight is owned in the database (issue 11): the engine that runs a deployment
 * writes its id and beats a heartbeat; a sweep takes over what stopped beating. The
 * index serves the sweep's query (status, then the heartbeat's age).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ibias_deployments', table => {
    table.string('owner_id', 64).nullable();
    table.string('heartbeat_at', 32).nullable();
    // Who asked to abort a running deployment its owner (another replica) runs.
    table.string('abort_requested_by', 255).nullable();
    table.index(['status', 'heartbeat_at'], 'ibias_deployments_heartbeat_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ibias_deployments', table => {
    table.dropIndex(
      ['status', 'heartbeat_at'],
      'ibias_deployments_heartbeat_idx',
    );
    table.dropColumn('abort_requested_by');
    table.dropColumn('heartbeat_at');
    table.dropColumn('owner_id');
  });
};
