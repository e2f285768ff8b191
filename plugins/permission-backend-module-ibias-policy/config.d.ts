export interface Config {
  ibias?: {
    permissions?: {
      /**
       * Groups whose members administer the catalog and the scaffolder: register, analyse
       * and delete locations, validate entities (which reads URLs), delete any entity, read and cancel any task, use the template
       * editor. Everyone else deletes only entities they own and cancels only their own
       * tasks. Default: [group:default/platform-team].
       */
      catalogAdmins?: string[];
      /**
       * Groups whose members see financial KPIs (MRR, CAC, LTV, churn) in ibias-metrics.
       * Default: [group:default/executives, group:default/platform-team].
       */
      businessReaders?: string[];
      /**
       * Groups whose members read every team's AI spend in ibias-ai-costs (and what no
       * team owns); everyone else reads the spend of the teams they belong to.
       * Default: [group:default/executives].
       */
      aiCostsReaders?: string[];
    };
  };
}
