import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readReleaseManagers } from '@internal/plugin-ibias-deployments-node';
import { IbiasPermissionPolicy } from './policy';

/** Installs the IBIAS permission policy (replaces the allow-all policy). */
export const permissionModuleIbiasPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'ibias-policy',
  register(reg) {
    reg.registerInit({
      deps: { config: coreServices.rootConfig, policy: policyExtensionPoint },
      async init({ config, policy }) {
        policy.setPolicy(
          new IbiasPermissionPolicy({
            releaseManagers: readReleaseManagers(config),
            catalogAdmins: config.getOptionalStringArray(
              'ibias.permissions.catalogAdmins',
            ) ?? ['group:default/platform-team'],
            businessReaders: config.getOptionalStringArray(
              'ibias.permissions.businessReaders',
            ) ?? ['group:default/executives', 'group:default/platform-team'],
            aiCostsReaders: config.getOptionalStringArray(
              'ibias.permissions.aiCostsReaders',
            ) ?? ['group:default/executives'],
          }),
        );
      },
    });
  },
});
