const YAML=require('yaml'),fs=require('fs'),path=require('path');
const { validateObjects } = require('./dist/constructs/validation/objects.js');
const dir='../shared/crds'; const objs=[];
for (const g of fs.readdirSync(dir)) { const gd=path.join(dir,g); if(!g.includes('.')||!fs.statSync(gd).isDirectory()) continue;
 for (const f of fs.readdirSync(gd)) { if (f.includes('.openapi')) continue; for (const d of YAML.parseAllDocuments(fs.readFileSync(path.join(gd,f),'utf8'))) { const c=d.toJS(); if(c?.kind!=='CustomResourceDefinition') continue;
  for (const v of c.spec.versions) objs.push({apiVersion: `${c.spec.group}/${v.name}`, kind: c.spec.names.kind, metadata:{name: f+':'+v.name}, spec: {}}); } } }
objs.push({apiVersion:'instancetype.kubevirt.io/v1beta1', kind:'VirtualMachineClusterPreference', metadata:{name:'p'}, spec:{}});
objs.push({apiVersion:'instancetype.kubevirt.io/v1beta1', kind:'VirtualMachineClusterInstancetype', metadata:{name:'p'}, spec:{cpu:{guest:1}, memory:{guest:'1Gi'}}});
let t=Date.now(); const r=validateObjects(objs); console.log(objs.length,'objects', Date.now()-t,'ms');
console.log(JSON.stringify(r.unvalidated,null,1)); 
const byObj={}; for (const p of r.problems) (byObj[p.object] ||= []).push(p.path+': '+p.message.slice(0,100)); for (const [k,v] of Object.entries(byObj)) console.log(k, '\n   ', v.join('\n    '));
