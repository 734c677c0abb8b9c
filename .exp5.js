const YAML=require('yaml'),fs=require('fs');
const Ajv=require('ajv').default;
const m = require('./dist/constructs/validation/objects.js');
const txt=fs.readFileSync('../shared/crds/databases.spotahome.com/redisfailovers.yaml','utf8');
let t=Date.now(); const crd=YAML.parse(txt); console.log('parse', Date.now()-t);
t=Date.now(); const crd2=YAML.parse(txt); console.log('parse again', Date.now()-t);
const schema = crd.spec.versions[0].schema.openAPIV3Schema;
// mimic: use internal via eval of a stripped copy
function strip(n){ if(Array.isArray(n)) return n.map(strip); if(n&&typeof n==='object'){const o={}; for(const [k,v] of Object.entries(n)){ if(k==='description'||k.startsWith('x-kubernetes')||k==='default'||k==='nullable') continue; o[k]= k==='properties'? Object.fromEntries(Object.entries(v).map(([a,b])=>[a,strip(b)])) : strip(v);} return o;} return n;}
const s = strip(schema);
console.log('stripped json', JSON.stringify(s).length);
for (const vs of [true,false]) { const ajv=new Ajv({allErrors:true,verbose:true,strict:false,validateFormats:false, validateSchema: vs}); t=Date.now(); ajv.compile(structuredClone(s)); console.log('compile validateSchema', vs, Date.now()-t); }
const ajv=new Ajv({allErrors:false,strict:false,validateFormats:false, validateSchema: false}); t=Date.now(); ajv.compile(structuredClone(s)); console.log('compile noAllErrors', Date.now()-t);
// count unique subtrees
const counts=new Map(); function walk(n){ if(n&&typeof n==='object'&&!Array.isArray(n)){ const k=JSON.stringify(n); if(k.length>2000){counts.set(k,(counts.get(k)||0)+1);} for(const v of Object.values(n)) walk(v);} else if(Array.isArray(n)) n.forEach(walk);}
walk(s); let saved=0; for(const [k,c] of counts) if(c>1) saved+=k.length*(c-1); console.log('dup bytes', saved);
function dedupe(root){
  const counts=new Map();
  (function walk(n){ if(n&&typeof n==='object'&&!Array.isArray(n)){ const k=JSON.stringify(n); if(k.length>500) counts.set(k,(counts.get(k)||0)+1); for(const v of Object.values(n)) walk(v);} else if(Array.isArray(n)) n.forEach(walk);})(root);
  const defs={}; const ids=new Map(); let i=0;
  function rw(n, top){ if(Array.isArray(n)) return n.map(x=>rw(x)); if(!(n&&typeof n==='object')) return n; const k=JSON.stringify(n);
    if(!top && (counts.get(k)||0)>1){ let id=ids.get(k); if(!id){ id='d'+(i++); ids.set(k,id); defs[id]=null; defs[id]=rw(n,true);} return {$ref:'#/definitions/'+id}; }
    const o={}; for(const [a,b] of Object.entries(n)) o[a]= a==='properties'||a==='patternProperties' ? Object.fromEntries(Object.entries(b).map(([x,y])=>[x,rw(y)])) : (a==='enum'||a==='required'? b : rw(b)); return o; }
  const out=rw(root,true); out.definitions=defs; return out; }
for (let r=0;r<2;r++){ const d=dedupe(s); console.log('deduped json', JSON.stringify(d).length, Object.keys(d.definitions).length);
let ajv=new Ajv({allErrors:true,verbose:true,strict:false,validateFormats:false, validateSchema: false}); t=Date.now(); ajv.compile(d); console.log('compile deduped', Date.now()-t);
ajv=new Ajv({allErrors:true,verbose:true,strict:false,validateFormats:false, validateSchema: false}); t=Date.now(); ajv.compile(structuredClone(s)); console.log('compile plain', Date.now()-t);
ajv=new Ajv({allErrors:true,verbose:true,strict:false,validateFormats:false, validateSchema: true}); t=Date.now(); ajv.compile(structuredClone(s)); console.log('compile plain validateSchema', Date.now()-t);
}
for (let r=0;r<2;r++){ const d=dedupe(s);
let ajv=new Ajv({allErrors:true,verbose:true,strict:false,validateFormats:false, validateSchema: false, inlineRefs:false}); t=Date.now(); ajv.compile(d); console.log('compile deduped noinline', Date.now()-t);
t=Date.now(); dedupe(s); console.log('dedupe cost', Date.now()-t);
}
