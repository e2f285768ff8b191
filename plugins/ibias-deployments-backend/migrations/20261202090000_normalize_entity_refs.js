// @ts-check

/**
 * Entity refs lowercase, as the catalog keys them: before, a ref written in another
 * letter case (component:default/IBIAS-API) got its own lock, history and state. Where
 * two spellings collide on a primary key, the lock of the earliest in-flight deployment
 * and the newest environment state win.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex('ibias_deployments')
    .whereRaw('entity_ref <> lower(entity_ref)')
    .update({ entity_ref: knex.raw('lower(entity_ref)') });

  const locks = await knex('ibias_deployment_locks')
    .whereRaw('entity_ref <> lower(entity_ref)')
    .select();
  for (const lock of locks) {
    const lower = lock.entity_ref.toLowerCase();
    const other = await knex('ibias_deployment_locks')
      .where({ entity_ref: lower, environment: lock.environment })
      .first();
    await knex('ibias_deployment_locks')
      .where({ entity_ref: lock.entity_ref, environment: lock.environment })
      .delete();
    if (!other) {
      await knex('ibias_deployment_locks').insert({
        ...lock,
        entity_ref: lower,
      });
    } else if (lock.acquired_at < other.acquired_at) {
      await knex('ibias_deployment_locks')
        .where({ entity_ref: lower, environment: lock.environment })
        .update({
          deployment_id: lock.deployment_id,
          acquired_at: lock.acquired_at,
        });
    }
  }

  const states = await knex('ibias_environment_state')
    .whereRaw('entity_ref <> lower(entity_ref)')
    .select();
  for (const state of states) {
    const lower = state.entity_ref.toLowerCase();
    const other = await knex('ibias_environment_state')
      .where({ entity_ref: lower, environment: state.environment })
      .first();
    await knex('ibias_environment_state')
      .where({ entity_ref: state.entity_ref, environment: state.environment })
      .delete();
    if (!other) {
      await knex('ibias_environment_state').insert({
        ...state,
        entity_ref: lower,
      });
    } else if (state.since > other.since) {
      const { entity_ref: _ref, environment: _env, ...rest } = state;
      await knex('ibias_environment_state')
        .where({ entity_ref: lower, environment: state.environment })
        .update(rest);
    }
  }
};

/**
 * The original letter case is not kept anywhere, so there is nothing to restore: the
 * lowercase refs stay, and the code before this migration reads them as well.
 *
 * @param {import('knex').Knex} _knex
 */
exports.down = async function down(_knex) {};
