#!/usr/bin/env node
// Prints the entry names of a .vsix (a zip), one per line, from its central directory.
// Used by run.sh, which must not depend on `unzip` being installed.
'use strict';
const zip = require('fs').readFileSync(process.argv[2]);
let eocd = -1;
for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
  if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
}
if (eocd < 0) { console.error('not a zip file'); process.exit(1); }
let p = zip.readUInt32LE(eocd + 16);
for (let n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
  if (zip.readUInt32LE(p) !== 0x02014b50) { console.error('bad central directory'); process.exit(1); }
  const len = zip.readUInt16LE(p + 28);
  console.log(zip.toString('utf8', p + 46, p + 46 + len));
  p += 46 + len + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
}
