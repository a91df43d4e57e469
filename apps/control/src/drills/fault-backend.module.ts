import { type FactoryProvider, Module, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ControlEnvironment, type FaultBackendName } from '../config/control-environment';
import { TopologyModule } from '../topology/topology.module';
import { FaultBackend } from './fault-backend';
import {
  KUBE_CONFIG_LOADER,
  KubernetesFaultBackend,
  loadInClusterConfig,
} from './kubernetes-fault-backend';
import { LocalFaultBackend } from './local-fault-backend';

const FAULT_BACKENDS: Record<FaultBackendName, Type<FaultBackend>> = {
  local: LocalFaultBackend,
  kubernetes: KubernetesFaultBackend,
};

/**
 * The FaultBackend FAULTLINE_FAULT_BACKEND names. Only that one is created (with its
 * dependencies from the module), so a local control never sets up Kubernetes access. It is
 * handed out once it has restored the roles: the failover operators and the drills, which
 * need it, must not start from roles a failover has moved since.
 */
export const faultBackendProvider: FactoryProvider<Promise<FaultBackend>> = {
  provide: FaultBackend,
  inject: [ControlEnvironment, ModuleRef],
  useFactory: async (env: ControlEnvironment, moduleRef: ModuleRef) => {
    const backend = await moduleRef.create(FAULT_BACKENDS[env.FAULTLINE_FAULT_BACKEND]);
    await backend.restoreRoles();
    return backend;
  },
};

/** The fault backend, shared by the drills and the failover operators. */
@Module({
  imports: [TopologyModule],
  providers: [faultBackendProvider, { provide: KUBE_CONFIG_LOADER, useValue: loadInClusterConfig }],
  exports: [FaultBackend],
})
export class FaultBackendModule {}
