// The licence gate (issue 13): the project's Go modules and npm packages must all be under permissive
// licences, read from the module cache and node_modules, offline. First the gate is shown to fail on planted
// packages (an AGPL Go module, npm packages declared or licensed AGPL, a go.mod requiring go.k6.io/k6), then
// the real repository must pass.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { detectLicences, judgePackage, parseSpdx, runLicenceGate, spdxAllowed, type GatePackage } from '../../../tools/licence-gate';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const MIT = `MIT License

Copyright (c) 2020 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction...

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.`;
const AGPL = `                    GNU AFFERO GENERAL PUBLIC LICENSE
                       Version 3, 19 November 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>`;
const APACHE = `
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/`;
const BSD = (third: boolean) => `Copyright (c) 2009 The Go Authors. All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are
met:
   * Redistributions of source code must retain the above copyright notice.
${third ? '   * Neither the name of Google Inc. nor the names of its\n contributors may be used to endorse or promote products' : ''}`;
const ISC = `Copyright (c) Someone

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.`;
const ZERO_BSD = `Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES`;
// The MPL-2.0 names the GNU licences in running text; that must not read as the GPL.
const MPL = `Mozilla Public License Version 2.0
==================================
1.12. "Secondary License"
    means either the GNU General Public License, Version 2.0, the GNU Lesser
    General Public License, Version 2.1, the GNU Affero General Public
    License, Version 3.0, or any later versions of those licenses.`;

describe('SPDX expressions', () => {
  const ok = (id: string) => ['MIT', 'Apache-2.0'].includes(id);
  const allowed = (e: string) => spdxAllowed(parseSpdx(e)!, ok);
  it('OR passes when one side is allowed, AND needs all', () => {
    expect(allowed('MIT')).toBe(true);
    expect(allowed('(MIT OR GPL-3.0-only)')).toBe(true);
    expect(allowed('MIT AND GPL-3.0-only')).toBe(false);
    expect(allowed('GPL-2.0-only OR AGPL-3.0')).toBe(false);
    expect(allowed('MIT AND (Apache-2.0 OR GPL-3.0)')).toBe(true);
    expect(allowed('Apache-2.0 WITH LLVM-exception')).toBe(true);
  });
  it('refuses what is not an expression', () => {
    expect(parseSpdx('SEE LICENSE IN LICENSE.txt')).toBeNull();
    expect(parseSpdx('(MIT')).toBeNull();
    expect(parseSpdx('')).toBeNull();
  });
});

describe('licence texts', () => {
  it('recognises the common texts by their phrases', () => {
    expect(detectLicences(MIT)).toEqual(['MIT']);
    expect(detectLicences(AGPL)).toEqual(['AGPL-3.0']);
    expect(detectLicences(APACHE)).toEqual(['Apache-2.0']);
    expect(detectLicences(BSD(true))).toEqual(['BSD-3-Clause']);
    expect(detectLicences(BSD(false))).toEqual(['BSD-2-Clause']);
    expect(detectLicences(ISC)).toEqual(['ISC']);
    expect(detectLicences(ZERO_BSD)).toEqual(['0BSD']);
    expect(detectLicences(MPL)).toEqual(['MPL-2.0']);
    expect(detectLicences('GNU GENERAL PUBLIC LICENSE\n   Version 3, 29 June 2007')).toEqual(['GPL']);
    expect(detectLicences('GNU LESSER GENERAL PUBLIC LICENSE\n Version 2.1')).toEqual(['LGPL']);
    expect(detectLicences('Server Side Public License\nVERSION 1, OCTOBER 16, 2018')).toEqual(['SSPL-1.0']);
    expect(detectLicences('Business Source License 1.1')).toEqual(['BUSL-1.1']);
    expect(detectLicences('All rights reserved. Do not copy.')).toEqual([]);
  });

  const pkg = (over: Partial<GatePackage>): GatePackage => ({ ecosystem: 'npm', name: 'p', version: '1.0.0', where: 'node_modules/p', files: [], ...over });
  it('judges a package by its declared licence, and by its files when it declares none', () => {
    expect(judgePackage(pkg({ declared: 'MIT', files: [{ name: 'LICENSE', text: MIT }] })).ok).toBe(true);
    expect(judgePackage(pkg({ declared: 'AGPL-3.0' }))).toMatchObject({ ok: false, licence: 'AGPL-3.0' });
    expect(judgePackage(pkg({ declared: 'SSPL-1.0' })).ok).toBe(false);
    expect(judgePackage(pkg({ declared: 'LGPL-3.0-or-later' })).ok).toBe(false);
    expect(judgePackage(pkg({ files: [{ name: 'LICENSE', text: BSD(true) }] }))).toMatchObject({ ok: true, licence: 'BSD-3-Clause' });
    expect(judgePackage(pkg({}))).toMatchObject({ ok: false, licence: 'none' });
    expect(judgePackage(pkg({ files: [{ name: 'LICENSE', text: 'Proprietary. All rights reserved.' }] }))).toMatchObject({ ok: false, licence: 'unrecognised' });
    expect(judgePackage(pkg({ declared: 'UNLICENSED' })).ok).toBe(false);
    // An AGPL text behind a permissive declaration still fails.
    expect(judgePackage(pkg({ declared: 'MIT', files: [{ name: 'LICENSE', text: AGPL }] })).ok).toBe(false);
    // CC-BY-4.0 is for data packages only.
    expect(judgePackage(pkg({ declared: 'CC-BY-4.0' })).ok).toBe(false);
    expect(judgePackage(pkg({ name: 'caniuse-lite', declared: 'CC-BY-4.0' })).ok).toBe(true);
    // Go modules have only their files; every file must be recognised.
    expect(judgePackage(pkg({ ecosystem: 'go', files: [{ name: 'LICENSE', text: APACHE }, { name: 'LICENSE.libyaml', text: MIT }] }))).toMatchObject({ ok: true, licence: 'Apache-2.0 AND MIT' });
    expect(judgePackage(pkg({ ecosystem: 'go', files: [{ name: 'LICENSE', text: APACHE }, { name: 'COPYING', text: AGPL }] })).ok).toBe(false);
  });
});

describe('the gate over a repository', () => {
  const fixture = mkdtempSync(join(tmpdir(), 'licence-gate-'));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(fixture, rel)), { recursive: true });
    writeFileSync(join(fixture, rel), text);
  };

  it('fails on a planted AGPL Go module, a go.mod requiring go.k6.io/k6 and AGPL npm packages, naming each', () => {
    // A Go module whose build list holds an AGPL module (a local replacement, so no network is needed) and an
    // MIT one; and a second go.mod that requires k6.
    write('app/go.mod', 'module example.com/app\n\ngo 1.22\n\nrequire (\n\texample.com/agplmod v1.0.0\n\texample.com/mitmod v1.0.0\n)\n\nreplace example.com/agplmod => ../mods/agpl\n\nreplace example.com/mitmod => ../mods/mit\n');
    write('mods/agpl/go.mod', 'module example.com/agplmod\n\ngo 1.22\n');
    write('mods/agpl/LICENSE', AGPL);
    write('mods/mit/go.mod', 'module example.com/mitmod\n\ngo 1.22\n');
    write('mods/mit/LICENSE', MIT);
    write('withk6/go.mod', 'module example.com/withk6\n\ngo 1.22\n\nrequire go.k6.io/k6 v1.1.0\n');
    // npm: one declares AGPL-3.0, one declares nothing and ships the AGPL text, one is MIT.
    write(
      'package-lock.json',
      JSON.stringify({
        name: 'fixture',
        lockfileVersion: 3,
        packages: {
          '': { name: 'fixture' },
          'node_modules/agpl-pkg': { version: '1.0.0', license: 'AGPL-3.0' },
          'node_modules/agpl-text-pkg': { version: '2.0.0' },
          'node_modules/fine-pkg': { version: '3.0.0', license: 'MIT' },
        },
      }),
    );
    write('node_modules/agpl-pkg/package.json', JSON.stringify({ name: 'agpl-pkg', version: '1.0.0', license: 'AGPL-3.0' }));
    write('node_modules/agpl-text-pkg/package.json', JSON.stringify({ name: 'agpl-text-pkg', version: '2.0.0' }));
    write('node_modules/agpl-text-pkg/LICENSE.md', AGPL);
    write('node_modules/fine-pkg/package.json', JSON.stringify({ name: 'fine-pkg', version: '3.0.0', license: 'MIT' }));
    write('node_modules/fine-pkg/LICENSE', MIT);

    const v = runLicenceGate(fixture);
    const text = v.failures.join('\n');
    expect(v.failures.find((f) => f.includes('example.com/agplmod')), text).toMatch(/^go example\.com\/agplmod.*AGPL-3\.0/);
    expect(v.failures.find((f) => f.includes('agpl-pkg@')), text).toMatch(/^npm agpl-pkg@1\.0\.0 .*AGPL-3\.0/);
    expect(v.failures.find((f) => f.includes('agpl-text-pkg')), text).toMatch(/AGPL-3\.0/);
    expect(v.failures.find((f) => f.includes('withk6/go.mod')), text).toMatch(/requires go\.k6\.io\/k6/);
    expect(text).not.toMatch(/mitmod|fine-pkg/);
    expect(v.byEcosystem).toMatchObject({ go: 2, npm: 3 });
  });

  it('passes on this repository: every Go module of every go.mod and every npm package', () => {
    const v = runLicenceGate(repoRoot);
    console.log(`licence gate: ${v.checked} packages checked (${Object.entries(v.byEcosystem).map(([k, n]) => `${n} ${k}`).join(', ')})`);
    expect(v.failures, v.failures.join('\n')).toEqual([]);
    expect(v.byEcosystem.npm).toBeGreaterThan(100);
    expect(v.byEcosystem.go).toBeGreaterThan(0);
  });
});
