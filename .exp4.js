const { validateObjects } = require('./dist/constructs/validation/objects.js');
const cases = [
 { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: {} } },
 { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
 { apiVersion: 'databases.spotahome.com/v1', kind: 'RedisFailover', metadata: { name: 'r' }, spec: {} },
 { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { instances: 2 } },
 { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster', metadata: { name: 'rmq' }, spec: { replicas: 3 } },
 { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm' }, spec: { } },
 { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm' }, spec: { } },
];
for (const c of cases) { const t = Date.now(); const r = validateObjects([c]); console.log(c.kind, Date.now() - t, 'ms', JSON.stringify(r).slice(0, 300)); }
