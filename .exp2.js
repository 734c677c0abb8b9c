const fs = require('fs'), path = require('path'), YAML = require('yaml');
const dir = '../shared/crds';
const keys = new Map(); let bare = []; let exclBool = 0; let badRe = new Set(); let itemsArr = 0;
function walk(n, p, file, inComb) {
  if (!n || typeof n !== 'object') return;
  for (const k of Object.keys(n)) keys.set(k, (keys.get(k) || 0) + 1);
  if (n.type === 'object' && !n.properties && n.additionalProperties === undefined && !n['x-kubernetes-preserve-unknown-fields'] && !inComb) bare.push(file + ':' + p);
  if (typeof n.exclusiveMinimum === 'boolean' || typeof n.exclusiveMaximum === 'boolean') exclBool++;
  if (n.pattern) { try { new RegExp(n.pattern, 'u'); } catch (e) { badRe.add(file + ' ' + n.pattern); } }
  if (Array.isArray(n.items)) itemsArr++;
  if (n.properties) for (const [k, v] of Object.entries(n.properties)) walk(v, p + '.' + k, file, inComb);
  if (n.items && !Array.isArray(n.items)) walk(n.items, p + '[]', file, inComb);
  if (n.additionalProperties && typeof n.additionalProperties === 'object') walk(n.additionalProperties, p + '{}', file, inComb);
  for (const c of ['allOf', 'anyOf', 'oneOf']) if (n[c]) n[c].forEach((s, i) => walk(s, p + `/${c}${i}`, file, true));
  if (n.not) walk(n.not, p + '/not', file, true);
}
for (const g of fs.readdirSync(dir)) {
  const gd = path.join(dir, g); if (!fs.statSync(gd).isDirectory()) continue;
  for (const f of fs.readdirSync(gd)) {
    if (!/\.ya?ml$/.test(f)) continue;
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(gd, f), 'utf8'));
    for (const d of docs) { const j = d.toJS(); if (!j) continue;
      if (j.openAPIV3Schema) walk(j.openAPIV3Schema, '', g + '/' + f, false);
      else if (j.kind === 'CustomResourceDefinition') for (const v of j.spec.versions) { if (v.schema) walk(v.schema.openAPIV3Schema, v.name, g + '/' + f, false); else console.log('noschema', f, v.name); }
      else console.log('other doc', f, j.kind);
    }
  }
}
console.log([...keys].sort((a, b) => b[1] - a[1]).map(([k, v]) => k + '=' + v).join(' '));
console.log('bare', bare.length); const byField = {}; for (const b of bare) { const last = b.split('.').pop(); byField[last] = (byField[last]||0)+1 } console.log(Object.entries(byField).sort((a,b)=>b[1]-a[1]).slice(0,40));
console.log(bare.filter(b => b.endsWith(".metadata") && !/:[a-z0-9]*\.metadata$/.test(b)).join("\n"));
console.log('exclBool', exclBool, 'itemsArr', itemsArr); console.log([...badRe].join('\n'));
