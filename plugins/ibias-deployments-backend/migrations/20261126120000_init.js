// @ts-check

/**
 * Deployments, the one-deploy-at-a-time locks, and what runs where.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ibias_deployments', table => {
    table.string('id', 36).primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 32).notNullable();
    table.string('version', 64).notNullable();
    table.string('previous_version', 64).nullable();
    table.string('strategy', 16).notNullable();
    table.string('status', 24).notNullable();
    table.text('reason').nullable();
    table.text('steps').notNullable();
    table.text('evidence').notNullable();
    table.string('initiated_by', 255).notNullable();
    table.string('approved_by', 255).nullable();
    table.string('rollback_of', 36).nullable();
    table.string('idempotency_key', 255).nullable();
    table.string('request_hash', 64).nullable();
    // Compare-and-set: every write names the revision it read.
    table.integer('revision').notNullable().defaultTo(0);
    table.string('created_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('started_at', 32).nullable();
    table.string('finished_at', 32).nullable();
    table.string('approval_expires_at', 32).nullable();
    table.unique(['initiated_by', 'idempotency_key'], {
      indexName: 'ibias_deployments_idempotency_idx',
    });
    table.index(
      ['entity_ref', 'environment', 'created_at'],
      'ibias_deployments_target_idx',
    );
    table.index(['status'], 'ibias_deployments_status_idx');
    table.index(['created_at'], 'ibias_deployments_created_idx');
  });

  // One row per service and environment while a deployment is in flight.
  await knex.schema.createTable('ibias_deployment_locks', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 32).notNullable();
    table.string('deployment_id', 36).notNullable();
    table.string('acquired_at', 32).notNullable();
    table.primary(['entity_ref', 'environment']);
  });

  // What runs in each environment of each service.
  await knex.schema.createTable('ibias_environment_state', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 32).notNullable();
    table.string('version', 64).notNullable();
    table.string('since', 32).notNullable();
    table.string('deployed_by', 255).notNullable();
    table.string('strategy', 16).notNullable();
    table.string('deployment_id', 36).notNullable();
    table.primary(['entity_ref', 'environment']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ibias_environment_state');
  await knex.schema.dropTable('ibias_deployment_locks');
  await knex.schema.dropTable('ibias_deployments');
};
