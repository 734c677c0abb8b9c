const { validateObjects, crdDirectory } = require('./dist/constructs/validation/objects.js');
console.log(crdDirectory());
const objs = [
 { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labels: { a: 'b' }, bogus: 1, annotations: {'helm.sh/hook': 'x'} },
  spec: { replicas: 'x', bogusSpec: true, selector: { matchLabels: { a: 'b' } }, strategy: {rollingUpdate: {maxSurge: '25%', maxUnavailable: 1.5}},
    template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'Sometimes', imagee: 1, ports: [{containerPort: 'http'}], resources: {limits: {cpu: '1x', memory: 5}} }] } } } },
 { apiVersion: 'databases.spotahome.com/v1', kind: 'RedisFailover', metadata: { name: 'r' }, spec: { redis: { replicas: 3, bogus: 1 }, sentinel: { replicas: 'x' } } },
 { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { instances: 'two', storage: { size: '1Gi' } } },
 { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster', metadata: { name: 'rmq' }, spec: { replicas: 3 } },
 { apiVersion: 'foo.example.com/v1', kind: 'Foo', metadata: { name: 'f' } },
 { apiVersion: 'apps/v1beta9', kind: 'Deployment', metadata: { name: 'f' } },
 { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm' }, spec: { running: true, template: { spec: { domain: { devices: {}, resources: {requests: {memory: '1Gi'}} } } } } },
 { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, spec: { secretName: 's', issuerRef: { name: 'i' }, dnsNames: ['a', 'a'] } },
];
let t = Date.now(); let r = validateObjects(objs); console.log('first', Date.now() - t, 'ms');
console.log(JSON.stringify(r, null, 1));
t = process.hrtime.bigint(); r = validateObjects(objs); console.log('second', Number(process.hrtime.bigint() - t) / 1e6, 'ms');
