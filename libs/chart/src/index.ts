export * from './chart-files';
export * from './chart-tools';
export * from './chart-topology';
export * from './manifests';
export * from './render';
