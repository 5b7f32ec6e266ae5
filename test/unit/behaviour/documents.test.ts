import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentFileNames, loadDocumentLibrary, missingDocumentError, selectDocument } from '../../../src/behaviour/documents';
import { rngFrom } from '../../../src/behaviour/random';
import { seedType } from './fixtures';

const REPO = new URL('../../../', import.meta.url).pathname;

describe('document file names', () => {
  it('are <root>/<bucketName>/<path>/NNN.txt, three digits from 001, sampleSize per folder', () => {
    const files = documentFileNames('load-test-documents', ['technical/', 'manuals/'], 10, 'documents');
    expect(files).toHaveLength(20);
    expect(files[0]).toEqual({ path: 'documents/load-test-documents/technical/001.txt', folder: 'technical/', number: 1 });
    expect(files[9]!.path).toBe('documents/load-test-documents/technical/010.txt');
    expect(files[10]!.path).toBe('documents/load-test-documents/manuals/001.txt');
    expect(documentFileNames('b', ['/a/b/'], 1, '../documents/')[0]!.path).toBe('../documents/b/a/b/001.txt');
  });

  it('reject an empty folder list, a bad sampleSize and paths that climb out of the library', () => {
    expect(() => documentFileNames('b', [], 1, 'documents')).toThrow('documentLibrary "b": documentPaths is empty; list at least one folder');
    expect(() => documentFileNames('b', ['x'], 0, 'documents')).toThrow('documentLibrary "b": sampleSize must be an integer from 1 to 999 (got 0)');
    expect(() => documentFileNames('b', ['../etc'], 1, 'documents')).toThrow(/documentLibrary.documentPaths\[0\] must stay inside the library/);
    expect(() => documentFileNames(' / ', ['x'], 1, 'documents')).toThrow('documentLibrary.bucketName is empty (got " / ")');
  });
});

describe('loading a library', () => {
  it('a file beyond what the folder holds is reported with the fix', () => {
    const present = new Set(['d/b/x/001.txt', 'd/b/x/002.txt']);
    const read = (p: string) => {
      if (!present.has(p)) throw new Error(`open ${p}: no such file or directory`);
      return `text of ${p}`;
    };
    expect(() => loadDocumentLibrary({ enabled: true, bucketName: 'b', documentPaths: ['x'], sampleSize: 3 }, 'd', read)).toThrow(
      'document library: cannot read d/b/x/003.txt (open d/b/x/003.txt: no such file or directory); with sampleSize 3 folder "x" must hold 001.txt to 003.txt: add d/b/x/003.txt or lower sampleSize to 2',
    );
    expect(missingDocumentError({ path: 'd/b/y/001.txt', folder: 'y', number: 1 }, 5).message).toBe(
      'document library: cannot read d/b/y/001.txt; with sampleSize 5 folder "y" must hold 001.txt to 005.txt: the folder has no 001.txt: check documents.root, bucketName and documentPaths',
    );
    const lib = loadDocumentLibrary({ enabled: true, bucketName: 'b', documentPaths: ['x'], sampleSize: 2 }, 'd', read);
    expect(lib.documents.map((d) => d.path)).toEqual(['d/b/x/001.txt', 'd/b/x/002.txt']);
  });

  it('an empty file or an empty library is a clear error', () => {
    expect(() => loadDocumentLibrary({ enabled: true, bucketName: 'b', documentPaths: ['x'], sampleSize: 1 }, 'd', () => '  \n')).toThrow(
      'document library "b": d/b/x/001.txt is empty; every document needs text',
    );
    expect(() => selectDocument(rngFrom('s'), { bucketName: 'b', documents: [] })).toThrow(/document library "b" is empty/);
  });

  it('the shipped library satisfies the seed config: 20 documents of 2-10 KB, each with a title line', () => {
    const spec = seedType('long_document').documentLibrary!;
    const lib = loadDocumentLibrary(spec, 'documents', (p) => readFileSync(`${REPO}${p}`, 'utf8'));
    expect(lib.documents).toHaveLength(20);
    for (const d of lib.documents) {
      const size = statSync(`${REPO}${d.path}`).size;
      expect(size, d.path).toBeGreaterThanOrEqual(2 * 1024);
      expect(size, d.path).toBeLessThanOrEqual(10 * 1024);
      expect(d.text.split('\n')[0]!.trim().length, d.path).toBeGreaterThan(5);
    }
    expect(new Set(lib.documents.map((d) => d.text.split('\n')[0])).size).toBe(20);
    const picked = new Set<string>();
    const rng = rngFrom('pick');
    for (let i = 0; i < 2000; i++) picked.add(selectDocument(rng, lib).path);
    expect(picked.size).toBe(20);
  });
});
