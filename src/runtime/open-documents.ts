import { SharedArray } from 'k6/data';
import { loadDocumentLibrary, type DocumentLibrary, type LibraryDocument } from '../behaviour/documents';
import { resolveUserPath, type Run } from './run';

/**
 * Loads each document-using test type's library with open(), once per process (init context only),
 * keyed by test type name. A missing file or a sampleSize beyond the files present fails the init
 * with the library's own message, before anything is provisioned.
 */
export function loadLibraries(run: Run): Record<string, DocumentLibrary> {
  const out: Record<string, DocumentLibrary> = {};
  for (const type of run.config.spec.testTypes) {
    const lib = type.documentLibrary;
    if (!lib || !lib.enabled) continue;
    // One element per document: a VU deserialises only the document it picks, not the whole library.
    const documents = new SharedArray<LibraryDocument>(`documents:${type.name}`, () =>
      loadDocumentLibrary(lib, run.config.spec.documents.root, (path) => open(resolveUserPath(path))).documents.slice(),
    );
    out[type.name] = { bucketName: lib.bucketName, documents: documents as unknown as readonly LibraryDocument[] };
  }
  return out;
}
